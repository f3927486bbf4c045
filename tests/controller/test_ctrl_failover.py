"""Controller failover on three brokers (issue 6): leader election from the ISR
after a SIGKILL (time measured and printed), a killed controller replaced, a
SIGTERM'd leader handing leadership over before it exits (controlled
shutdown), and kafka-topics --describe showing the new leader and ISR.
Our ZooKeeper, session timeout 6 s, brokers on free loopback ports."""
import re
import signal
import subprocess

import pytest

import ctrl_util as cu
import testlib

SESSION_S = 6.0
TOPIC = "ctl"


def cluster_with_topic(procs, tmp_path, overrides=None):
    c = cu.start_cluster(procs, tmp_path, overrides=overrides)
    cu.create_topic(c.port(1), TOPIC, partitions=3, rf=3)
    last = cu.wait_metadata(c, [1, 2, 3], TOPIC, cu.fully_replicated(3, 3), 30,
                            "3 partitions with leader and ISR of 3 on every broker")
    return c, last[1]


def led_elsewhere(partition, old_leader):
    def pred(m):
        p = m[1].get(partition)
        return p is not None and p[0] >= 0 and p[0] != old_leader and old_leader not in p[2]
    return pred


@pytest.mark.timeout(90)
def test_sigkill_leader_elects_from_isr(procs, tmp_path):
    c, (_, parts, _) = cluster_with_topic(procs, tmp_path)
    leader = parts[0][0]
    others = [b for b in (1, 2, 3) if b != leader]
    t0 = cu.now()
    c.kill(leader)
    last = cu.wait_metadata(c, others, TOPIC, led_elsewhere(0, leader), SESSION_S + 10,
                            f"new leader of {TOPIC}-0 after SIGKILL of broker {leader}")
    elapsed = cu.now() - t0
    print(f"\nSIGKILL of leader {leader}: new leader {last[others[0]][1][0][0]} "
          f"visible on every live broker after {elapsed:.2f} s")
    for b in others:
        _, p, live = last[b]
        assert leader not in live
        for partition, (l, replicas, isr) in p.items():
            assert l in others and l in isr, (partition, l, isr)
            assert sorted(replicas) == [1, 2, 3]
            assert leader not in isr
    assert elapsed < SESSION_S + 8

    # The broker comes back: live again, a replica of every partition.
    c.start_broker(leader, overrides=c.overrides)
    cu.wait_metadata(c, [1, 2, 3], TOPIC, lambda m: leader in m[2] and len(m[1]) == 3, 20,
                     f"broker {leader} live again")


@pytest.mark.timeout(120)
def test_controller_kill_then_failover(procs, tmp_path):
    c, (controller, parts, _) = cluster_with_topic(procs, tmp_path)
    assert controller in (1, 2, 3)
    others = [b for b in (1, 2, 3) if b != controller]
    t0 = cu.now()
    c.kill(controller)
    last = cu.wait_metadata(
        c, others, TOPIC,
        lambda m: m[0] in others and all(
            p[0] in others and controller not in p[2] for p in m[1].values()),
        SESSION_S + 12, "a new controller and leaders on the live brokers")
    print(f"\nSIGKILL of controller {controller}: new controller {last[others[0]][0]}, "
          f"leaders moved after {cu.now() - t0:.2f} s")
    new_controller = last[others[0]][0]
    # The new controller handles the next failure too.
    victim = [b for b in others if b != new_controller][0]
    t1 = cu.now()
    c.kill(victim)
    cu.wait_metadata(
        c, [new_controller], TOPIC,
        lambda m: all(p[0] == new_controller and p[2] == [new_controller]
                      for p in m[1].values()),
        SESSION_S + 12, f"leaders on {new_controller} after broker {victim} died")
    print(f"SIGKILL of broker {victim}: leaders on {new_controller} after "
          f"{cu.now() - t1:.2f} s")


@pytest.mark.timeout(90)
def test_sigterm_moves_leadership_before_exit(procs, tmp_path):
    c, (_, parts, _) = cluster_with_topic(procs, tmp_path)
    leader = parts[0][0]
    others = [b for b in (1, 2, 3) if b != leader]
    led = [p for p, v in parts.items() if v[0] == leader]
    producer = cu.AckRecorder(c.bootstrap(), TOPIC, 0)
    producer.start()
    testlib.wait_for(lambda: len(producer.acks) >= 20, 15, what="first acks")
    t0 = cu.now()
    proc = c.brokers[leader]["proc"]
    c.kill(leader, signal.SIGTERM)
    assert proc.returncode == 0
    exited = cu.now() - t0
    testlib.wait_for(lambda: producer.acks and producer.acks[-1] > cu.now() - 0.5 and
                     len([a for a in producer.acks if a > t0 + exited]) >= 20, 15,
                     what="acks after the broker exited")
    producer.stop()
    assert producer.errors == [], producer.errors[:5]
    gap = producer.max_gap(t0 - 1)
    print(f"\nSIGTERM of leader {leader}: acks=all produce gap {gap:.2f} s")
    assert gap < 3.0
    log = c.log(leader)
    assert "controlled shutdown succeeded" in log, log[-3000:]
    # Leadership moved while the broker was still registered: no session timeout
    # to wait for.
    last = cu.wait_metadata(
        c, others, TOPIC,
        lambda m: all(m[1][p][0] in others for p in led) and all(
            leader not in v[2] for v in m[1].values()),
        5, "leadership moved off the stopped broker")
    print(f"\nSIGTERM of leader {leader}: exited after {exited:.2f} s, partitions {led} "
          f"now led by {[last[others[0]][1][p][0] for p in led]}")
    assert exited < SESSION_S


@pytest.mark.timeout(90)
def test_kafka_topics_describe_shows_new_leader(procs, tmp_path):
    c, (_, parts, _) = cluster_with_topic(procs, tmp_path)
    leader = parts[1][0]
    others = [b for b in (1, 2, 3) if b != leader]
    c.kill(leader)
    last = cu.wait_metadata(c, others, TOPIC, led_elsewhere(1, leader), SESSION_S + 10,
                            "new leader of partition 1")
    tool = cu.broker_cluster.find_binary("tools/kafka_topics/kafka-topics")
    out = subprocess.run([tool, "--bootstrap-server", c.bootstrap(others[0]), "--describe",
                          "--topic", TOPIC], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    lines = {}
    for line in out.stdout.splitlines():
        m = re.search(r"Partition: (\d+)\s+Leader: (\S+)\s+Replicas: (\S+)\s+Isr: (\S*)", line)
        if m:
            lines[int(m.group(1))] = m.groups()[1:]
    assert len(lines) == 3, out.stdout
    want_leader, _, want_isr = last[others[0]][1][1]
    assert lines[1][0] == str(want_leader)
    assert lines[1][2] == ",".join(str(b) for b in sorted(want_isr)) or \
        sorted(int(x) for x in lines[1][2].split(",")) == sorted(want_isr)
    assert str(leader) not in lines[1][2].split(",")
    under = subprocess.run([tool, "--bootstrap-server", c.bootstrap(others[0]), "--describe",
                            "--under-replicated-partitions"], capture_output=True, text=True,
                           timeout=30)
    assert under.returncode == 0, under.stderr
    assert len([l for l in under.stdout.splitlines() if "Partition:" in l]) == 3, under.stdout

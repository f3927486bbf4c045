"""Tier-A fault scenarios of RELIABILITY.md §7.5 against three brokers and a three-node
ZooKeeper ensemble: P1 hard bounce, P2 clean bounce, P3 zombie leader, P4 slow follower,
P5 two brokers stopped, P6 controller kill, D3 torn tail on a follower replica.

Each test runs the verifying producer (acks=all, max.in.flight 1, retries) and an
assign-mode consumer through the fault, heals, drains every partition from 0 to the
high watermark, compares every replica's batches below it, checks I1-I9 and prints one
`CHAOS <scenario>: ...` line (the §7.9 numbers; JSON in the test's tmp dir, or in
$CHAOS_SUMMARY_DIR when set).
"""
import contextlib
import os
import re
import subprocess
import time

import pytest

import chaos_cluster
import testlib
from chaos_run import PARTITIONS, TOPIC, Run

SESSION_S = chaos_cluster.SESSION_TIMEOUT_MS / 1000.0
LEADER_LOSS_BUDGET_S = SESSION_S + 5  # §7.4: new leader acking within session + 5 s
CONTROLLED_BUDGET_S = 3.0  # §7.4: controlled shutdown of a leader
LAG_S = chaos_cluster.REPLICA_LAG_MS / 1000.0


@contextlib.contextmanager
def scenario(chaos, tmp_path, name, warmup=300):
    """Topic, workload and warm-up; on a failed step the run is still drained, checked
    and summarised (best effort) before the failure propagates."""
    chaos.create_topic(TOPIC, PARTITIONS, 3)
    chaos.wait_full_isr(TOPIC, PARTITIONS)
    run = Run(name, chaos, tmp_path)
    run.start_workload()
    try:
        run.wait_acks(warmup, timeout=30)
        yield run
    except BaseException as e:
        run.report_failure(e)
        raise


def led_by(chaos, broker):
    """Partitions `broker` leads now (ZooKeeper state)."""
    return [p for p in range(PARTITIONS) if chaos.zk_leader(TOPIC, p) == broker]


def wait_acks_resume(run, partitions, n=20, timeout=SESSION_S + 15):
    for p in partitions:
        run.wait_acks(n, partition=p, timeout=timeout)


# -- P1 ------------------------------------------------------------------------------
@pytest.mark.timeout(170)
def test_p1_hard_bounce_leader_five_times(chaos, tmp_path):
    with scenario(chaos, tmp_path, "P1-hard-bounce") as run:
        for _ in range(5):
            victim = chaos.zk_leader(TOPIC, 0)
            f = run.fault("SIGKILL leader of partition 0", victim)
            f["led"] = led_by(chaos, victim)
            chaos.kill(victim)
            chaos.wait_deregistered(victim)
            chaos.wait_leader(TOPIC, 0, not_in=[victim], timeout=15)
            wait_acks_resume(run, f["partitions"])
            chaos.restart(victim)
            run.healed(f, restarted=[victim])
        res = run.finish()
        run.assert_safe(res)
        run.assert_gaps_within(LEADER_LOSS_BUDGET_S)


# -- P2 ------------------------------------------------------------------------------
@pytest.mark.timeout(170)
def test_p2_clean_bounce_leader_five_times(chaos, tmp_path):
    with scenario(chaos, tmp_path, "P2-clean-bounce") as run:
        exits = []
        for _ in range(5):
            victim = chaos.zk_leader(TOPIC, 0)
            f = run.fault("SIGTERM leader of partition 0", victim)
            f["led"] = led_by(chaos, victim)
            exits.append(chaos.term(victim, timeout=30))
            # Controlled shutdown moved leadership away before the process exited.
            moved = [p for p in f["led"] if chaos.zk_leader(TOPIC, p) != victim]
            f["leadership_moved_before_exit"] = moved == f["led"]
            chaos.wait_leader(TOPIC, 0, not_in=[victim], timeout=15)
            wait_acks_resume(run, f["partitions"])
            chaos.restart(victim)
            run.healed(f, restarted=[victim])
        res = run.finish(quiet=True)
        run.numbers["exit_codes"] = exits
        run.numbers["leadership_moved_before_exit"] = [f.get("leadership_moved_before_exit")
                                                       for f in run.faults]
        run.write_summary(res)
        run.assert_safe(res)
        run.assert_gaps_within(CONTROLLED_BUDGET_S)
        assert exits == [0] * 5, f"SIGTERM exit codes {exits}"
        assert all(f["leadership_moved_before_exit"] for f in run.faults), \
            "controlled shutdown left partitions led by the exited broker"


# -- P3 ------------------------------------------------------------------------------
@pytest.mark.timeout(150)
def test_p3_zombie_leader_paused_past_session_timeout(chaos, tmp_path):
    with scenario(chaos, tmp_path, "P3-zombie-leader") as run:
        victim = chaos.zk_leader(TOPIC, 0)
        old_epoch = chaos.partition_state(TOPIC, 0)["leader_epoch"]
        f = run.fault("SIGSTOP leader of partition 0", victim)
        f["led"] = led_by(chaos, victim)
        chaos.stop(victim)
        t_stop = time.time()
        new_leader = chaos.wait_leader(TOPIC, 0, not_in=[victim], timeout=SESSION_S + 15)
        wait_acks_resume(run, f["partitions"])
        # Paused for 1.5 x the session timeout in all.
        testlib.wait_for(lambda: time.time() - t_stop >= 1.5 * SESSION_S, 2 * SESSION_S,
                         interval=0.1, what="1.5 x session timeout")
        chaos.cont(victim)
        run.healed(f)
        # The zombie resumes, must not ack as leader, and rejoins as a follower.
        run.wait_acks(200, timeout=20)
        state = chaos.partition_state(TOPIC, 0)
        run.numbers["new_leader"] = new_leader
        run.numbers["leader_epoch"] = [old_epoch, state["leader_epoch"]]
        res = run.finish(quiet=True)
        run.numbers["victim_log"] = chaos.log_lines(victim, "epoch", "fenced", "Fenced", "stale",
                                                     "BadVersion", "expired", limit=10)
        run.write_summary(res)
        run.assert_safe(res)
        run.assert_gaps_within(LEADER_LOSS_BUDGET_S)
        assert state["leader_epoch"] > old_epoch


# -- P4 ------------------------------------------------------------------------------
def describe(chaos, *extra):
    tool = chaos_cluster.find_binary("tools/kafka_topics/kafka-topics")
    r = subprocess.run([tool, "--bootstrap-server", chaos.bootstrap(
        [b for b in sorted(chaos.brokers) if chaos.alive(b)]), "--describe", "--topic", TOPIC,
        *extra], capture_output=True, timeout=30)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def described_isr(text):
    """{partition: sorted ISR} from kafka-topics --describe lines."""
    out = {}
    for line in text.splitlines():
        m = re.search(r"Partition:\s*(\d+).*Isr:\s*([\d,]*)", line)
        if m:
            out[int(m.group(1))] = sorted(int(x) for x in m.group(2).split(",") if x)
    return out


def has_under_replicated_flag():
    tool = chaos_cluster.find_binary("tools/kafka_topics/kafka-topics")
    r = subprocess.run([tool, "--help"], capture_output=True, timeout=30)
    return b"--under-replicated-partitions" in r.stdout + r.stderr


@pytest.mark.timeout(150)
def test_p4_slow_follower_isr_shrinks_and_expands(chaos, tmp_path):
    with scenario(chaos, tmp_path, "P4-slow-follower") as run:
        leader = chaos.zk_leader(TOPIC, 0)
        victim = next(b for b in sorted(chaos.brokers) if b != leader)
        affected = [p for p in range(PARTITIONS) if victim in chaos.isr(TOPIC, p)]
        f = run.fault("SIGSTOP follower of partition 0", victim, [0])
        chaos.stop(victim)
        t_stop = time.time()
        # The ISR of partition 0 shrinks to the two live replicas; writes go on.
        t_shrunk = testlib.wait_for(
            lambda: victim not in chaos.isr(TOPIC, 0) and len(chaos.isr(TOPIC, 0)) == 2 and
            time.time(), LAG_S + SESSION_S + 10, interval=0.1, what="ISR of partition 0 shrunk to 2")
        run.numbers["isr_shrink_after_s"] = round(t_shrunk - t_stop, 3)
        testlib.wait_for(lambda: all(victim not in chaos.isr(TOPIC, p) for p in affected),
                         LAG_S + 10, interval=0.1, what="every affected ISR shrunk")
        wait_acks_resume(run, [0])
        rc, text, err = describe(chaos)
        during = described_isr(text)
        run.numbers["describe_during"] = text.strip().splitlines()
        under = None
        if has_under_replicated_flag():
            rc2, text2, _ = describe(chaos, "--under-replicated-partitions")
            under = sorted(described_isr(text2))
            run.numbers["under_replicated_during"] = under
        testlib.wait_for(lambda: time.time() - t_stop >= 1.5 * LAG_S, 2 * LAG_S, interval=0.1,
                         what="1.5 x replica.lag.time.max.ms")
        chaos.cont(victim)
        run.healed(f)
        run.numbers["isr_expand_after_s"] = f["full_isr_after_heal_s"]
        rc, text, err = describe(chaos)
        after = described_isr(text)
        under_after = None
        if under is not None:
            under_after = sorted(described_isr(describe(chaos, "--under-replicated-partitions")[1]))
            run.numbers["under_replicated_after"] = under_after
        res = run.finish(quiet=True)
        run.write_summary(res)
        run.assert_safe(res)
        assert all(len(during[p]) == 2 and victim not in during[p] for p in affected), during
        assert all(len(after[p]) == 3 for p in range(PARTITIONS)), after
        if under is not None:
            assert under == affected and under_after == []
        else:
            pytest.skip("kafka-topics has no --under-replicated-partitions yet (TOOLS); the ISR "
                        "shrink/expand checks passed")


# -- P5 ------------------------------------------------------------------------------
def probe_produce(bootstrap, n=3, partition=0):
    """Sends `n` records with retries=0 (so NOT_ENOUGH_REPLICAS is definite) and returns
    verifiable-producer events."""
    from confluent_kafka import Producer
    from chaos_checker import make_value
    p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "retries": 0,
                  "message.timeout.ms": 6000, "request.timeout.ms": 5000,
                  "max.in.flight.requests.per.connection": 1})
    events = []

    def report(err, msg):
        rec = {"topic": msg.topic(), "partition": msg.partition(), "value": msg.value().decode(),
               "timestamp": int(time.time() * 1000)}
        if err is None:
            events.append({"name": "producer_send_success", "offset": msg.offset(), **rec})
        else:
            name = err.name()
            events.append({"name": "producer_send_error", "error": name,
                           "definite": name == "NOT_ENOUGH_REPLICAS", **rec})
    for k in range(n):
        p.produce(TOPIC, value=make_value("probe", k), partition=partition, on_delivery=report)
        p.flush(10)
    return events


@pytest.mark.timeout(150)
def test_p5_two_brokers_stopped_acks_all_fails_not_loses(chaos, tmp_path):
    with scenario(chaos, tmp_path, "P5-below-min-isr") as run:
        leader = chaos.zk_leader(TOPIC, 0)
        victims = [b for b in sorted(chaos.brokers) if b != leader]
        f = run.fault("SIGSTOP two followers of partition 0", victims, list(range(PARTITIONS)))
        for v in victims:
            chaos.stop(v)
        t_stop = time.time()
        # Once the controller dropped them (session timeout), partition 0's ISR is its
        # leader alone: below min.insync.replicas=2.
        shrunk = True
        try:
            testlib.wait_for(lambda: chaos.isr(TOPIC, 0) == [leader], SESSION_S + LAG_S + 5,
                             interval=0.1, what="ISR of partition 0 = leader alone")
        except TimeoutError:
            shrunk = False
        run.numbers["isr_during"] = chaos.isr(TOPIC, 0)
        probe = probe_produce(chaos.bootstrap([leader]))
        run.history.add_producer("probe", probe)
        t_cont = time.time()
        for v in victims:
            chaos.cont(v)
        run.healed(f)
        acks = run.history  # filled by finish()
        res = run.finish(quiet=True)
        acked_during = [t for t in acks.ack_times() if t_stop + 1.0 < t < t_cont]
        run.numbers["acked_while_two_stopped"] = len(acked_during)
        run.numbers["probe_outcomes"] = [e.get("error", "acked") for e in probe]
        run.numbers["isr_shrunk_to_leader"] = shrunk
        run.write_summary(res)
        run.assert_safe(res)
        assert not acked_during, f"{len(acked_during)} acks while two of three brokers were stopped"
        assert all(e["name"] == "producer_send_error" for e in probe), probe
        if shrunk:
            assert any(e.get("error") == "NOT_ENOUGH_REPLICAS" for e in probe), probe


# -- P6 ------------------------------------------------------------------------------
@pytest.mark.timeout(150)
def test_p6_kill_controller(chaos, tmp_path):
    with scenario(chaos, tmp_path, "P6-controller") as run:
        ctrl = chaos.controller_id()
        f = run.fault("SIGKILL controller", ctrl)
        f["led"] = led_by(chaos, ctrl)
        chaos.kill(ctrl)
        t_kill = time.time()
        new_ctrl = testlib.wait_for(lambda: (chaos.controller_id() not in (-1, ctrl)) and
                                    chaos.controller_id() + 1, SESSION_S + 15, interval=0.1,
                                    what="a new controller") - 1
        run.numbers["controller_failover_s"] = round(time.time() - t_kill, 3)
        run.numbers["controllers"] = [ctrl, new_ctrl]
        for p in f["led"]:
            chaos.wait_leader(TOPIC, p, not_in=[ctrl], timeout=15)
        wait_acks_resume(run, f["partitions"])
        chaos.restart(ctrl)
        run.healed(f, restarted=[ctrl])
        res = run.finish()
        run.assert_safe(res)
        run.assert_gaps_within(LEADER_LOSS_BUDGET_S)


# -- D3 ------------------------------------------------------------------------------
def active_segment(chaos, broker, p):
    d = chaos.partition_dir(broker, TOPIC, p)
    logs = sorted(x for x in os.listdir(d) if x.endswith(".log"))
    return os.path.join(d, logs[-1])


@pytest.mark.timeout(150)
@pytest.mark.parametrize("role", ["follower", "leader"])
def test_d3_torn_tail_recovers_and_catches_up(chaos, tmp_path, role):
    """SIGKILL a replica of partition 0 (a follower, or its leader), damage the tail of
    its active segment in each partition (cut inside the last batch / random bytes
    appended / last batch zero-filled), restart: recovery keeps the batches whose CRC
    verifies, the replica fetches the rest, replicas end identical, nothing is lost."""
    import chaos_logs
    with scenario(chaos, tmp_path, f"D3-torn-tail-{role}", warmup=1500) as run:
        leader = chaos.zk_leader(TOPIC, 0)
        victim = leader if role == "leader" else next(b for b in sorted(chaos.brokers)
                                                      if b != leader)
        f = run.fault(f"SIGKILL {role} + torn tail", victim)
        f["led"] = led_by(chaos, victim)
        chaos.kill(victim)
        damage = {}
        for p in range(PARTITIONS):
            path = active_segment(chaos, victim, p)
            with open(path, "rb") as fh:
                data = fh.read()
            batches, _ = chaos_logs.parse_segment(data)
            if not batches:
                continue
            last = batches[-1]
            if p == 0:  # cut inside the last batch
                cut = last.position + last.size // 2
                with open(path, "r+b") as fh:
                    fh.truncate(cut)
                damage[p] = f"cut at {cut} inside the batch at {last.position} (size {last.size})"
            elif p == 1:  # random bytes appended
                junk = os.urandom(333)
                with open(path, "ab") as fh:
                    fh.write(junk)
                damage[p] = "333 random bytes appended"
            else:  # zero-filled tail over the last batch
                with open(path, "r+b") as fh:
                    fh.seek(last.position + 20)
                    fh.write(b"\0" * (last.size - 20) + b"\0" * 100)
                damage[p] = "last batch zero-filled from byte 20, 100 zero bytes appended"
        run.numbers["damage"] = damage
        wait_acks_resume(run, f["partitions"])
        chaos.restart(victim)
        run.healed(f, restarted=[victim])
        res = run.finish(quiet=True)
        run.numbers["torn_bytes_after"] = {f"{b}/{p}": t for (b, p), t in
                                           run.history.torn_bytes.items() if t}
        run.numbers["victim_recovery_log"] = chaos.log_lines(victim, "recover", "truncat", "corrupt",
                                                             "CRC", "crc", limit=10)
        run.write_summary(res)
        run.assert_safe(res)
        run.assert_gaps_within(LEADER_LOSS_BUDGET_S)
        assert not run.numbers["torn_bytes_after"], run.numbers["torn_bytes_after"]


# -- P8 ------------------------------------------------------------------------------
@pytest.mark.timeout(150)
def test_p8_kill_zookeeper_leader(chaos, tmp_path):
    if len(chaos.zk_ids) < 3:
        pytest.skip("CHAOS_ZK=single: no ZooKeeper ensemble")
    with scenario(chaos, tmp_path, "P8-zookeeper-leader") as run:
        zk_leader = chaos.wait_zk_leader()
        f = run.fault("SIGKILL ZooKeeper leader", f"zk{zk_leader}")
        chaos.mark(f"SIGKILL zookeeper {zk_leader}")
        chaos.procs.kill(chaos.zk[zk_leader]["proc"])
        t_kill = time.time()
        survivors = [i for i in chaos.zk_ids if i != zk_leader]
        testlib.wait_for(lambda: sorted(
            chaos_cluster.zk_mode(chaos.zk[i]["client"]) or "" for i in survivors) ==
            ["follower", "leader"], 30, interval=0.1, what="a new ZooKeeper leader")
        run.numbers["zk_election_s"] = round(time.time() - t_kill, 3)
        # Brokers keep their sessions (no re-registration) and producing goes on.
        wait_acks_resume(run, f["partitions"], n=100)
        chaos.mark(f"start zookeeper {zk_leader}")
        chaos.start_zk_server(zk_leader)
        chaos.wait_zk_leader()
        run.healed(f)
        run.wait_acks(300, timeout=30)
        run.numbers["brokers_registered_after"] = chaos.registered()
        res = run.finish(quiet=True)
        run.numbers["broker_session_lines"] = [ln for b in sorted(chaos.brokers) for ln in
                                               chaos.log_lines(b, "session", "Session", limit=5)]
        run.write_summary(res)
        run.assert_safe(res)
        run.assert_gaps_within(1.0)  # §7.4: no broker-visible gap
        assert run.numbers["brokers_registered_after"] == sorted(chaos.brokers)


# -- P11 -----------------------------------------------------------------------------
@pytest.mark.timeout(150)
def test_p11_kill_all_brokers_and_restart(chaos, tmp_path):
    with scenario(chaos, tmp_path, "P11-all-brokers") as run:
        f = run.fault("SIGKILL all three brokers", "all")
        for b in sorted(chaos.brokers):
            chaos.kill(b)
        for b in sorted(chaos.brokers):
            chaos.start_broker(b, wait=False)
        for b in sorted(chaos.brokers):
            chaos.wait_started(b)
        run.healed(f, restarted=sorted(chaos.brokers))
        wait_acks_resume(run, f["partitions"], timeout=60)
        res = run.finish()
        run.assert_safe(res)


# -- fast double failover (KIP-101/279 shapes) ----------------------------------------
@pytest.mark.timeout(170)
def test_p1b_fast_double_failover(chaos, tmp_path):
    """SIGKILL the leader of partition 0; as soon as a new leader is elected, restart the
    old one and SIGKILL the new one before the old one can have caught up; three rounds.
    Leadership moves across several epochs while replicas hold different tails: only
    truncation by leader epoch keeps them identical and every ack in place."""
    with scenario(chaos, tmp_path, "P1b-fast-double-failover") as run:
        for _ in range(3):
            first = chaos.zk_leader(TOPIC, 0)
            f = run.fault("SIGKILL leader, then the next leader", first)
            chaos.kill(first)
            second = chaos.wait_leader(TOPIC, 0, not_in=[first], timeout=SESSION_S + 15)
            chaos.start_broker(first, wait=False)
            chaos.kill(second)
            f["second"] = second
            chaos.wait_started(first)
            # Restarted only once deregistered (as kafkatest's hard_bounce): see the
            # registration race in README.md.
            chaos.wait_deregistered(second)
            chaos.start_broker(second)
            run.healed(f, restarted=[second])
            wait_acks_resume(run, f["partitions"])
        res = run.finish()
        run.assert_safe(res)


# -- D5 ------------------------------------------------------------------------------
def recovery_points(logdir):
    """{(topic, partition): offset} of recovery-point-offset-checkpoint (everything
    below was flushed)."""
    out = {}
    path = os.path.join(logdir, "recovery-point-offset-checkpoint")
    if not os.path.exists(path):
        return out
    lines = open(path).read().split("\n")
    for line in lines[2:]:
        parts = line.split()
        if len(parts) == 3:
            out[(parts[0], int(parts[1]))] = int(parts[2])
    return out


def cut_log_at(partition_dir, offset):
    """Emulates losing the page cache above `offset`: every batch from the first one
    ending at or after `offset` is cut away (whole batches: a flush writes whole
    appends), later segments removed. Index files are left as they were. Returns the
    number of bytes removed."""
    import chaos_logs
    removed = 0
    for path in chaos_logs.segment_files(partition_dir):
        with open(path, "rb") as fh:
            data = fh.read()
        batches, _ = chaos_logs.parse_segment(data)
        keep = next((b.position for b in batches if b.last >= offset), None)
        if keep is None:
            continue
        removed += len(data) - keep
        with open(path, "r+b") as fh:
            fh.truncate(keep)
    return removed


@pytest.mark.timeout(150)
def test_d5_lost_unflushed_tail_on_one_replica(chaos, tmp_path):
    """SIGKILL a replica and cut its logs back to its recovery point (what a power loss
    would leave when the page cache is gone); it must recover, fetch the rest and lose
    nothing, since the other two replicas still hold every acknowledged record."""
    with scenario(chaos, tmp_path, "D5-lost-unflushed-tail", warmup=2000) as run:
        victim = chaos.zk_leader(TOPIC, 0)  # the leader: the worst single replica to lose
        f = run.fault("SIGKILL leader + unflushed tail lost", victim)
        f["led"] = led_by(chaos, victim)
        chaos.kill(victim)
        rps = recovery_points(chaos.brokers[victim]["logdir"])
        cut = {}
        for p in range(PARTITIONS):
            d = chaos.partition_dir(victim, TOPIC, p)
            rp = rps.get((TOPIC, p), 0)
            cut[p] = {"recovery_point": rp, "bytes_removed": cut_log_at(d, rp)}
        run.numbers["cut"] = cut
        chaos.wait_deregistered(victim)
        wait_acks_resume(run, f["partitions"])
        chaos.start_broker(victim)
        run.healed(f, restarted=[victim])
        run.wait_acks(300, timeout=30)
        res = run.finish(quiet=True)
        run.numbers["victim_recovery_log"] = chaos.log_lines(victim, "recover", "truncat",
                                                             "corrupt", "index", limit=12)
        run.write_summary(res)
        run.assert_safe(res)


# -- P5b -----------------------------------------------------------------------------
@pytest.mark.timeout(170)
def test_p5b_two_brokers_paused_past_session_rejoin(chaos, tmp_path):
    """SIGSTOP both brokers that are not the controller for longer than the session
    timeout, SIGCONT them together, three rounds: both re-register at once and must get
    their LeaderAndIsr, truncate what they appended as zombies, and rejoin every ISR
    (FINDINGS.md F1: a LeaderAndIsr carrying the new broker epoch was once refused)."""
    with scenario(chaos, tmp_path, "P5b-two-paused-rejoin") as run:
        for _ in range(3):
            ctrl = chaos.controller_id()
            victims = [b for b in sorted(chaos.brokers) if b != ctrl]
            f = run.fault("SIGSTOP both non-controller brokers past the session", victims)
            for v in victims:
                chaos.stop(v)
            testlib.wait_for(lambda: time.time() - f["t"] >= SESSION_S + 2, SESSION_S + 10,
                             interval=0.1, what="session timeout + 2 s")
            for v in victims:
                chaos.cont(v)
            run.healed(f)
            wait_acks_resume(run, f["partitions"])
        res = run.finish()
        run.assert_safe(res)


# -- D5, second half: the last ISR member loses its unflushed tail (KIP-966) ---------------
@pytest.mark.timeout(150)
@pytest.mark.xfail(strict=False, reason=(
    "RELIABILITY.md §2.1/§7.5 D5 (KIP-966 shape): acks=all acknowledges once the ISR has "
    "the records in the page cache, not on disk (Kafka's design); when the last ISR member "
    "loses its unflushed tail and is re-elected, followers truncate to it and acknowledged "
    "records are lost cluster-wide. Recorded, not a bug, until a flush-before-ack policy"))
def test_d5b_last_isr_member_loses_unflushed_tail(chaos, tmp_path):
    with scenario(chaos, tmp_path, "D5b-last-isr-member-tail-lost", warmup=1500) as run:
        leader = chaos.zk_leader(TOPIC, 0)
        followers = [b for b in sorted(chaos.brokers) if b != leader]
        f = run.fault("followers SIGKILLed one after the other, then the last ISR member "
                      "SIGKILLed with its unflushed tail cut", leader)
        for b in followers:
            chaos.kill(b)
            chaos.wait_deregistered(b)
        testlib.wait_for(lambda: chaos.isr(TOPIC, 0) == [leader], 20, interval=0.1,
                         what="the leader alone in the ISR")
        chaos.kill(leader)
        rps = recovery_points(chaos.brokers[leader]["logdir"])
        run.numbers["cut"] = {p: cut_log_at(chaos.partition_dir(leader, TOPIC, p),
                                            rps.get((TOPIC, p), 0)) for p in range(PARTITIONS)}
        chaos.wait_deregistered(leader)
        chaos.start_broker(leader)
        for b in followers:
            chaos.start_broker(b)
        run.healed(f, restarted=[leader])
        run.wait_acks(300, timeout=40)
        res = run.finish()
        run.assert_safe(res)

"""The replication tools on three kafka-servers of ours, replication factor 3:
the verifiable producer keeps going through a SIGKILL of a partition leader
(acks resume on every partition, every value reported exactly once), and
kafka-topics --under-replicated-partitions lists exactly the partitions whose
ISR is short. Only the tools are judged here (no-loss checks are the chaos
suite's); the test skips while the brokers cannot create RF 3 topics or do
not shrink the ISR."""
import re
import time
import uuid

import pytest

import testlib
from repl_tools import broker_cluster, check_producer_report, events, finish, run, start

pytestmark = pytest.mark.timeout(150)


@pytest.fixture
def cluster(procs, tmp_path):
    try:
        broker_cluster.find_binary("daemon/broker/kafka-server")
    except FileNotFoundError:
        pytest.skip("kafka-server not built")
    c = broker_cluster.Cluster(procs, tmp_path)
    c.start_zookeeper()
    for i in (1, 2, 3):
        c.start_broker(i, overrides={"replica.lag.time.max.ms": "3000"})
    return c


def describe(bootstrap, topic, *extra):
    r = run("topics", "--bootstrap-server", bootstrap, "--describe", "--topic", topic, *extra)
    assert r.returncode == 0, r.stdout + r.stderr
    out = {}
    for line in r.stdout.splitlines():
        m = re.fullmatch(r"\tTopic: \S+\tPartition: (\d+)\tLeader: (\S+)\tReplicas: ([\d,]*)\tIsr: ([\d,]*)", line)
        if m:
            ids = lambda s: [int(x) for x in s.split(",") if x]  # noqa: E731
            out[int(m.group(1))] = (m.group(2), ids(m.group(3)), ids(m.group(4)))
    return out


def test_producer_follows_leader_kill_and_under_replicated(cluster, tmp_path):
    topic = "c-" + uuid.uuid4().hex[:8]
    r = run("topics", "--bootstrap-server", cluster.bootstrap(), "--create", "--topic", topic,
            "--partitions", "3", "--replication-factor", "3", "--config", "min.insync.replicas=2")
    if r.returncode != 0:
        pytest.skip("brokers cannot create RF 3 topics yet: " + r.stdout + r.stderr)
    try:
        testlib.wait_for(lambda: all(len(isr) == 3 for _, _, isr in describe(cluster.bootstrap(), topic).values())
                         and len(describe(cluster.bootstrap(), topic)) == 3, 20, interval=0.2,
                         what="full ISR")
    except TimeoutError:
        pytest.skip("replicas never joined the ISR")
    cfg = tmp_path / "p.properties"
    cfg.write_text("request.timeout.ms=5000\ndelivery.timeout.ms=60000\n")
    p = start("producer", "--bootstrap-server", cluster.bootstrap(), "--topic", topic,
              "--max-messages", "4000", "--throughput", "400", "--producer.config", str(cfg))
    lines = []
    try:
        testlib.wait_for(lambda: (lines.append(p.stdout.readline()) or
                                  sum('"producer_send_success"' in x for x in lines) >= 300),
                         30, interval=0, what="300 acknowledgements")
        victim = int(describe(cluster.bootstrap(), topic)[0][0])
        cluster.kill(victim)
        t_kill = time.time() * 1000
        others = ",".join(f"127.0.0.1:{cluster.port(i)}" for i in sorted(cluster.brokers) if i != victim)
        out, err = finish(p, 120)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0, err
    evs = events("".join(lines) + out)
    acked, errors = check_producer_report(evs, expect_sent=4000)
    for e in errors:  # only sends in flight to the killed broker
        assert e["exception"].endswith(("NetworkException", "TimeoutException")), e
    # The producer found the new leaders: every partition acknowledged after the kill.
    after = {e["partition"] for e in evs
             if e["name"] == "producer_send_success" and e["timestamp"] > t_kill}
    assert after == {0, 1, 2}, after
    # The dead broker drops out of every ISR; the filter shows exactly the short ones.
    try:
        testlib.wait_for(lambda: all(victim not in isr for _, _, isr in describe(others, topic).values()),
                         30, interval=0.2, what="ISR without the killed broker")
    except TimeoutError:
        pytest.skip("the brokers did not shrink the ISR")
    full = describe(others, topic)
    short = sorted(p for p, (_, replicas, isr) in full.items() if len(isr) < len(replicas))
    assert short == [0, 1, 2]
    assert sorted(describe(others, topic, "--under-replicated-partitions")) == short
    assert sorted(describe(others, topic, "--at-min-isr-partitions")) == short
    assert describe(others, topic, "--under-min-isr-partitions") == {}
    assert describe(others, topic, "--unavailable-partitions") == {}


def test_preferred_leader_election_after_bounce(cluster):
    topic = "e-" + uuid.uuid4().hex[:8]
    r = run("topics", "--bootstrap-server", cluster.bootstrap(), "--create", "--topic", topic,
            "--partitions", "3", "--replication-factor", "3")
    if r.returncode != 0:
        pytest.skip("brokers cannot create RF 3 topics yet: " + r.stdout + r.stderr)
    try:
        testlib.wait_for(lambda: len(describe(cluster.bootstrap(), topic)) == 3 and
                         all(len(isr) == 3 for _, _, isr in describe(cluster.bootstrap(), topic).values()),
                         20, interval=0.2, what="full ISR")
    except TimeoutError:
        pytest.skip("replicas never joined the ISR")
    victim = describe(cluster.bootstrap(), topic)[0][1][0]  # preferred leader of partition 0
    cluster.kill(victim)
    others = ",".join(f"127.0.0.1:{cluster.port(i)}" for i in sorted(cluster.brokers) if i != victim)
    try:
        testlib.wait_for(lambda: describe(others, topic)[0][0] not in ("none", str(victim)), 30,
                         interval=0.2, what="partition 0 led by another broker")
        cluster.start_broker(victim, overrides={"replica.lag.time.max.ms": "3000"})
        testlib.wait_for(lambda: all(len(isr) == 3 for _, _, isr in describe(others, topic).values()),
                         30, interval=0.2, what="victim back in every ISR")
    except TimeoutError as e:
        pytest.skip(f"the cluster did not fail over and heal: {e}")
    moved = sorted(p for p, (leader, replicas, _) in describe(others, topic).items()
                   if leader != str(replicas[0]))
    if not moved:
        pytest.skip("auto.leader.rebalance already moved every leader back")
    r = run("leader-election", "--bootstrap-server", others, "--election-type", "preferred",
            "--all-topic-partitions")
    if "does not support ElectLeaders" in r.stderr:
        pytest.skip("no ElectLeaders in this kafka-server yet")
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "Successfully completed leader election (PREFERRED) for partitions " + \
        ", ".join(f"{topic}-{p}" for p in moved), lines
    after = describe(others, topic)
    assert all(after[p][0] == str(after[p][1][0]) for p in moved), after

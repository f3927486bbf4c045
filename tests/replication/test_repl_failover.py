"""Leader failover with data (needs the controller's elections): acks=all writes
acknowledged before a leader SIGKILL are all still there after a new leader takes
over, the old leader rejoins as a follower (epoch truncation) and ends with the
same bytes as the others."""
import signal
import time

import pytest

import repl_lib
import testlib


@pytest.fixture
def cluster(procs, tmp_path):
    return repl_lib.start(procs, tmp_path)


@pytest.mark.timeout(150)
def test_acked_writes_survive_leader_kill(cluster):
    topic = "failover"
    repl_lib.create_topic(cluster, topic, config={"min.insync.replicas": "2"})
    z = repl_lib.zk(cluster)
    try:
        first = repl_lib.partition_state(z, topic, 0)
        old = first["leader"]
        before = repl_lib.produce(cluster.bootstrap(), topic, [b"before-%d" % i for i in range(200)])
        assert all(e is None for e, _ in before), before[:3]
        cluster.kill(old, signal.SIGKILL)
        testlib.wait_for(
            lambda: repl_lib.partition_state(z, topic, 0)["leader"] not in (old, -1), 20,
            what="a new leader")
        st = repl_lib.partition_state(z, topic, 0)
        assert st["leader_epoch"] > first["leader_epoch"]
        live = [b for b in (0, 1, 2) if b != old]
        bs = ",".join(f"127.0.0.1:{cluster.port(b)}" for b in live)
        # librdkafka finds the new leader itself (retries with one request in flight).
        after = repl_lib.produce(bs, topic, [b"after-%d" % i for i in range(100)], timeout=40,
                                 **{"message.timeout.ms": 35000})
        assert all(e is None for e, _ in after), after[:3]
        cluster.start_broker(old, overrides=dict(repl_lib.BASE))
        testlib.wait_for(lambda: sorted(repl_lib.partition_state(z, topic, 0)["isr"]) == [0, 1, 2],
                         40, what="the old leader back in the ISR")
    finally:
        z.stop()
    repl_lib.wait_identical(cluster, topic, 0, [0, 1, 2])
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": cluster.bootstrap(), "group.id": "f",
                  "enable.auto.commit": False})
    c.assign([TopicPartition(topic, 0, 0)])
    got = []
    deadline = time.monotonic() + 30
    while len(got) < 300 and time.monotonic() < deadline:
        m = c.poll(0.5)
        if m is not None and not m.error():
            got.append(m.value())
    c.close()
    assert got[:200] == [b"before-%d" % i for i in range(200)]
    assert got[200:] == [b"after-%d" % i for i in range(100)]


@pytest.mark.timeout(150)
def test_paused_leader_does_not_acknowledge_after_resume(procs, tmp_path):
    """RELIABILITY P3: the leader is SIGSTOPped past its ZooKeeper session, a new
    leader takes over; once resumed, the old leader must not acknowledge acks=all
    writes as leader (its followers left, its ISR write fails) and rejoins as a
    follower. Everything acknowledged is on every replica afterwards."""
    cluster = repl_lib.start(procs, tmp_path, {"replica.lag.time.max.ms": "3000"})
    topic = "zombie"
    repl_lib.create_topic(cluster, topic, config={"min.insync.replicas": "2"})
    z = repl_lib.zk(cluster)
    try:
        first = repl_lib.partition_state(z, topic, 0)
        old = first["leader"]
        acked = []
        res = repl_lib.produce(cluster.bootstrap(), topic, [b"a-%d" % i for i in range(20)])
        assert all(e is None for e, _ in res), res[:3]
        acked += [b"a-%d" % i for i in range(20)]
        cluster.kill(old, signal.SIGSTOP)
        try:
            testlib.wait_for(
                lambda: repl_lib.partition_state(z, topic, 0)["leader"] not in (old, -1), 30,
                what="a new leader while the old one is paused")
        finally:
            cluster.kill(old, signal.SIGCONT)
        # Straight to the resumed broker: whatever it acknowledges must survive.
        res = repl_lib.produce(cluster.bootstrap(old), topic, [b"z-%d" % i for i in range(10)],
                               timeout=20, **{"message.timeout.ms": 15000})
        acked += [b"z-%d" % i for i, (e, _) in enumerate(res) if e is None]
        live = [b for b in (0, 1, 2) if b != old]
        bs = ",".join(f"127.0.0.1:{cluster.port(b)}" for b in live)
        res = repl_lib.produce(bs, topic, [b"b-%d" % i for i in range(20)], timeout=40,
                               **{"message.timeout.ms": 35000})
        assert all(e is None for e, _ in res), res[:3]
        acked += [b"b-%d" % i for i in range(20)]
        testlib.wait_for(lambda: sorted(repl_lib.partition_state(z, topic, 0)["isr"]) == [0, 1, 2],
                         40, what="the old leader back in the ISR")
    finally:
        z.stop()
    repl_lib.wait_identical(cluster, topic, 0, [0, 1, 2])
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": cluster.bootstrap(), "group.id": "z",
                  "enable.auto.commit": False})
    c.assign([TopicPartition(topic, 0, 0)])
    got = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not set(acked) <= set(got):
        m = c.poll(0.5)
        if m is not None and not m.error():
            got.append(m.value())
    c.close()
    missing = [v for v in acked if v not in set(got)]
    assert not missing, missing[:5]

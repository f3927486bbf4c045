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

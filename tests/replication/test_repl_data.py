"""Replication data path on three brokers: acks=all copies reach every replica
byte for byte, consumers only see offsets below the high watermark, and
OffsetForLeaderEpoch answers from the leader's epoch cache."""
import signal
import time

import pytest

import repl_lib
import testlib


@pytest.fixture
def cluster(procs, tmp_path):
    return repl_lib.start(procs, tmp_path)


@pytest.mark.timeout(120)
def test_acks_all_reaches_identical_replicas(cluster):
    topic = "copies"
    repl_lib.create_topic(cluster, topic, partitions=3, config={"min.insync.replicas": "2"})
    from confluent_kafka import Producer
    errors, acked = [], []

    def report(err, msg):
        if err:
            errors.append(str(err))
        else:
            acked.append((msg.partition(), msg.offset(), msg.value()))
    p = Producer({"bootstrap.servers": cluster.bootstrap(), "acks": "all", "linger.ms": 5})
    for i in range(3000):
        p.produce(topic, value=b"value-%06d" % i + b"x" * 200, partition=i % 3,
                  on_delivery=report)
    assert p.flush(60) == 0
    assert not errors, errors[:5]
    assert len(acked) == 3000
    for part in range(3):
        repl_lib.wait_identical(cluster, topic, part, [0, 1, 2])
    z = repl_lib.zk(cluster)
    try:
        for part in range(3):
            st = repl_lib.partition_state(z, topic, part)
            assert sorted(st["isr"]) == [0, 1, 2], st
    finally:
        z.stop()


@pytest.mark.timeout(120)
def test_consumers_never_see_above_high_watermark(cluster):
    topic = "hw"
    repl_lib.create_topic(cluster, topic, partitions=1)
    assert all(e is None for e, _ in repl_lib.produce(cluster.bootstrap(), topic, [b"a", b"b"]))
    z = repl_lib.zk(cluster)
    try:
        leader = repl_lib.partition_state(z, topic, 0)["leader"]
    finally:
        z.stop()
    followers = [b for b in (0, 1, 2) if b != leader]
    port = cluster.port(leader)
    testlib.wait_for(lambda: repl_lib.list_offsets_latest(port, topic, 0) == (0, 2), 10,
                     what="HW 2")
    for b in followers:
        cluster.kill(b, signal.SIGSTOP)
    try:
        # acks=1: the leader appends, nobody else can: the HW must stay at 2.
        res = repl_lib.produce(cluster.bootstrap(leader), topic, [b"c", b"d", b"e"], acks=1)
        assert [r[1] for r in res] == [2, 3, 4], res
        assert repl_lib.list_offsets_latest(port, topic, 0) == (0, 2)
        from confluent_kafka import Consumer, TopicPartition
        c = Consumer({"bootstrap.servers": cluster.bootstrap(leader), "group.id": "hw",
                      "enable.auto.commit": False, "fetch.wait.max.ms": 100})
        c.assign([TopicPartition(topic, 0, 0)])
        seen = []
        deadline = time.monotonic() + 20
        while len(seen) < 2 and time.monotonic() < deadline:
            m = c.poll(0.2)
            if m is not None and not m.error():
                seen.append(m.offset())
        for _ in range(5):  # and nothing beyond the HW comes after them
            m = c.poll(0.2)
            if m is not None and not m.error():
                seen.append(m.offset())
        assert seen == [0, 1], seen
    finally:
        for b in followers:
            cluster.kill(b, signal.SIGCONT)
    testlib.wait_for(lambda: repl_lib.list_offsets_latest(port, topic, 0) == (0, 5), 20,
                     what="HW 5 after the followers resumed")
    more = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        m = c.poll(0.2)
        if m is not None and not m.error():
            more.append(m.offset())
        if len(more) == 3:
            break
    c.close()
    assert more == [2, 3, 4]


@pytest.mark.timeout(60)
def test_offset_for_leader_epoch(cluster):
    topic = "epochs"
    repl_lib.create_topic(cluster, topic, partitions=1)
    assert all(e is None for e, _ in repl_lib.produce(cluster.bootstrap(), topic, [b"a"] * 4))
    z = repl_lib.zk(cluster)
    try:
        st = repl_lib.partition_state(z, topic, 0)
    finally:
        z.stop()
    leader, epoch = st["leader"], st["leader_epoch"]
    assert repl_lib.offset_for_leader_epoch(cluster.port(leader), topic, 0, epoch) == (0, epoch, 4)
    # KIP-320 fencing of a stale or future current epoch.
    assert repl_lib.offset_for_leader_epoch(cluster.port(leader), topic, 0, epoch,
                                            current_leader_epoch=epoch + 1)[0] == 75
    # As a follower (replica_id >= 0) only over an authenticated broker connection.
    assert repl_lib.offset_for_leader_epoch(cluster.port(leader), topic, 0, epoch,
                                            replica_id=1)[0] == 31
    assert repl_lib.offset_for_leader_epoch(cluster.port(leader), topic, 0, epoch,
                                            replica_id=-1) == (0, epoch, 4)
    follower = next(b for b in (0, 1, 2) if b != leader)
    assert repl_lib.offset_for_leader_epoch(cluster.port(follower), topic, 0, epoch)[0] == 6

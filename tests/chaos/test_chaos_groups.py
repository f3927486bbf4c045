"""Committed offsets across a group coordinator failover: every OffsetCommit that was
answered without error must be what OffsetFetch returns after the coordinator (the
leader of the group's __consumer_offsets partition) is SIGKILLed right after it
(FINDINGS.md F3: the new coordinator once loaded only up to its lagging high watermark)."""

import pytest

import chaos_cluster
import testlib
from chaos_run import PARTITIONS, TOPIC

SESSION_S = chaos_cluster.SESSION_TIMEOUT_MS / 1000.0
OFFSETS_PARTITIONS = 3  # chaos_cluster sets offsets.topic.num.partitions=3


def java_hash(s):
    h = 0
    for ch in s:
        h = (31 * h + ord(ch)) & 0xFFFFFFFF
    return h - (1 << 32) if h >= 1 << 31 else h


def offsets_partition(group):
    h = java_hash(group)
    return 0 if h == -(1 << 31) else abs(h) % OFFSETS_PARTITIONS


def committer(bs, group):
    from confluent_kafka import Consumer
    return Consumer({"bootstrap.servers": bs, "group.id": group, "enable.auto.commit": False,
                     "socket.timeout.ms": 5000, "topic.metadata.refresh.interval.ms": 1000})


@pytest.mark.timeout(120)
@pytest.mark.parametrize("round_", range(3))
def test_acknowledged_commits_survive_coordinator_kill(chaos, round_):
    from confluent_kafka import TopicPartition
    chaos.create_topic(TOPIC, PARTITIONS, 3)
    chaos.wait_full_isr(TOPIC, PARTITIONS)
    group = f"chaos-commits-{round_}"
    c = committer(chaos.bootstrap(), group)
    last = None
    try:
        # The coordinator is found (and __consumer_offsets created) by the first commit.
        testlib.wait_for(lambda: c.commit(offsets=[TopicPartition(TOPIC, 0, 1)],
                                          asynchronous=False), 30, interval=0.5,
                         what="first commit")
        op = offsets_partition(group)
        chaos.wait_full_isr("__consumer_offsets", OFFSETS_PARTITIONS)
        for n in range(2, 200):
            c.commit(offsets=[TopicPartition(TOPIC, 0, n)], asynchronous=False)
            last = n
        coordinator = chaos.zk_leader("__consumer_offsets", op)
        chaos.kill(coordinator)  # right after the last acknowledged commit
    finally:
        c.close()
    chaos.wait_leader("__consumer_offsets", op, not_in=[coordinator], timeout=SESSION_S + 15)
    reader = committer(chaos.bootstrap([b for b in chaos.brokers if chaos.alive(b)]), group)
    try:
        def fetched():
            got = reader.committed([TopicPartition(TOPIC, 0)], timeout=5)[0]
            return got.offset + 1 if got.error is None and got.offset >= 0 else None
        got = testlib.wait_for(fetched, 30, interval=0.5, what="OffsetFetch after failover") - 1
    finally:
        reader.close()
    print(f"\nCHAOS coordinator-kill round {round_}: last acknowledged commit {last}, "
          f"OffsetFetch after failover {got} (coordinator {coordinator} killed)")
    assert got == last, f"acknowledged commit {last} lost: the new coordinator returns {got}"

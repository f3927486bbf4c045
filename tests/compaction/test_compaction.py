"""Log compaction end to end: a kafka-server with a fast log cleaner, a topic with
cleanup.policy=compact, overwritten keys and tombstones produced by
confluent-kafka, and __consumer_offsets shrinking under repeated commits of one
group. Every wait polls the broker (its log, its log dir, a fresh consumer) with
a deadline."""
import os
import re
import signal
import sys
import time
import uuid

import pytest
import testlib
from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "broker"))
import broker_cluster  # noqa: E402

TOPIC = "compacted"
KEYS = 20
ROUNDS = 15
DELETED = {f"k{i}" for i in range(5)}

OVERRIDES = {
    "log.cleaner.backoff.ms": "200",
    "offsets.topic.num.partitions": "1",
    "offsets.topic.replication.factor": "1",
    "offsets.topic.segment.bytes": "1024",
    "log.cleaner.min.cleanable.ratio": "0.01",
    "group.initial.rebalance.delay.ms": "0",
}


@pytest.fixture
def cluster(procs, tmp_path):
    c = broker_cluster.Cluster(procs, tmp_path)
    c.start_zookeeper()
    c.start_broker(0, overrides=OVERRIDES)
    return c


def create_topic(cluster, name, config):
    admin = AdminClient({"bootstrap.servers": cluster.bootstrap()})
    futs = admin.create_topics([NewTopic(name, 1, 1, config=config)], operation_timeout=10)
    futs[name].result(timeout=15)


def produce(cluster, records):
    """records: (key, value or None) pairs, sent in order, a flush every few so the
    log gets many small batches."""
    p = Producer({"bootstrap.servers": cluster.bootstrap(), "linger.ms": 0,
                  "enable.idempotence": False, "acks": "all"})
    for i, (k, v) in enumerate(records):
        p.produce(TOPIC, key=k.encode(), value=None if v is None else v.encode(), partition=0)
        if i % 7 == 6:
            assert p.flush(15) == 0
    assert p.flush(15) == 0


def read_all(cluster, topic=TOPIC):
    """Every record of partition 0 from the log start to the high watermark:
    [(offset, key, value)]."""
    c = Consumer({"bootstrap.servers": cluster.bootstrap(), "group.id": "reader-" + uuid.uuid4().hex,
                  "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    try:
        _, high = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
        c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
        out = []
        deadline = time.monotonic() + 20
        while (not out or out[-1][0] < high - 1) and time.monotonic() < deadline:
            m = c.poll(0.2)
            if m is None or m.error() is not None:
                continue
            out.append((m.offset(), m.key().decode(),
                        None if m.value() is None else m.value().decode()))
        assert out and out[-1][0] == high - 1, f"read {len(out)} records, high watermark {high}"
        return out
    finally:
        c.close()


def read_all_kafka_python(cluster, topic=TOPIC):
    """The same with kafka-python (its own record batch decoder)."""
    from kafka import KafkaConsumer
    from kafka import TopicPartition as KTopicPartition
    c = KafkaConsumer(bootstrap_servers=cluster.bootstrap(), enable_auto_commit=False,
                      group_id=None, consumer_timeout_ms=1000)
    try:
        tp = KTopicPartition(topic, 0)
        c.assign([tp])
        c.seek_to_beginning(tp)
        high = c.end_offsets([tp])[tp]
        out = []
        deadline = time.monotonic() + 20
        while (not out or out[-1][0] < high - 1) and time.monotonic() < deadline:
            for batch in c.poll(timeout_ms=200).values():
                for m in batch:
                    out.append((m.offset, m.key.decode(),
                                None if m.value is None else m.value.decode()))
        return out
    finally:
        c.close()


def cleanings(cluster, topic_partition):
    return len(re.findall(r"\[cleaner\] \[" + re.escape(topic_partition) + r"\] cleaned up to",
                          cluster.log(0)))


def cleaner_checkpoint(cluster, topic, partition=0):
    path = os.path.join(cluster.brokers[0]["logdir"], "cleaner-offset-checkpoint")
    if not os.path.exists(path):
        return -1
    for line in open(path).read().splitlines()[2:]:
        t, p, o = line.split(" ")
        if t == topic and int(p) == partition:
            return int(o)
    return -1


def log_bytes(cluster, dirname):
    d = os.path.join(cluster.brokers[0]["logdir"], dirname)
    return sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d) if f.endswith(".log"))


@pytest.mark.timeout(120)
def test_compacted_topic_keeps_latest_value_per_key_and_drops_tombstones(cluster):
    create_topic(cluster, TOPIC, {"cleanup.policy": "compact", "segment.bytes": "1024",
                                  "min.cleanable.dirty.ratio": "0.01",
                                  "delete.retention.ms": "3000"})
    sent = [(f"k{i}", f"r{r}-k{i}") for r in range(ROUNDS) for i in range(KEYS)]
    sent += [(k, None) for k in sorted(DELETED)]  # tombstones
    # Overwrites of one key after the tombstones: rolls segments past them, so they
    # leave the active segment and become cleanable.
    sent += [("filler", f"f{j:03d}") for j in range(60)]
    produce(cluster, sent)
    latest = {}
    for k, v in sent:
        latest[k] = v

    testlib.wait_for(lambda: cleanings(cluster, TOPIC + "-0") >= 1, 30, interval=0.2,
                     what="first cleaning")
    end = cleaner_checkpoint(cluster, TOPIC)
    assert end > 0
    recs = read_all(cluster)
    offsets = [o for o, _, _ in recs]
    assert offsets == sorted(set(offsets)), "offsets must increase strictly"
    assert len(recs) < len(sent)
    # Below the cleaner checkpoint: one record per key, the last one produced before it.
    below = [(o, k, v) for o, k, v in recs if o < end]
    keys_below = [k for _, k, _ in below]
    assert len(keys_below) == len(set(keys_below))
    last_before_end = {}
    for o, (k, v) in enumerate(sent):
        if o < end:
            last_before_end[k] = v
    assert {k: v for _, k, v in below} == last_before_end
    # What a consumer ends up with is exactly what was produced last per key.
    state = {}
    for _, k, v in recs:
        state[k] = v
    assert state == latest
    # Batches rebuilt with a delete horizon decode the same in kafka-python.
    assert read_all_kafka_python(cluster) == recs

    # After delete.retention.ms the tombstones (and so the deleted keys) are gone.
    def tombstones_gone():
        return not any(k in DELETED for _, k, _ in read_all(cluster))
    testlib.wait_for(tombstones_gone, 40, interval=1.0, what="tombstones removed")
    recs = read_all(cluster)
    offsets = [o for o, _, _ in recs]
    assert offsets == sorted(set(offsets))
    state = {}
    for _, k, v in recs:
        state[k] = v
    assert state == {k: v for k, v in latest.items() if v is not None}

    # A restart recovers the cleaned segments and serves the same records.
    cluster.kill(0, signal.SIGTERM)
    cluster.start_broker(0, overrides=OVERRIDES)
    assert read_all(cluster) == recs


@pytest.mark.timeout(120)
def test_consumer_offsets_is_compacted(cluster):
    create_topic(cluster, "src", {})
    p = Producer({"bootstrap.servers": cluster.bootstrap(), "linger.ms": 0})
    for i in range(10):
        p.produce("src", value=b"x", partition=0)
    assert p.flush(15) == 0
    c = Consumer({"bootstrap.servers": cluster.bootstrap(), "group.id": "committer",
                  "enable.auto.commit": False, "auto.offset.reset": "earliest",
                  "session.timeout.ms": 6000})
    c.assign([TopicPartition("src", 0)])
    commits = 300
    for i in range(commits):
        c.commit(offsets=[TopicPartition("src", 0, i % 10 + 1)], asynchronous=False)
    last = (commits - 1) % 10 + 1

    testlib.wait_for(lambda: cleanings(cluster, "__consumer_offsets-0") >= 1, 30, interval=0.2,
                     what="__consumer_offsets cleaning")
    # Every commit record was ~100+ bytes; after cleaning only a few remain.
    testlib.wait_for(lambda: log_bytes(cluster, "__consumer_offsets-0") < commits * 100 // 4,
                     30, interval=0.2, what="__consumer_offsets shrinking")
    assert c.committed([TopicPartition("src", 0)], timeout=10)[0].offset == last
    c.close()

    # The coordinator reloads the compacted partition after a restart.
    cluster.kill(0, signal.SIGTERM)
    cluster.start_broker(0, overrides=OVERRIDES)
    c = Consumer({"bootstrap.servers": cluster.bootstrap(), "group.id": "committer",
                  "enable.auto.commit": False})
    deadline = time.monotonic() + 30
    got = None
    while time.monotonic() < deadline:
        try:
            got = c.committed([TopicPartition("src", 0)], timeout=5)[0].offset
            if got == last:
                break
        except Exception:  # coordinator still loading
            pass
        time.sleep(0.2)
    c.close()
    assert got == last


@pytest.mark.timeout(90)
def test_keyless_record_rejected_by_compacted_topic(cluster):
    """Kafka refuses a record without a key on a compacted topic (INVALID_RECORD,
    "Compacted topic cannot accept message without key"): the cleaner could never
    remove it. Nothing of the refused batch is stored; keyed records still go in."""
    create_topic(cluster, "compact-keys", {"cleanup.policy": "compact"})
    errors = []
    p = Producer({"bootstrap.servers": cluster.bootstrap(), "linger.ms": 0, "retries": 0,
                  "enable.idempotence": False, "acks": "all"})
    p.produce("compact-keys", value=b"no key", partition=0,
              on_delivery=lambda err, msg: errors.append(err))
    assert p.flush(15) == 0
    assert len(errors) == 1 and errors[0] is not None
    assert errors[0].name() == "INVALID_RECORD", errors[0]
    p.produce("compact-keys", key=b"k", value=b"v", partition=0)
    assert p.flush(15) == 0
    c = Consumer({"bootstrap.servers": cluster.bootstrap(), "group.id": "g-" + uuid.uuid4().hex})
    try:
        low, high = c.get_watermark_offsets(TopicPartition("compact-keys", 0), timeout=10)
    finally:
        c.close()
    assert (low, high) == (0, 1)

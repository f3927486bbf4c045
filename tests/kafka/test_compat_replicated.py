"""Three kafka-server brokers, a 3-partition topic with replication factor 3:
confluent-kafka produces 10,000 keyed records with acks=all, reads them back
exactly, and every replica ends with byte-identical segments."""
import os

import pytest

import testlib
from kafkalib import consume_confluent, create_topic_confluent, make_records, verify_exact

NUM_BROKERS = 3
PARTITIONS = 3


def segment_bytes(cluster, broker_id, topic, partition):
    d = os.path.join(cluster.brokers[broker_id]["logdir"], f"{topic}-{partition}")
    out = b""
    for name in sorted(os.listdir(d)):
        if name.endswith(".log"):
            with open(os.path.join(d, name), "rb") as f:
                out += f.read()
    return out


def wait_fully_replicated(bs, topic):
    from confluent_kafka.admin import AdminClient
    admin = AdminClient({"bootstrap.servers": bs})

    def fully_replicated():
        t = admin.list_topics(topic, timeout=5).topics[topic]
        return not t.error and len(t.partitions) == PARTITIONS and all(
            sorted(p.replicas) == [0, 1, 2] and sorted(p.isrs) == [0, 1, 2] and p.leader >= 0
            for p in t.partitions.values())
    testlib.wait_for(fully_replicated, 30, what="3 replicas in sync")


@pytest.mark.timeout(180)
def test_replicated_roundtrip(kafka_cluster):
    from confluent_kafka import Producer
    bs = kafka_cluster.bootstrap()
    topic = "rep3"
    create_topic_confluent(bs, topic, PARTITIONS, rf=3)
    wait_fully_replicated(bs, topic)

    sent = make_records(topic)
    index = {k: i for i, (k, _, _) in enumerate(sent)}
    placement, errors = {}, []

    def report(err, msg):
        if err is not None:
            errors.append(str(err))
        else:
            placement[index[msg.key()]] = (msg.partition(), msg.offset())

    producer = Producer({"bootstrap.servers": bs, "acks": "all", "linger.ms": 5,
                         "queue.buffering.max.messages": 2 * len(sent)})
    for k, v, h in sent:
        producer.produce(topic, key=k, value=v, headers=h, on_delivery=report)
    assert producer.flush(90) == 0
    assert not errors, errors[:5]
    got, marks = consume_confluent(bs, topic, PARTITIONS, len(sent))
    verify_exact(sent, got, marks=marks, placement=placement)



@pytest.mark.timeout(120)
def test_replicas_hold_identical_segments(kafka_cluster):
    from confluent_kafka import Producer
    bs = kafka_cluster.bootstrap()
    topic = "rep3-copies"
    create_topic_confluent(bs, topic, PARTITIONS, rf=3)
    wait_fully_replicated(bs, topic)
    producer = Producer({"bootstrap.servers": bs, "acks": "all", "linger.ms": 5})
    for k, v, h in make_records(topic, 1000):
        producer.produce(topic, key=k, value=v, headers=h)
    assert producer.flush(30) == 0
    for p in range(PARTITIONS):
        def identical():
            copies = [segment_bytes(kafka_cluster, b, topic, p) for b in range(NUM_BROKERS)]
            return copies[0] and all(c == copies[0] for c in copies)
        testlib.wait_for(identical, 8, interval=0.2,
                         what=f"identical segments of {topic}-{p} on all replicas")

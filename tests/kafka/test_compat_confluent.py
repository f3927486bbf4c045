"""confluent-kafka 1.7 (librdkafka 2.0.2) against kafka-server: AdminClient
create/delete topics, Producer (acks=all) and an assign-based Consumer round-trip
10,000 keyed records with headers, uncompressed and with every codec."""
import pytest

import testlib
from kafkalib import (assert_codec_on_disk, consume_confluent, librdkafka_codec_param,
                      make_records, verify_exact)

CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]
PARTITIONS = 3


@pytest.mark.timeout(120)
@pytest.mark.parametrize("codec", CODECS)
def test_confluent_roundtrip(kafka_cluster, codec):
    from confluent_kafka import Producer
    from confluent_kafka.admin import AdminClient, NewTopic
    bs = kafka_cluster.bootstrap()
    topic = f"ck-{codec}"
    admin = AdminClient({"bootstrap.servers": bs})
    for f in admin.create_topics([NewTopic(topic, PARTITIONS, 1)], operation_timeout=15).values():
        f.result(30)
    assert topic in admin.list_topics(timeout=10).topics

    sent = make_records(topic)
    index = {k: i for i, (k, _, _) in enumerate(sent)}
    placement, errors = {}, []

    def report(err, msg):
        if err is not None:
            errors.append(str(err))
        else:
            placement[index[msg.key()]] = (msg.partition(), msg.offset())

    producer = Producer({"bootstrap.servers": bs, "acks": "all", "compression.codec": codec,
                         "linger.ms": 5, "queue.buffering.max.messages": 2 * len(sent)})
    for k, v, h in sent:
        producer.produce(topic, key=k, value=v, headers=h, on_delivery=report)
    assert producer.flush(60) == 0, "records left undelivered"
    assert not errors, errors[:5]
    assert len(placement) == len(sent)

    got, marks = consume_confluent(bs, topic, PARTITIONS, len(sent))
    verify_exact(sent, got, marks=marks, placement=placement)

    for f in admin.delete_topics([topic], operation_timeout=15).values():
        f.result(30)
    testlib.wait_for(lambda: topic not in admin.list_topics(timeout=10).topics, 15,
                     what=f"{topic} deleted")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("codec", [librdkafka_codec_param(c) for c in CODECS[1:]])
def test_confluent_batches_stored_with_codec(kafka_cluster, codec):
    """The batches a compression.codec=<codec> Producer sent are stored compressed."""
    from confluent_kafka import Producer
    bs = kafka_cluster.bootstrap()
    topic = f"ck-z-{codec}"
    producer = Producer({"bootstrap.servers": bs, "compression.codec": codec, "linger.ms": 5})
    for k, v, h in make_records(topic, 500):
        producer.produce(topic, key=k, value=v, headers=h)
    assert producer.flush(30) == 0
    assert_codec_on_disk(kafka_cluster, topic, PARTITIONS, codec)

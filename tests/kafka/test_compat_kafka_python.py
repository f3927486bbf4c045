"""kafka-python 2.0.2 against kafka-server: KafkaAdminClient create/delete topics,
KafkaProducer (acks=all) and KafkaConsumer with assigned partitions round-trip
10,000 keyed records with headers, uncompressed and with every codec it has."""
import time

import pytest

import testlib
from kafkalib import N_RECORDS, Rec, assert_codec_on_disk, make_records, norm_headers, verify_exact

CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]
PARTITIONS = 3


def codec_available(codec):
    from kafka import codec as kc
    return {"none": True, "gzip": kc.has_gzip(), "snappy": kc.has_snappy(),
            "lz4": kc.has_lz4(), "zstd": kc.has_zstd()}[codec]


@pytest.fixture(scope="module")
def admin(kafka_cluster):
    from kafka.admin import KafkaAdminClient
    a = KafkaAdminClient(bootstrap_servers=kafka_cluster.bootstrap(), request_timeout_ms=15000)
    yield a
    a.close()


@pytest.mark.timeout(180)
@pytest.mark.parametrize("codec", CODECS)
def test_kafka_python_roundtrip(kafka_cluster, admin, codec):
    if not codec_available(codec):
        pytest.skip(f"kafka-python has no {codec} codec here (python3 module missing: "
                    "Debian python3-snappy / python3-lz4 / python3-zstandard)")
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition
    from kafka.admin import NewTopic
    bs = kafka_cluster.bootstrap()
    topic = f"kp-{codec}"
    admin.create_topics([NewTopic(topic, PARTITIONS, 1)], timeout_ms=15000)
    assert topic in admin.list_topics()

    sent = make_records(topic)
    producer = KafkaProducer(bootstrap_servers=bs, acks="all", linger_ms=5, batch_size=65536,
                             compression_type=None if codec == "none" else codec)
    try:
        futures = [producer.send(topic, key=k, value=v, headers=h) for k, v, h in sent]
        producer.flush(90)
        placement = {}
        for i, f in enumerate(futures):
            md = f.get(timeout=0)
            placement[i] = (md.partition, md.offset)
    finally:
        producer.close(10)

    tps = [TopicPartition(topic, p) for p in range(PARTITIONS)]
    consumer = KafkaConsumer(bootstrap_servers=bs, group_id=None, enable_auto_commit=False,
                             auto_offset_reset="earliest", check_crcs=True)
    try:
        consumer.assign(tps)
        consumer.seek_to_beginning()
        got = []
        deadline = time.monotonic() + 90
        while len(got) < N_RECORDS and time.monotonic() < deadline:
            for tp, msgs in consumer.poll(timeout_ms=500, max_records=5000).items():
                got += [Rec(m.partition, m.offset, m.key, m.value, norm_headers(m.headers))
                        for m in msgs]
        assert len(got) >= N_RECORDS, f"read {len(got)} records"
        marks = {tp.partition: off for tp, off in consumer.end_offsets(tps).items()}
    finally:
        consumer.close()
    verify_exact(sent, got, marks=marks, placement=placement)
    assert_codec_on_disk(kafka_cluster, topic, PARTITIONS, codec)

    admin.delete_topics([topic], timeout_ms=15000)
    testlib.wait_for(lambda: topic not in admin.list_topics(), 15, what=f"{topic} deleted")

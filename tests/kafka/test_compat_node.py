"""Node clients against kafka-server: kafkajs 2.2.4 (admin createTopics/deleteTopics,
producer) and @platformatic/kafka 1.35.0 (Admin and Producer, which need the
flexible versions: ApiVersions v3, Metadata v9, CreateTopics v7, DeleteTopics v6).
Each produces 10,000 keyed records with headers, acks=all, in sends of 1000; the
records are read back with confluent-kafka's assign-based Consumer (both Node
consumers are group members only) and compared exactly with the base offsets
each send reported."""
import subprocess

import pytest

import testlib
from kafkalib import (N_RECORDS, assert_codec_on_disk, consume_confluent, make_records, node_available,
                      platformatic_available, run_node, verify_exact)

PARTITIONS = 3
BATCH = 1000


def node_has_zstd():
    r = subprocess.run(["node", "-e", "process.stdout.write(typeof require('zlib').zstdCompressSync)"],
                       capture_output=True, timeout=30)
    return r.stdout == b"function"


def roundtrip(cluster, script, topic, codec):
    bs = cluster.bootstrap()
    results = run_node(script, bs, [
        {"op": "create", "topic": topic, "partitions": PARTITIONS},
        {"op": "list"},
        {"op": "produce", "topic": topic, "prefix": topic, "n": N_RECORDS, "batch": BATCH,
         "codec": codec},
    ], timeout=150)
    assert topic in results[1]
    sends = results[2]
    assert len(sends) == N_RECORDS // BATCH
    reports = [((s["start"], s["end"]), {int(p): o for p, o in s["bases"].items()}) for s in sends]
    sent = make_records(topic)
    got, marks = consume_confluent(bs, topic, PARTITIONS, len(sent))
    verify_exact(sent, got, marks=marks, batch_reports=reports)
    assert_codec_on_disk(cluster, topic, PARTITIONS, codec)
    deleted = run_node(script, bs, [{"op": "delete", "topic": topic}, {"op": "list"}])
    assert topic not in deleted[1]
    from confluent_kafka.admin import AdminClient
    admin = AdminClient({"bootstrap.servers": bs})
    testlib.wait_for(lambda: topic not in admin.list_topics(timeout=10).topics, 15,
                     what=f"{topic} deleted")


@pytest.mark.timeout(180)
@pytest.mark.parametrize("codec", ["none", "gzip", "snappy", "lz4", "zstd"])
def test_kafkajs_roundtrip(kafka_cluster, codec):
    if not node_available():
        pytest.skip("node or tests/node/node_modules/kafkajs missing (scripts/deps.sh)")
    if codec not in ("none", "gzip"):
        pytest.skip(f"kafkajs has only gzip built in; {codec} needs a codec plugin package "
                    "that is not installed")
    roundtrip(kafka_cluster, "kafkajs_peer.js", f"kj-{codec}", codec)


@pytest.mark.timeout(180)
@pytest.mark.parametrize("codec", ["none", "gzip", "snappy", "lz4", "zstd"])
def test_platformatic_roundtrip(kafka_cluster, codec):
    if not platformatic_available():
        pytest.skip("node or tests/node/node_modules/@platformatic/kafka missing (scripts/deps.sh)")
    if codec == "zstd" and not node_has_zstd():
        pytest.skip("@platformatic/kafka's zstd uses node:zlib zstd (Node >= 22.15); "
                    "this Node has none")
    roundtrip(kafka_cluster, "platformatic_peer.mjs", f"pl-{codec}", codec)

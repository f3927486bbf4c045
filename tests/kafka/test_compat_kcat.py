"""kcat (librdkafka 2.0.2) against kafka-server: metadata (-L), produce (-P) and
consume (-C -e) of 10,000 keyed records, uncompressed and with every codec."""
import json
import zlib

import pytest

from kafkalib import (N_RECORDS, assert_codec_on_disk, kcat, librdkafka_codec_param,
                      make_records)

CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]
PARTITIONS = 3  # num.partitions of the fixture: kcat topics are auto-created


@pytest.mark.timeout(60)
def test_kcat_metadata(kafka_cluster):
    bs = kafka_cluster.bootstrap()
    r = kcat("-b", bs, "-P", "-t", "kcat-meta", input=b"one\n")
    assert r.returncode == 0, r.stderr
    r = kcat("-b", bs, "-L", "-J", "-t", "kcat-meta")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [(b["id"], b["name"]) for b in doc["brokers"]] == \
        [(0, f"127.0.0.1:{kafka_cluster.port(0)}")]
    topics = {t["topic"]: t for t in doc["topics"]}
    t = topics["kcat-meta"]
    assert "error" not in t or not t["error"]
    assert sorted(p["partition"] for p in t["partitions"]) == list(range(PARTITIONS))
    for p in t["partitions"]:
        assert p["leader"] == 0
        assert [x["id"] for x in p["replicas"]] == [0]
        assert [x["id"] for x in p["isrs"]] == [0]


def parse_headers(s):
    if not s:
        return []
    return [(kv.split("=", 1)[0], kv.split("=", 1)[1].encode()) for kv in s.split(",")]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("codec", CODECS)
def test_kcat_roundtrip(kafka_cluster, codec):
    bs = kafka_cluster.bootstrap()
    topic = f"kcat-{codec}"
    headers = [("src", b"kcat"), ("codec", codec.encode())]
    sent = [(k, v, headers) for k, v, _ in make_records(topic)]
    lines = b"".join(k + b"\t" + v + b"\n" for k, v, _ in sent)
    r = kcat("-b", bs, "-P", "-t", topic, "-K", "\t", "-z", codec, "-X", "acks=all",
             "-H", "src=kcat", "-H", f"codec={codec}", input=lines)
    assert r.returncode == 0, r.stderr
    assert b"ERROR" not in r.stderr, r.stderr

    r = kcat("-b", bs, "-C", "-t", topic, "-o", "beginning", "-e", "-q",
             "-f", "%p\t%o\t%k\t%s\t%h\n")
    assert r.returncode == 0, r.stderr
    rows = r.stdout.decode().splitlines()
    assert len(rows) == N_RECORDS, f"read {len(rows)} records"

    # librdkafka's default partitioner (consistent_random) is CRC-32(key) mod partitions,
    # and one kcat producer keeps the input order within each partition.
    expected = {}
    next_off = [0] * PARTITIONS
    for k, v, _ in sent:
        p = zlib.crc32(k) % PARTITIONS
        expected[k] = (p, next_off[p], v)
        next_off[p] += 1
    got = {}
    per_part = {}
    for row in rows:
        p, o, k, v, h = row.split("\t")
        k = k.encode()
        assert k not in got, f"{k!r} read twice"
        got[k] = (int(p), int(o), v.encode())
        assert parse_headers(h) == headers, row
        per_part.setdefault(int(p), []).append(int(o))
    assert got == expected
    for p, offs in per_part.items():
        assert offs == list(range(len(offs))), f"partition {p} not read in offset order"

    # Offsets end exactly there (no duplicates past what we read).
    for p in range(PARTITIONS):
        q = kcat("-b", bs, "-Q", "-t", f"{topic}:{p}:-1")
        assert q.returncode == 0, q.stderr
        assert int(q.stdout.decode().split()[-1]) == next_off[p]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("codec", [librdkafka_codec_param(c) for c in CODECS[1:]])
def test_kcat_batches_stored_with_codec(kafka_cluster, codec):
    """The batches kcat -z <codec> produced are stored compressed with that codec."""
    bs = kafka_cluster.bootstrap()
    topic = f"kcat-z-{codec}"
    lines = b"".join(k + b"\t" + v + b"\n" for k, v, _ in make_records(topic, 500))
    r = kcat("-b", bs, "-P", "-t", topic, "-K", "\t", "-z", codec, input=lines)
    assert r.returncode == 0, r.stderr
    assert_codec_on_disk(kafka_cluster, topic, PARTITIONS, codec)

"""Our console tools against our own broker (kafka-server + zookeeper-server,
three brokers, started the way tests/broker does): the seed commands of the
issue byte for byte, admin operations, keyed partitioning, codecs, and a
third-party client reading what our producer wrote."""
import os
import re
import time

import pytest

import testlib
from tools import run

try:
    import broker_cluster
    HAVE_BROKER = all(os.access(os.path.join(testlib.BAZEL_BIN, p), os.X_OK) for p in (
        "daemon/broker/kafka-server", "daemon/zookeeper/zookeeper-server"))
except ImportError:  # tests/broker not there
    HAVE_BROKER = False

pytestmark = [pytest.mark.timeout(120),
              pytest.mark.skipif(not HAVE_BROKER, reason="kafka-server/zookeeper-server not built")]


@pytest.fixture(scope="module")
def brokers(tmp_path_factory):
    procs = testlib.Processes()
    c = broker_cluster.Cluster(procs, tmp_path_factory.mktemp("cluster"))
    try:
        c.start_zookeeper()
        for i in (1, 2, 3):
            c.start_broker(i, overrides={"auto.create.topics.enable": "false"})
        yield c
    finally:
        procs.cleanup()


def topics(b, *args, **kw):
    return run("kafka-topics", "--bootstrap-server", b, *args, **kw)


def test_seed_commands(brokers):
    b = brokers.bootstrap(1)
    r = topics(b, "--create", "--topic", "peter-overview01", "--partitions", "1",
               "--replication-factor", "1")
    assert (r.returncode, r.stdout) == (0, "Created topic peter-overview01.\n"), r.stderr
    r = run("kafka-console-producer", "--bootstrap-server", b, "--topic", "peter-overview01",
            input="a\nb\nc\n")
    assert (r.returncode, r.stdout) == (0, ""), r.stderr
    r = run("kafka-console-consumer", "--bootstrap-server", b, "--topic", "peter-overview01",
            "--from-beginning", "--max-messages", "3")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "a\nb\nc\n"
    assert r.stderr.endswith("Processed a total of 3 messages\n")


def test_create_describe_alter_delete(brokers):
    b = brokers.bootstrap()
    r = topics(b, "--create", "--topic", "admin3", "--partitions", "3", "--replication-factor", "3",
               "--config", "cleanup.policy=compact")
    assert (r.returncode, r.stdout) == (0, "Created topic admin3.\n"), r.stderr
    r = topics(b, "--create", "--topic", "admin3", "--partitions", "3", "--replication-factor", "3")
    assert r.returncode == 1
    assert r.stdout == "Error while executing topic command : Topic 'admin3' already exists.\n"
    r = topics(b, "--create", "--topic", "admin3", "--partitions", "3", "--if-not-exists")
    assert (r.returncode, r.stdout) == (0, "")

    r = topics(b, "--describe", "--topic", "admin3")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == ("Topic: admin3\tPartitionCount: 3\tReplicationFactor: 3\t"
                        "Configs: cleanup.policy=compact")
    for i, line in enumerate(lines[1:]):
        m = re.fullmatch(rf"\tTopic: admin3\tPartition: {i}\tLeader: (\d)\tReplicas: ([\d,]+)"
                         r"\tIsr: ([\d,]+)", line)
        assert m, line
        assert sorted(m.group(2).split(",")) == ["1", "2", "3"]
        assert m.group(1) == m.group(2).split(",")[0]
    assert len(lines) == 4

    r = topics(b, "--alter", "--topic", "admin3", "--partitions", "5")
    assert (r.returncode, r.stdout) == (0, ""), r.stderr
    r = topics(b, "--alter", "--topic", "admin3", "--partitions", "2")
    assert r.returncode == 1
    assert r.stdout.startswith("Error while executing topic command : ")
    r = topics(b, "--describe", "--topic", "admin3")
    assert "PartitionCount: 5" in r.stdout.splitlines()[0]

    r = topics(b, "--list")
    assert "admin3" in r.stdout.splitlines()
    r = topics(b, "--delete", "--topic", "admin3")
    assert (r.returncode, r.stdout) == (0, ""), r.stderr
    testlib.wait_for(lambda: "admin3" not in topics(b, "--list").stdout.splitlines(), 15,
                     what="topic deleted")
    r = topics(b, "--describe", "--topic", "admin3")
    assert r.returncode == 1
    assert r.stdout == "Error while executing topic command : Topic 'admin3' does not exist as expected\n"


def test_keys_codecs_and_partition_offsets(brokers):
    from kafka.partitioner.default import murmur2
    b = brokers.bootstrap()
    assert topics(b, "--create", "--topic", "keyed", "--partitions", "3",
                  "--replication-factor", "2").returncode == 0
    for codec in ("gzip", "snappy", "lz4", "zstd", "none"):
        text = "".join(f"{codec}{i}={i}\n" for i in range(10))
        r = run("kafka-console-producer", "--bootstrap-server", b, "--topic", "keyed",
                "--property", "parse.key=true", "--property", "key.separator==",
                "--compression-codec", codec, input=text)
        assert r.returncode == 0, r.stderr
    r = run("kafka-console-consumer", "--bootstrap-server", b, "--topic", "keyed",
            "--from-beginning", "--max-messages", "50", "--property", "print.key=true",
            "--property", "print.partition=true")
    assert r.returncode == 0, r.stderr
    rows = [line.split("\t") for line in r.stdout.splitlines()]
    assert len(rows) == 50
    for part, key, value in rows:
        assert int(part.split(":")[1]) == (murmur2(key.encode()) & 0x7FFFFFFF) % 3
        assert key.endswith(value)
    # --partition/--offset read exactly one partition from an offset.
    p0 = [row for row in rows if row[0] == "Partition:0"]
    r = run("kafka-console-consumer", "--bootstrap-server", b, "--topic", "keyed",
            "--partition", "0", "--offset", "1", "--timeout-ms", "1500")
    assert r.returncode == 0
    assert r.stdout.splitlines() == [row[2] for row in p0[1:]]


def test_confluent_kafka_reads_our_records(brokers):
    from confluent_kafka import Consumer, TopicPartition
    b = brokers.bootstrap()
    assert topics(b, "--create", "--topic", "interop", "--partitions", "1",
                  "--replication-factor", "3").returncode == 0
    r = run("kafka-console-producer", "--bootstrap-server", b, "--topic", "interop",
            "--compression-codec", "lz4", "--sync", input="one\ntwo\n")
    assert r.returncode == 0, r.stderr
    c = Consumer({"bootstrap.servers": b, "group.id": "g", "enable.auto.commit": False})
    c.assign([TopicPartition("interop", 0, 0)])
    got = []
    deadline = time.monotonic() + 20
    while len(got) < 2 and time.monotonic() < deadline:
        m = c.poll(0.5)
        if m is not None and not m.error():
            got.append(m.value())
    c.close()
    assert got == [b"one", b"two"]


def test_producer_fails_loudly_on_a_missing_topic(brokers):
    t0 = time.monotonic()
    r = run("kafka-console-producer", "--bootstrap-server", brokers.bootstrap(), "--topic",
            "no-such-topic", "--producer-property", "default.api.timeout.ms=1500", input="x\n")
    assert r.returncode == 1
    assert "Topic no-such-topic not present in metadata" in r.stderr
    assert "1 message(s) were not acknowledged" in r.stderr
    assert time.monotonic() - t0 < 15


def test_dead_bootstrap_entry_is_skipped(brokers):
    dead = testlib.free_port()
    r = topics(f"127.0.0.1:{dead},{brokers.bootstrap(2)}", "--list")
    assert r.returncode == 0, r.stderr


def test_broker_api_versions(brokers):
    r = run("kafka-broker-api-versions", "--bootstrap-server", brokers.bootstrap(1))
    assert r.returncode == 0, r.stderr
    blocks = r.stdout.strip().split("\n)\n")
    assert len(blocks) == 3
    for i, block in enumerate(blocks):
        lines = block.splitlines()
        assert lines[0] == f"127.0.0.1:{brokers.port(i + 1)} (id: {i + 1} rack: null) -> ("
        # Our codec does Produce 3-7 and Metadata 0-9; the broker's ranges may be wider.
        assert any(re.fullmatch(r"\tProduce\(0\): \d to \d+ \[usable: 7\],", x) for x in lines)
        assert any(re.fullmatch(r"\tMetadata\(3\): \d to \d+ \[usable: 9\],", x) for x in lines)

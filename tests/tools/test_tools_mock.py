"""Our console tools against librdkafka's built-in mock cluster: a second,
independent implementation of the Kafka protocol (auto-creates topics with 4
partitions, no CreateTopics/DeleteTopics/DescribeConfigs)."""
import re
import time
import uuid

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from kafka.partitioner.default import murmur2

from tools import run

pytestmark = pytest.mark.timeout(120)


def new_topic():
    return "t-" + uuid.uuid4().hex[:10]


def produce(bootstrap, topic, text, *extra):
    r = run("kafka-console-producer", "--bootstrap-server", bootstrap, "--topic", topic, *extra,
            input=text)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""  # no '>' prompt when stdin is not a terminal
    return r


def consume(bootstrap, topic, *extra):
    r = run("kafka-console-consumer", "--bootstrap-server", bootstrap, "--topic", topic, *extra)
    assert r.returncode == 0, r.stderr
    return r


def test_seed_produce_consume(mock_cluster):
    topic = new_topic()
    produce(mock_cluster, topic, "a\nb\nc\n")
    r = consume(mock_cluster, topic, "--from-beginning", "--max-messages", "3")
    assert sorted(r.stdout.splitlines()) == ["a", "b", "c"]
    assert "Processed a total of 3 messages" in r.stderr


def test_keys_land_where_kafkas_partitioner_puts_them(mock_cluster):
    topic = new_topic()
    lines = [f"key{i}:value{i}" for i in range(20)]
    produce(mock_cluster, topic, "\n".join(lines) + "\n", "--property", "parse.key=true",
            "--property", "key.separator=:")
    r = consume(mock_cluster, topic, "--from-beginning", "--max-messages", "20",
                "--property", "print.key=true", "--property", "print.partition=true",
                "--property", "print.offset=true", "--property", "print.timestamp=true")
    seen = {}
    for line in r.stdout.splitlines():
        ts, part, off, key, value = line.split("\t")
        assert re.fullmatch(r"CreateTime:\d{13}", ts)
        assert off.startswith("Offset:")
        seen[key] = (int(part.split(":")[1]), value)
    assert len(seen) == 20
    for i in range(20):
        key = f"key{i}"
        expected = (murmur2(key.encode()) & 0x7FFFFFFF) % 4
        assert seen[key] == (expected, f"value{i}")
    # Order within a partition is the order produced.
    by_part = {}
    for line in r.stdout.splitlines():
        _, part, off, key, _ = line.split("\t")
        by_part.setdefault(part, []).append(int(key[3:]))
    for keys in by_part.values():
        assert keys == sorted(keys)


@pytest.mark.parametrize("codec", ["none", "gzip", "snappy", "lz4", "zstd"])
def test_compression_codecs(mock_cluster, codec):
    topic = new_topic()
    produce(mock_cluster, topic, "".join(f"m{i}\n" for i in range(50)), "--compression-codec", codec,
            "--request-required-acks", "1")
    r = consume(mock_cluster, topic, "--from-beginning", "--max-messages", "50")
    assert sorted(r.stdout.splitlines()) == sorted(f"m{i}" for i in range(50))


def test_confluent_kafka_reads_what_we_wrote_and_we_read_what_it_wrote(mock_cluster):
    topic = new_topic()
    produce(mock_cluster, topic, "k:x\nk:y\n", "--property", "parse.key=true",
            "--property", "key.separator=:", "--compression-codec", "lz4")
    part = (murmur2(b"k") & 0x7FFFFFFF) % 4
    c = Consumer({"bootstrap.servers": mock_cluster, "group.id": "g", "enable.auto.commit": False})
    c.assign([TopicPartition(topic, part, 0)])
    got = []
    deadline = time.monotonic() + 20
    while len(got) < 2 and time.monotonic() < deadline:
        m = c.poll(0.5)
        if m is not None and not m.error():
            got.append((m.key(), m.value()))
    c.close()
    assert got == [(b"k", b"x"), (b"k", b"y")]

    topic2 = new_topic()
    p = Producer({"bootstrap.servers": mock_cluster, "compression.type": "zstd"})
    for i in range(5):
        p.produce(topic2, value=f"v{i}".encode(), key=b"same", headers=[("h", b"1")])
    assert p.flush(10) == 0
    r = consume(mock_cluster, topic2, "--from-beginning", "--max-messages", "5",
                "--property", "print.key=true", "--property", "print.headers=true")
    assert r.stdout.splitlines() == [f"h:1\tsame\tv{i}" for i in range(5)]


def test_partition_and_offset(mock_cluster):
    topic = new_topic()
    produce(mock_cluster, topic, "".join(f"k:{i}\n" for i in range(6)), "--property",
            "parse.key=true", "--property", "key.separator=:")
    part = (murmur2(b"k") & 0x7FFFFFFF) % 4
    r = consume(mock_cluster, topic, "--partition", str(part), "--offset", "4", "--timeout-ms", "1500")
    assert r.stdout.splitlines() == ["4", "5"]
    assert "Processed a total of 2 messages" in r.stderr
    r = consume(mock_cluster, topic, "--partition", str(part), "--offset", "earliest",
                "--max-messages", "2")
    assert r.stdout.splitlines() == ["0", "1"]
    # Latest (the default): nothing new arrives, so the timeout ends it.
    t0 = time.monotonic()
    r = consume(mock_cluster, topic, "--timeout-ms", "1000")
    assert r.stdout == ""
    assert "Processed a total of 0 messages" in r.stderr
    assert time.monotonic() - t0 < 10


def test_list_and_describe(mock_cluster):
    topic = new_topic()
    produce(mock_cluster, topic, "x\n")
    r = run("kafka-topics", "--bootstrap-server", mock_cluster, "--list")
    assert r.returncode == 0, r.stderr
    names = r.stdout.splitlines()
    assert topic in names and names == sorted(names)
    r = run("kafka-topics", "--bootstrap-server", mock_cluster, "--describe", "--topic", topic)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == f"Topic: {topic}\tPartitionCount: 4\tReplicationFactor: 3\tConfigs: "
    assert len(lines) == 5
    for i, line in enumerate(lines[1:]):
        assert re.fullmatch(rf"\tTopic: {topic}\tPartition: {i}\tLeader: [123]\t"
                            r"Replicas: \d,\d,\d\tIsr: \d,\d,\d", line), line
    r = run("kafka-topics", "--bootstrap-server", mock_cluster, "--describe", "--topic", topic,
            "--under-replicated-partitions")
    assert r.returncode == 0 and r.stdout == ""


def test_admin_requests_the_mock_lacks_fail_clearly(mock_cluster):
    r = run("kafka-topics", "--bootstrap-server", mock_cluster, "--create", "--topic", "nope",
            "--partitions", "1", "--replication-factor", "1", timeout=20)
    assert r.returncode == 1
    assert r.stdout.startswith("Error while executing topic command : ")
    assert "CreateTopics" in r.stdout
    r = run("kafka-topics", "--bootstrap-server", mock_cluster, "--delete", "--topic", "missing-x")
    assert r.returncode == 1
    assert r.stdout == "Error while executing topic command : Topic 'missing-x' does not exist as expected\n"
    r = run("kafka-topics", "--bootstrap-server", mock_cluster, "--delete", "--topic", "missing-x",
            "--if-exists")
    assert r.returncode == 0 and r.stdout == ""


def test_broker_api_versions(mock_cluster):
    r = run("kafka-broker-api-versions", "--bootstrap-server", mock_cluster)
    assert r.returncode == 0, r.stderr
    blocks = r.stdout.strip().split("\n)\n")
    assert len(blocks) == 3
    ports = [s.split(":")[1] for s in mock_cluster.split(",")]
    for i, block in enumerate(blocks):
        lines = block.splitlines()
        assert lines[0] == f"127.0.0.1:{ports[i]} (id: {i + 1} rack: null) -> ("
        assert "\tProduce(0): 0 to 7 [usable: 7]," in lines
        assert "\tApiVersions(18): 0 to 2 [usable: 2]," in lines
        assert "\tCreateTopics(19): UNSUPPORTED," in lines


def test_acks_zero_and_sync(mock_cluster):
    topic = new_topic()
    produce(mock_cluster, topic, "p\nq\n", "--request-required-acks", "0")
    produce(mock_cluster, topic, "r\n", "--sync", "--producer-property", "acks=all")
    r = consume(mock_cluster, topic, "--from-beginning", "--max-messages", "3")
    assert sorted(r.stdout.splitlines()) == ["p", "q", "r"]


def test_prompt_only_on_a_terminal(mock_cluster):
    import os
    import pty
    import subprocess

    import testlib
    from tools import TOOLS
    topic = new_topic()
    master, slave = pty.openpty()
    p = subprocess.Popen([testlib.binary(TOOLS["kafka-console-producer"]), "--bootstrap-server",
                          mock_cluster, "--topic", topic], stdin=slave, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    os.close(slave)
    os.write(master, b"hello\n")
    os.write(master, b"\x04")  # EOF from the terminal
    out, err = p.communicate(timeout=20)
    os.close(master)
    assert p.returncode == 0, err
    assert out.startswith(b">")
    r = consume(mock_cluster, topic, "--from-beginning", "--max-messages", "1")
    assert r.stdout == "hello\n"


def test_consumer_stops_on_sigterm_with_its_count(mock_cluster):
    import signal
    import subprocess

    import testlib
    from tools import TOOLS
    topic = new_topic()
    produce(mock_cluster, topic, "1\n2\n")
    p = subprocess.Popen([testlib.binary(TOOLS["kafka-console-consumer"]), "--bootstrap-server",
                          mock_cluster, "--topic", topic, "--from-beginning"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = [p.stdout.readline(), p.stdout.readline()]
    assert sorted(lines) == ["1\n", "2\n"]
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=10)
    assert p.returncode == 0
    assert "Processed a total of 2 messages" in err


def test_batch_larger_than_max_partition_fetch_bytes(mock_cluster):
    topic = new_topic()
    big = "x" * 5000
    produce(mock_cluster, topic, "".join(f"{i}{big}\n" for i in range(3)), "--linger-ms", "5000")
    r = consume(mock_cluster, topic, "--from-beginning", "--max-messages", "3",
                "--consumer-property", "max.partition.fetch.bytes=1024")
    assert sorted(line[0] for line in r.stdout.splitlines()) == ["0", "1", "2"]


def test_read_committed_and_skip_flag(mock_cluster):
    topic = new_topic()
    produce(mock_cluster, topic, "u\nv\n")
    r = consume(mock_cluster, topic, "--from-beginning", "--max-messages", "2",
                "--isolation-level", "read_committed", "--skip-message-on-error")
    assert sorted(r.stdout.splitlines()) == ["u", "v"]
    r = run("kafka-console-consumer", "--bootstrap-server", mock_cluster, "--topic", topic,
            "--isolation-level", "bogus")
    assert r.returncode == 1 and "isolation.level" in r.stderr

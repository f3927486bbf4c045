"""Crash, restart, exclusive log dirs, shutdown and bad input (RELIABILITY.md
§7.6) for kafka-server, plus a 3-broker cluster."""
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

import pytest

import testlib
from broker_cluster import closed_by_peer, find_binary, kafka_request, kcat, read_frame


def api_versions_ok(port):
    resp = kafka_request(port, 18, 0)
    return resp is not None and struct.unpack(">h", resp[4:6])[0] == 0


def produce_raw(port, topic, partition, records, acks=1, version=3):
    from kafka.protocol.produce import ProduceRequest, ProduceResponse
    fields = dict(required_acks=acks, timeout=5000, topics=[(topic, [(partition, records)])])
    if version >= 3:
        fields["transactional_id"] = None
    req = ProduceRequest[version](**fields)
    body = req.encode()
    resp = kafka_request(port, 0, version, body)
    assert resp is not None, "connection closed"
    decoded = ProduceResponse[version].decode(resp[4:])
    return decoded.topics[0][1][0]  # (partition, error_code, offset, ...)


def batch(n=3):
    from kafka.record.memory_records import MemoryRecordsBuilder
    b = MemoryRecordsBuilder(magic=2, compression_type=0, batch_size=1 << 20)
    for i in range(n):
        b.append(timestamp=None, key=b"k%d" % i, value=b"v%d" % i, headers=[])
    b.close()
    return bytes(b.buffer())


def end_offset(bs, topic, partition=0):
    r = kcat("-b", bs, "-Q", "-t", f"{topic}:{partition}:-1")
    assert r.returncode == 0, r.stderr
    return int(r.stdout.decode().split()[-1])


@pytest.mark.timeout(120)
def test_sigkill_mid_stream_with_acks_all_then_restart(cluster, tmp_path):
    cluster.start_broker(0)
    bs = cluster.bootstrap()
    acked_file = tmp_path / "acked.txt"
    script = tmp_path / "producer.py"
    script.write_text(r'''
import sys
from confluent_kafka import Producer
p = Producer({"bootstrap.servers": sys.argv[1], "acks": "all", "linger.ms": 2,
              "message.timeout.ms": 4000, "retries": 0})
out = open(sys.argv[2], "w", buffering=1)
def done(err, msg):
    if err is None:
        out.write(msg.key().decode() + "\n")
i = 0
while i < 200000:
    try:
        p.produce("crash", key=b"key%d" % i, value=b"x" * 100, on_delivery=done)
        i += 1
    except BufferError:
        pass
    p.poll(0)
p.flush(10)
''')
    prod = subprocess.Popen([sys.executable, str(script), bs, str(acked_file)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        testlib.wait_for(lambda: acked_file.exists() and
                         len(acked_file.read_text().splitlines()) > 2000, 30,
                         what="acknowledged records")
        cluster.kill(0, signal.SIGKILL)
        prod.wait(timeout=30)
    finally:
        if prod.poll() is None:
            prod.kill()
            prod.wait()
    acked = set(acked_file.read_text().split())
    assert len(acked) > 2000
    cluster.start_broker(0)
    r = kcat("-b", bs, "-C", "-t", "crash", "-o", "beginning", "-e", "-f", "%k\n", timeout=60)
    assert r.returncode == 0, r.stderr
    stored = set(r.stdout.decode().split())
    missing = acked - stored
    assert not missing, f"{len(missing)} acknowledged record(s) lost, e.g. {sorted(missing)[:5]}"


@pytest.mark.timeout(60)
def test_second_broker_on_same_log_dirs_refuses(cluster):
    first = cluster.start_broker(0)
    second = cluster.start_broker(1, logdir=first["logdir"], wait=False)
    rc = second["proc"].wait(timeout=20)
    assert rc == 1
    assert "lock" in cluster.log(1).lower()
    assert api_versions_ok(cluster.port(0))


@pytest.mark.timeout(60)
def test_zookeeper_unreachable_fails_with_clear_error(procs, tmp_path):
    from broker_cluster import Cluster
    c = Cluster(procs, tmp_path)
    c.zk_port = testlib.free_port()  # nothing listens there
    info = c.start_broker(0, wait=False,
                          overrides={"zookeeper.connection.timeout.ms": "1500"})
    rc = info["proc"].wait(timeout=30)
    assert rc == 1
    assert "zookeeper" in c.log(0).lower()


@pytest.mark.timeout(60)
def test_sigterm_stops_cleanly_and_deregisters(cluster):
    from kazoo.client import KazooClient
    info = cluster.start_broker(0)
    r = kcat("-b", cluster.bootstrap(), "-P", "-t", "clean", input=b"a\nb\n")
    assert r.returncode == 0
    zk = KazooClient(hosts=f"127.0.0.1:{cluster.zk_port}")
    zk.start(timeout=10)
    try:
        assert zk.exists("/kafka/brokers/ids/0")
        rc = cluster.kill(0, signal.SIGTERM)
        assert rc == 0
        # The session is closed, not left to expire (6 s): the ephemeral goes at once.
        testlib.wait_for(lambda: not zk.exists("/kafka/brokers/ids/0"), 3,
                         what="registration removed")
    finally:
        zk.stop()
        zk.close()
    assert os.path.exists(os.path.join(info["logdir"], ".kafka_cleanshutdown"))
    cluster.start_broker(0)
    assert "(clean shutdown)" in cluster.log(0).split("---- start")[-1] or \
        "unclean" not in cluster.log(0).split("---- start")[-1]
    r = kcat("-b", cluster.bootstrap(), "-C", "-t", "clean", "-o", "beginning", "-e")
    assert r.stdout.decode().split() == ["a", "b"]


@pytest.mark.timeout(60)
def test_bad_input_closes_only_the_offending_connection(one_broker):
    port = one_broker.port(0)
    cases = [
        struct.pack(">i", 0x7FFFFFFF),             # huge length
        struct.pack(">I", 0xFFFFFFFF),             # negative length
        b"GET / HTTP/1.1\r\n\r\n",                 # HTTP on the Kafka port
        struct.pack(">i", 2) + b"\x00\x01",        # shorter than a header
        struct.pack(">i", 10) + struct.pack(">hhih", 999, 0, 1, -1),  # unknown api key
        struct.pack(">i", 10) + struct.pack(">hhih", 3, 99, 1, -1),   # Metadata v99
        # Metadata v1 with an array count of INT32_MAX in a tiny body.
        struct.pack(">i", 14) + struct.pack(">hhih", 3, 1, 1, -1) + struct.pack(">i", 0x7FFFFFFF),
    ]
    for payload in cases:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(payload)
            assert closed_by_peer(s), payload
        assert api_versions_ok(port)


@pytest.mark.timeout(60)
def test_api_versions_unsupported_version_gets_v0_error_body(one_broker):
    # v99 is "flexible": request header v2 ends with an (empty) tagged-field section.
    resp = kafka_request(one_broker.port(0), 18, 99, body=b"\x00")
    assert resp is not None
    error, count = struct.unpack(">hi", resp[4:10])
    assert error == 35
    keys = {struct.unpack(">hhh", resp[10 + 6 * i:16 + 6 * i])[0]: struct.unpack(
        ">hhh", resp[10 + 6 * i:16 + 6 * i])[1:] for i in range(count)}
    assert keys[18] == (0, 3)
    assert keys[0] == (0, 7)
    assert keys[1] == (4, 12)


@pytest.mark.timeout(60)
def test_valid_request_with_trailing_garbage_closes(one_broker):
    port = one_broker.port(0)
    frame = struct.pack(">hhih", 18, 0, 7, -1) + b"junk"
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(struct.pack(">i", len(frame)) + frame)
        assert closed_by_peer(s)
    assert api_versions_ok(port)


@pytest.mark.timeout(60)
def test_pipelined_requests_are_answered_in_order(one_broker):
    port = one_broker.port(0)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        out = b""
        for corr in range(200):
            key = 18 if corr % 2 == 0 else 3
            frame = struct.pack(">hhih", key, 0, corr, -1) + (b"" if key == 18 else b"\x00" * 4)
            out += struct.pack(">i", len(frame)) + frame
        s.sendall(out)
        for corr in range(200):
            resp = read_frame(s)
            assert resp is not None
            assert struct.unpack(">i", resp[:4])[0] == corr


@pytest.mark.timeout(60)
def test_corrupt_batches_are_refused_and_nothing_appended(one_broker):
    bs = one_broker.bootstrap()
    assert kcat("-b", bs, "-P", "-t", "raw", input=b"seed\n").returncode == 0
    port = one_broker.port(0)
    good = batch()
    assert produce_raw(port, "raw", 0, good)[1] == 0
    before = end_offset(bs, "raw")
    bad_crc = bytearray(good)
    bad_crc[-2] ^= 0x55
    assert produce_raw(port, "raw", 0, bytes(bad_crc))[1] == 2  # CORRUPT_MESSAGE
    assert produce_raw(port, "raw", 0, good[:-3])[1] == 2       # truncated
    assert produce_raw(port, "raw", 0, good + bytes(bad_crc))[1] == 2  # 2nd batch bad
    assert end_offset(bs, "raw") == before
    assert produce_raw(port, "nosuch-topic-x", 0, good)[1] in (3, 5)
    assert produce_raw(port, "raw", 7, good)[1] == 3  # UNKNOWN_TOPIC_OR_PARTITION


@pytest.mark.timeout(60)
def test_long_poll_fetch_wakes_on_append(one_broker):
    from confluent_kafka import Consumer, Producer, TopicPartition
    bs = one_broker.bootstrap()
    assert kcat("-b", bs, "-P", "-t", "lp", input=b"first\n").returncode == 0
    # A long max wait: without the wake-up the record would arrive only after 30 s.
    consumer = Consumer({"bootstrap.servers": bs, "group.id": "unused",
                         "fetch.wait.max.ms": 30000, "enable.auto.commit": False,
                         "socket.timeout.ms": 60000})
    consumer.assign([TopicPartition("lp", 0, 1)])
    try:
        time.sleep(0.5)  # let the consumer park a long-poll fetch (not a sync point)
        p = Producer({"bootstrap.servers": bs})
        start = time.monotonic()
        p.produce("lp", value=b"second")
        p.flush(10)
        msg = None
        while msg is None and time.monotonic() - start < 25:
            m = consumer.poll(0.2)
            if m is not None and not m.error():
                msg = m
        assert msg is not None and msg.value() == b"second"
        assert time.monotonic() - start < 12, "fetch waited for max_wait instead of waking"
    finally:
        consumer.close()


@pytest.mark.timeout(120)
def test_three_brokers_replicated_topic(cluster):
    for b in range(3):
        cluster.start_broker(b)
    from confluent_kafka import Consumer, Producer, TopicPartition
    from confluent_kafka.admin import AdminClient, NewTopic
    bs = cluster.bootstrap()
    admin = AdminClient({"bootstrap.servers": bs})
    for f in admin.create_topics([NewTopic("r3", 3, 3)], operation_timeout=15).values():
        f.result()
    bad = admin.create_topics([NewTopic("r4", 1, 4)], operation_timeout=15)["r4"]
    with pytest.raises(Exception) as e:
        bad.result()
    assert "INVALID_REPLICATION_FACTOR" in str(e.value) or "eplication factor" in str(e.value)

    def consistent():
        leaders = set()
        for b in range(3):
            md = Consumer({"bootstrap.servers": cluster.bootstrap(b), "group.id": "x"})
            try:
                t = md.list_topics("r3", timeout=5).topics["r3"]
                if t.error or len(t.partitions) != 3:
                    return False
                for p in t.partitions.values():
                    if sorted(p.replicas) != [0, 1, 2] or p.error:
                        return False
                    leaders.add(p.leader)
            finally:
                md.close()
        return leaders == {0, 1, 2}
    testlib.wait_for(consistent, 20, what="consistent metadata on all brokers")

    p = Producer({"bootstrap.servers": bs, "acks": "all"})
    for i in range(300):
        p.produce("r3", key=b"k%d" % i, value=b"v%d" % i, partition=i % 3)
    assert p.flush(20) == 0
    c = Consumer({"bootstrap.servers": bs, "group.id": "x", "enable.auto.commit": False})
    c.assign([TopicPartition("r3", i, 0) for i in range(3)])
    got = set()
    deadline = time.monotonic() + 20
    while len(got) < 300 and time.monotonic() < deadline:
        m = c.poll(0.5)
        if m is not None and not m.error():
            got.add(m.key())
    c.close()
    assert len(got) == 300
    for b in range(3):
        for part in range(3):
            assert os.path.isdir(os.path.join(cluster.brokers[b]["logdir"], f"r3-{part}"))

    for f in admin.delete_topics(["r3"], operation_timeout=15).values():
        f.result()

    def logs_gone():
        return not any(os.path.exists(os.path.join(cluster.brokers[b]["logdir"], f"r3-{p}"))
                       for b in range(3) for p in range(3))
    testlib.wait_for(logs_gone, 15, what="logs deleted on every broker")


@pytest.mark.timeout(90)
def test_expired_zookeeper_session_is_replaced_and_broker_re_registers(cluster):
    from kazoo.client import KazooClient
    info = cluster.start_broker(0, overrides={"zookeeper.session.timeout.ms": "2000"})
    bs = cluster.bootstrap()
    assert kcat("-b", bs, "-P", "-t", "exp", input=b"one\n").returncode == 0
    zk = KazooClient(hosts=f"127.0.0.1:{cluster.zk_port}")
    zk.start(timeout=10)
    try:
        os.kill(info["proc"].pid, signal.SIGSTOP)
        try:
            testlib.wait_for(lambda: not zk.exists("/kafka/brokers/ids/0"), 20,
                             what="session expiry")
        finally:
            os.kill(info["proc"].pid, signal.SIGCONT)
        testlib.wait_for(lambda: zk.exists("/kafka/brokers/ids/0"), 20, what="re-registration")
    finally:
        zk.stop()
        zk.close()
    assert info["proc"].poll() is None
    assert kcat("-b", bs, "-P", "-t", "exp", input=b"two\n").returncode == 0
    r = kcat("-b", bs, "-C", "-t", "exp", "-o", "beginning", "-e")
    assert r.stdout.decode().split() == ["one", "two"]


@pytest.mark.timeout(60)
def test_produce_v0_to_v2_layouts(one_broker):
    """Produce is advertised from v0 (librdkafka 2.0.2 compresses only then): the old
    layouts are read and answered; record batches are accepted, old message sets not."""
    bs = one_broker.bootstrap()
    assert kcat("-b", bs, "-P", "-t", "old", input=b"seed\n").returncode == 0
    port = one_broker.port(0)
    for version in (0, 1, 2):
        part = produce_raw(port, "old", 0, batch(), version=version)
        assert part[1] == 0, (version, part)
    from kafka.record.memory_records import MemoryRecordsBuilder
    b = MemoryRecordsBuilder(magic=1, compression_type=0, batch_size=1 << 20)
    b.append(timestamp=None, key=b"k", value=b"v", headers=[])
    b.close()
    assert produce_raw(port, "old", 0, bytes(b.buffer()), version=2)[1] == 2
    assert end_offset(bs, "old") == 1 + 3 * 3


@pytest.mark.timeout(60)
def test_librdkafka_compresses_gzip(one_broker):
    bs = one_broker.bootstrap()
    lines = b"".join(b"k%d:%s\n" % (i, b"x" * 200) for i in range(5000))
    assert kcat("-b", bs, "-P", "-t", "gz", "-K:", "-z", "gzip", input=lines).returncode == 0
    logdir = os.path.join(one_broker.brokers[0]["logdir"], "gz-0")
    size = sum(os.path.getsize(os.path.join(logdir, f)) for f in os.listdir(logdir)
               if f.endswith(".log"))
    assert size < len(lines) // 5, f"{size} bytes stored: batches were not compressed"
    r = kcat("-b", bs, "-C", "-t", "gz", "-o", "beginning", "-e", "-f", "%k:%s\n")
    assert r.stdout == lines

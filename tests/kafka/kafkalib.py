"""Helpers for the kafka-server compatibility, crash and bad-input suites.

Servers are started with tests/broker/broker_cluster.py (imported, not copied);
this module adds what the suites share: the record set every client round-trips,
an assign-based confluent-kafka reader, the exact round-trip check, kcat and node
runners, and hand-built protocol frames (record batch v2 with CRC-32C, Produce v3,
ListOffsets v1, ApiVersions, Metadata) for the bad-input tests.
"""
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import time
from collections import namedtuple

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
for _p in (TESTS, os.path.join(TESTS, "broker"), os.path.join(TESTS, "zookeeper")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import testlib  # noqa: E402

NODE_MODULES = os.path.join(TESTS, "node", "node_modules")
NODE_DIR = os.path.join(HERE, "node")
BROKER_REL = "daemon/broker/kafka-server"
ZK_REL = "daemon/zookeeper/zookeeper-server"
N_RECORDS = 10000

Rec = namedtuple("Rec", "partition offset key value headers")


def built(rel):
    try:
        import broker_cluster
        broker_cluster.find_binary(rel)
        return True
    except (FileNotFoundError, ImportError):
        return False


def skip_unless_built():
    import pytest
    if not built(BROKER_REL):
        pytest.skip("kafka-server not built")
    if not built(ZK_REL):
        pytest.skip("zookeeper-server not built")


BASE_OVERRIDES = {
    "num.partitions": "3",
    "default.replication.factor": "1",
    "offsets.topic.replication.factor": "1",
    "auto.create.topics.enable": "true",
}


def start_cluster(procs, tmp, num_brokers=1, overrides=None, zk="ours"):
    """A broker_cluster.Cluster with ZooKeeper ("ours" or "apache") and brokers started."""
    import broker_cluster
    c = broker_cluster.Cluster(procs, tmp)
    if zk == "ours":
        c.start_zookeeper()
    else:
        import zkharness
        server = zkharness.ZkServer("apache", tmp / "apache-zk", tick_time=500)
        server.start(procs, timeout=60)
        c.zk_port = server.port
        c.zk_server = server
    merged = dict(BASE_OVERRIDES, **(overrides or {}))
    for b in range(num_brokers):
        c.start_broker(b, overrides=merged)
        wait_controller_known(c.port(b))
    c.overrides = merged
    return c


def controller_id(port):
    """The controller id a broker reports in Metadata v1 (-1 while none is known)."""
    with Conn(port) as c:
        body = c.call(3, 1, struct.pack(">i", 0))
    pos = 0
    (n,) = struct.unpack_from(">i", body, pos)
    pos += 4
    for _ in range(n):
        pos += 4
        (ln,) = struct.unpack_from(">h", body, pos)
        pos += 2 + ln + 4
        (ln,) = struct.unpack_from(">h", body, pos)
        pos += 2 + max(ln, 0)
    return struct.unpack_from(">i", body, pos)[0]


def wait_controller_known(port, timeout=20):
    """Waits until the broker names a controller. Right after "started" a broker may
    still answer Metadata with controller_id -1 (the election is asynchronous, as in
    Kafka); librdkafka 2.0.2's AdminClient that sees -1 waits for a controller without
    asking again and times out, so fixtures start tests only once one is known."""
    testlib.wait_for(lambda: controller_id(port) >= 0, timeout, what="controller elected")



# --- the record set --------------------------------------------------------
# Identical in tests/kafka/node/records.js: keys k00000.., values of varying length
# (compressible), two headers per record.

def make_records(prefix, n=N_RECORDS):
    out = []
    for i in range(n):
        key = b"k%05d" % i
        value = ("%s-v%d-" % (prefix, i) + "abcdefghij" * (1 + i % 8)).encode()
        headers = [("h", b"h%d" % i), ("i", str(i).encode())]
        out.append((key, value, headers))
    return out


# --- reading back ----------------------------------------------------------

def norm_headers(h):
    return [(k, bytes(v) if v is not None else None) for k, v in (h or [])]


def consume_confluent(bs, topic, partitions, n, timeout=60):
    """Reads partitions from offset 0 with an assign-based confluent-kafka Consumer
    until n records arrived; returns (records, {partition: high watermark})."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": bs, "group.id": "kafka-tests-unused",
                  "enable.auto.commit": False, "fetch.wait.max.ms": 100,
                  "enable.partition.eof": False})
    try:
        c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
        out = []
        deadline = time.monotonic() + timeout
        errors = []
        while len(out) < n and time.monotonic() < deadline:
            for m in c.consume(2000, 0.5):
                if m.error():
                    errors.append(str(m.error()))
                    continue
                out.append(Rec(m.partition(), m.offset(), m.key(), m.value(),
                               norm_headers(m.headers())))
        assert len(out) >= n, f"read {len(out)} of {n} records in {timeout}s; errors {errors[:5]}"
        marks = {}
        for p in range(partitions):
            low, high = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            assert low == 0, f"partition {p} log start {low}"
            marks[p] = high
        return out, marks
    finally:
        c.close()


def verify_exact(sent, consumed, marks=None, placement=None, batch_reports=None):
    """The exact round-trip check.

    sent: [(key, value, headers)] in send order (keys unique).
    consumed: [Rec]. marks: {partition: high watermark} (no extra records).
    placement: {index: (partition, offset)} from per-record delivery reports.
    batch_reports: [((start, end), {partition: base_offset})] for clients that
    report one base offset per partition per send (kafkajs, platformatic).
    """
    index = {k: i for i, (k, _, _) in enumerate(sent)}
    seen = set()
    by_part = {}
    for r in consumed:
        assert r.key in index, f"unexpected key {r.key!r} at {r.partition}/{r.offset}"
        i = index[r.key]
        assert i not in seen, f"record {r.key!r} read twice"
        seen.add(i)
        _, value, headers = sent[i]
        assert r.value == value, f"value of {r.key!r}: {r.value!r} != {value!r}"
        assert norm_headers(r.headers) == norm_headers(headers), \
            f"headers of {r.key!r}: {r.headers!r} != {headers!r}"
        by_part.setdefault(r.partition, []).append((r.offset, i))
    assert len(seen) == len(sent), f"{len(sent) - len(seen)} record(s) missing"
    where = {}
    for p, rows in by_part.items():
        rows.sort()
        offsets = [o for o, _ in rows]
        assert offsets == list(range(len(rows))), \
            f"partition {p}: offsets not 0..{len(rows) - 1} (first {offsets[:5]})"
        order = [i for _, i in rows]
        assert order == sorted(order), f"partition {p}: records out of send order"
        for o, i in rows:
            where[i] = (p, o)
    if marks is not None:
        expected_marks = {p: len(rows) for p, rows in by_part.items()}
        for p, high in marks.items():
            assert high == expected_marks.get(p, 0), \
                f"partition {p}: high watermark {high}, read {expected_marks.get(p, 0)}"
    if placement is not None:
        wrong = [(i, placement[i], where[i]) for i in range(len(sent)) if placement[i] != where[i]]
        assert not wrong, f"{len(wrong)} record(s) not where the producer reported, e.g. {wrong[:3]}"
    if batch_reports is not None:
        for (start, end), bases in batch_reports:
            firsts = {}
            for i in range(start, end):
                p, o = where[i]
                firsts[p] = min(firsts.get(p, o), o)
            assert firsts == bases, f"send of records {start}..{end - 1}: reported base " \
                                    f"offsets {bases}, stored at {firsts}"
    return by_part


# --- peers -----------------------------------------------------------------

def kcat(*args, input=None, timeout=60):
    return subprocess.run(["kcat", *args], input=input, capture_output=True, timeout=timeout)


def node_available():
    return shutil.which("node") is not None and os.path.isdir(os.path.join(NODE_MODULES, "kafkajs"))


def platformatic_available():
    return shutil.which("node") is not None and \
        os.path.isdir(os.path.join(NODE_MODULES, "@platformatic", "kafka"))


def run_node(script, bootstrap, ops, timeout=120):
    """Runs tests/kafka/node/<script> with a list of operations; returns its JSON results."""
    env = dict(os.environ, KAFKA_NODE_MODULES=NODE_MODULES, KAFKAJS_NO_PARTITIONER_WARNING="1")
    r = subprocess.run(["node", os.path.join(NODE_DIR, script), bootstrap, json.dumps(ops)],
                       capture_output=True, timeout=timeout, env=env)
    assert r.returncode == 0, f"{script} failed: {r.stderr.decode(errors='replace')[-3000:]}"
    return json.loads(r.stdout.decode().strip().splitlines()[-1])


def create_topic_confluent(bs, topic, partitions, rf=1):
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": bs})
    for f in admin.create_topics([NewTopic(topic, partitions, rf)], operation_timeout=15).values():
        f.result(30)


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


# --- wire encoding ---------------------------------------------------------

def _crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _CRC32C[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def varint(n):
    """Zig-zag varint (record fields)."""
    return uvarint((n << 1) ^ (n >> 63))


def uvarint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def record_v2(offset_delta, key, value, headers=(), ts_delta=0):
    body = b"\x00" + varint(ts_delta) + varint(offset_delta)
    body += varint(-1) if key is None else varint(len(key)) + key
    body += varint(-1) if value is None else varint(len(value)) + value
    body += varint(len(headers))
    for hk, hv in headers:
        hk = hk.encode() if isinstance(hk, str) else hk
        body += varint(len(hk)) + hk + (varint(-1) if hv is None else varint(len(hv)) + hv)
    return varint(len(body)) + body


def record_batch(records, base_ts=1700000000000, codec=0, compressed_payload=None,
                 count=None, last_offset_delta=None):
    """A magic-2 record batch with a correct CRC-32C. records: [(key, value, headers)].
    compressed_payload replaces the record bytes (attributes get `codec`)."""
    payload = compressed_payload if compressed_payload is not None else \
        b"".join(record_v2(i, k, v, h) for i, (k, v, h) in enumerate(records))
    n = len(records) if count is None else count
    lod = (len(records) - 1) if last_offset_delta is None else last_offset_delta
    after_crc = struct.pack(">hiqqqhii", codec, lod, base_ts, base_ts, -1, -1, -1, n) + payload
    crc = crc32c(after_crc)
    after_len = struct.pack(">ib", 0, 2) + struct.pack(">I", crc) + after_crc
    return struct.pack(">qi", 0, len(after_len)) + after_len


def kstring(s):
    if s is None:
        return struct.pack(">h", -1)
    s = s.encode() if isinstance(s, str) else s
    return struct.pack(">h", len(s)) + s


def request(api_key, version, corr, body=b"", client_id=b"kafka-tests", flexible=False):
    """Request frame (with its 4-byte size) with header v1, or v2 when flexible."""
    hdr = struct.pack(">hhi", api_key, version, corr) + kstring(client_id)
    if flexible:
        hdr += b"\x00"
    payload = hdr + body
    return struct.pack(">i", len(payload)) + payload


def produce_v3_body(topic, partition, records_bytes, acks=-1, timeout_ms=5000):
    return (kstring(None) + struct.pack(">hi", acks, timeout_ms) + struct.pack(">i", 1) +
            kstring(topic) + struct.pack(">i", 1) + struct.pack(">i", partition) +
            struct.pack(">i", len(records_bytes)) + records_bytes)


def parse_produce_v3(resp):
    """resp = payload after the correlation id; returns [(partition, error, base_offset)]."""
    pos = 0
    (nt,) = struct.unpack_from(">i", resp, pos)
    pos += 4
    out = []
    for _ in range(nt):
        (ln,) = struct.unpack_from(">h", resp, pos)
        pos += 2 + ln
        (np_,) = struct.unpack_from(">i", resp, pos)
        pos += 4
        for _ in range(np_):
            part, err, base, _ts = struct.unpack_from(">ihqq", resp, pos)
            pos += 22
            out.append((part, err, base))
    return out


def list_offsets_v1_body(topic, partition, ts=-1):
    return (struct.pack(">i", -1) + struct.pack(">i", 1) + kstring(topic) +
            struct.pack(">i", 1) + struct.pack(">iq", partition, ts))


def parse_list_offsets_v1(resp):
    pos = 4
    (ln,) = struct.unpack_from(">h", resp, pos)
    pos += 2 + ln + 4
    part, err, _ts, off = struct.unpack_from(">ihqq", resp, pos)
    return err, off


def metadata_v1_body(topics=None):
    if topics is None:
        return struct.pack(">i", -1)
    return struct.pack(">i", len(topics)) + b"".join(kstring(t) for t in topics)


class Conn:
    """A raw client connection to a broker port."""

    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.corr = 0

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        self.sock.sendall(data)

    def call(self, api_key, version, body=b"", flexible=False):
        """Sends one request; returns the payload after the correlation id (None if closed)."""
        self.corr += 1
        self.send(request(api_key, version, self.corr, body, flexible=flexible))
        resp = self.read_frame()
        if resp is None:
            return None
        (corr,) = struct.unpack(">i", resp[:4])
        assert corr == self.corr, f"correlation id {corr} != {self.corr}"
        return resp[4:]

    def read_exact(self, n):
        buf = bytearray()
        while len(buf) < n:
            try:
                chunk = self.sock.recv(n - len(buf))
            except ConnectionResetError:
                return None
            if not chunk:
                return None
            buf += chunk
        return bytes(buf)

    def read_frame(self):
        size = self.read_exact(4)
        if size is None:
            return None
        (n,) = struct.unpack(">i", size)
        return self.read_exact(n)

    def closed_by_peer(self, timeout=5.0):
        """True when the broker closes the connection (EOF/reset) within timeout;
        any bytes it sends before are ignored."""
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                self.sock.settimeout(max(0.01, deadline - time.monotonic()))
                if not self.sock.recv(65536):
                    return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
        return False


def probe(port, topic=None, limit=1.0):
    """A well-behaved client on a fresh connection: ApiVersions v0 then Metadata v1.
    Returns the elapsed seconds; asserts both answered without error within `limit`."""
    start = time.monotonic()
    with Conn(port, timeout=limit + 1) as c:
        av = c.call(18, 0)
        assert av is not None and struct.unpack(">h", av[:2])[0] == 0, "ApiVersions failed"
        md = c.call(3, 1, metadata_v1_body([topic] if topic else None))
        assert md is not None, "Metadata failed"
    elapsed = time.monotonic() - start
    assert elapsed < limit, f"probe took {elapsed:.2f}s"
    return elapsed


def end_offset(port, topic, partition=0):
    with Conn(port) as c:
        err, off = parse_list_offsets_v1(c.call(2, 1, list_offsets_v1_body(topic, partition)))
    assert err == 0, f"ListOffsets error {err}"
    return off


# --- on-disk segments (common/log/FORMAT.md) ----------------------------------

CODEC_IDS = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}


def segment_batches(path):
    """[(position, base_offset, total_size, record_count, codec)] of the complete
    batches in a .log segment, stopping at the first incomplete one."""
    with open(path, "rb") as f:
        data = f.read()
    out, pos = [], 0
    while pos + 61 <= len(data):
        base, length = struct.unpack_from(">qi", data, pos)
        if length < 49 or pos + 12 + length > len(data):
            break
        (attributes,) = struct.unpack_from(">h", data, pos + 21)
        (count,) = struct.unpack_from(">i", data, pos + 57)
        out.append((pos, base, 12 + length, count, attributes & 7))
        pos += 12 + length
    return out


def records_by_codec(logdir, topic, partitions):
    """{codec id: number of records stored in batches with that codec}."""
    counts = {}
    for p in range(partitions):
        d = os.path.join(logdir, f"{topic}-{p}")
        for name in os.listdir(d):
            if name.endswith(".log"):
                for b in segment_batches(os.path.join(d, name)):
                    counts[b[4]] = counts.get(b[4], 0) + b[3]
    return counts


def assert_codec_on_disk(cluster, topic, partitions, codec, broker_id=0):
    """The batches are stored with the codec the client was asked to use (the broker
    stores batches as produced), so the round trip really exercised that codec.
    Clients send a batch uncompressed when compressing would not make it smaller
    (kafka-python does for a lone record), so a few uncompressed records may remain."""
    counts = records_by_codec(cluster.brokers[broker_id]["logdir"], topic, partitions)
    want = CODEC_IDS[codec]
    total = sum(counts.values())
    assert set(counts) <= {0, want}, f"records per codec on disk {counts}, expected {codec}"
    assert counts.get(want, 0) >= 0.95 * total, \
        f"records per codec on disk {counts}, expected (nearly) all {codec}"


# librdkafka 2.0.2 (kcat, confluent-kafka) compresses with gzip/snappy/lz4 only when
# the broker's advertised Produce range contains v0, and with lz4 only when its LZ4
# feature is on, which needs FindCoordinator v0 advertised; otherwise it logs "Broker
# does not support compression type <codec>: not compressing batch" and sends the
# batch uncompressed. zstd needs Produce v7 + Fetch v10.
def librdkafka_codec_param(codec):
    """The codec as a test parameter. lz4 was an xfail until the broker advertised
    FindCoordinator (librdkafka 2.0.2 turns its LZ4 feature on only then); kept as a
    function so the call sites read the same."""
    return codec


def wait_registration_gone(cluster, broker_id=0, timeout=30):
    """After SIGKILL the broker's ephemeral /brokers/ids/<id> lives until its ZooKeeper
    session expires; a restart before that fails registration (as Apache Kafka's
    checkedEphemeralCreate does), so crash tests wait for the expiry first."""
    from kazoo.client import KazooClient
    zk = KazooClient(hosts=f"127.0.0.1:{cluster.zk_port}", timeout=10)
    zk.start(timeout=10)
    try:
        testlib.wait_for(lambda: not zk.exists(f"/kafka/brokers/ids/{broker_id}"), timeout,
                         interval=0.1, what=f"/brokers/ids/{broker_id} to expire")
    finally:
        zk.stop()
        zk.close()


def restart_broker(cluster, broker_id=0):
    wait_registration_gone(cluster, broker_id)
    cluster.start_broker(broker_id, overrides=cluster.overrides)
    wait_controller_known(cluster.port(broker_id))

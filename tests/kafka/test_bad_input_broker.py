"""Bad input against kafka-server (RELIABILITY.md §7.6 B1-B11, B15). For every
case: the broker stays up, the offending connection is closed or answered with an
error, a well-behaved client on another connection (ApiVersions + Metadata) is
served within 1 s, and memory stays bounded (VmRSS within baseline + 64 MiB)."""
import socket
import struct
import threading
import time
import zlib

import pytest

import testlib
from kafkalib import (Conn, create_topic_confluent, end_offset, fd_count, kstring, make_records,
                      parse_produce_v3, probe, produce_v3_body, record_batch, record_v2,
                      request, rss_kb, uvarint, varint)

FRAME_CAP = 104857600  # socket.request.max.bytes (default)
READ_TIMEOUT_MS = 2000  # socket.request.read.timeout.ms: partial-frame deadline (B2)
BROKER_OVERRIDES = {"socket.request.read.timeout.ms": str(READ_TIMEOUT_MS)}
RSS_BOUND_KB = 64 * 1024
TOPIC = "bad"


@pytest.fixture(scope="module")
def broker(kafka_cluster):
    create_topic_confluent(kafka_cluster.bootstrap(), TOPIC, 1)
    info = kafka_cluster.brokers[0]
    info["baseline_rss"] = rss_kb(info["proc"].pid)
    info["baseline_fds"] = fd_count(info["proc"].pid)
    return kafka_cluster


def port(cluster):
    return cluster.port(0)


def pid(cluster):
    return cluster.brokers[0]["proc"].pid


def healthy(cluster):
    """Alive, a fresh client is served within 1 s, RSS bounded."""
    assert cluster.brokers[0]["proc"].poll() is None, "broker died"
    probe(port(cluster), TOPIC)
    rss = rss_kb(pid(cluster))
    assert rss < cluster.brokers[0]["baseline_rss"] + RSS_BOUND_KB, f"VmRSS {rss} kB"


def raw(cluster, data, close_within=1.0):
    """Sends raw bytes on a new connection; asserts the broker closes it within
    close_within seconds; returns the time it took."""
    s = socket.create_connection(("127.0.0.1", port(cluster)), timeout=5)
    c = Conn.__new__(Conn)
    c.sock, c.corr = s, 0
    try:
        start = time.monotonic()
        s.sendall(data)
        assert c.closed_by_peer(close_within + 4), f"connection not closed: {data[:40]!r}"
        took = time.monotonic() - start
        assert took < close_within, f"closed after {took:.2f}s"
        return took
    finally:
        s.close()


def error_lines(cluster):
    return sum(1 for line in cluster.log(0).splitlines() if " error " in line)


# --- framing --------------------------------------------------------------

@pytest.mark.timeout(60)
def test_b1_short_frame_then_close(broker):
    before = error_lines(broker)
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", port(broker)), timeout=5) as s:
            s.sendall(struct.pack(">i", 100) + b"x" * 10)
    healthy(broker)
    assert error_lines(broker) == before, "truncated frames logged at error level"


@pytest.mark.timeout(60)
def test_b2_short_frame_then_silence_closed_by_deadline(broker):
    with socket.create_connection(("127.0.0.1", port(broker)), timeout=5) as s:
        c = Conn.__new__(Conn)
        c.sock, c.corr = s, 0
        start = time.monotonic()
        s.sendall(struct.pack(">i", 100) + b"x" * 10)
        healthy(broker)  # served while the partial frame hangs
        assert c.closed_by_peer(READ_TIMEOUT_MS / 1000 + 5), "partial frame never timed out"
        took = time.monotonic() - start
    assert READ_TIMEOUT_MS / 1000 - 0.5 <= took <= READ_TIMEOUT_MS / 1000 + 3, took
    healthy(broker)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("size", [0x80000000, 0xFFFFFFFF])
def test_b3_negative_length_closed_at_once(broker, size):
    raw(broker, struct.pack(">I", size))
    healthy(broker)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("size", [0x7FFFFFFF, FRAME_CAP + 1])
def test_b4_huge_length_closed_without_allocating(broker, size):
    before = rss_kb(pid(broker))
    for _ in range(5):
        raw(broker, struct.pack(">i", size) + b"\0" * 64)
    after = rss_kb(pid(broker))
    assert after - before < 16 * 1024, f"VmRSS grew {before} -> {after} kB"
    healthy(broker)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("data", [struct.pack(">i", 0), struct.pack(">i", 3) + b"\0\x12\0",
                                  struct.pack(">i", 7) + struct.pack(">hhh", 18, 0, 0) + b"\0"],
                         ids=["zero", "3-bytes", "no-client-id"])
def test_b5_empty_or_short_header_closed(broker, data):
    raw(broker, data)
    healthy(broker)


TLS_CLIENT_HELLO = bytes.fromhex("16030100a5010000a10303") + b"\x11" * 32 + b"\x00\x00\x02\x13\x01\x01\x00"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("data", [b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", TLS_CLIENT_HELLO],
                         ids=["http", "tls"])
def test_b6_http_and_tls_on_plaintext_port(broker, data):
    # Read as lengths, "GET " is 1195725856 and the TLS record header 16 03 01 00 is
    # 369295616: both over the frame cap, so the connection is closed at once.
    raw(broker, data)
    healthy(broker)


# --- versions and keys ------------------------------------------------------

@pytest.mark.timeout(60)
@pytest.mark.parametrize("key,version", [(-1, 0), (999, 0), (32767, 0), (3, 99), (0, 99),
                                         (1, 99)])
def test_b7_unknown_key_or_version_closed(broker, key, version):
    raw(broker, request(key, version, 1))
    healthy(broker)


@pytest.mark.timeout(60)
def test_b7_api_versions_v99_gets_unsupported_version_in_v0_format(broker):
    # ApiVersions v3+ uses request header v2 (KIP-511), so a v99 request does too; Kafka
    # parses the header by the requested version and closes on a v1 header here.
    with Conn(port(broker)) as c:
        resp = c.call(18, 99, flexible=True)
        assert resp is not None, "connection closed instead of UNSUPPORTED_VERSION"
        error, count = struct.unpack_from(">hi", resp)
        assert error == 35
        assert 0 < count <= 100 and len(resp) >= 6 + 6 * count
        keys = {}
        for i in range(count):
            k, lo, hi = struct.unpack_from(">hhh", resp, 6 + 6 * i)
            keys[k] = (lo, hi)
        assert 18 in keys and keys[18][0] == 0 and keys[18][1] >= 3
        # The connection stays usable: the client retries with a version it knows.
        again = c.call(18, 0)
        assert again is not None and struct.unpack_from(">h", again)[0] == 0
    healthy(broker)


# --- malformed bodies -------------------------------------------------------

def closed_or_error(cluster, frame, parse_error):
    """The broker closes the connection, or answers with an error (parse_error(resp)
    returns the error code); either way within 1 s, and stays healthy."""
    with socket.create_connection(("127.0.0.1", port(cluster)), timeout=5) as s:
        c = Conn.__new__(Conn)
        c.sock, c.corr = s, 0
        s.settimeout(1.0)
        s.sendall(frame)
        try:
            resp = c.read_frame()
        except socket.timeout:
            pytest.fail("no answer and no close within 1 s")
        if resp is not None:
            assert parse_error(resp[4:]) != 0, f"accepted a malformed request: {resp!r}"
    healthy(cluster)


def av_error(body):
    return struct.unpack_from(">h", body)[0]


def produce_error(body):
    return parse_produce_v3(body)[0][1]


def md_v1(body_tail):
    return request(3, 1, 1, body_tail)


B8_CASES = {
    # Metadata v1 says one topic but the body ends.
    "body-cut-short": (md_v1(struct.pack(">i", 1)), None),
    # Metadata v1 topic name of length -2.
    "string-length-minus-2": (md_v1(struct.pack(">ih", 1, -2)), None),
    # Produce v3 whose records bytes claim 1000 bytes, 10 present.
    "bytes-beyond-frame": (request(0, 3, 1, kstring(None) + struct.pack(">hi", 1, 1000) +
                                   struct.pack(">i", 1) + kstring(TOPIC) +
                                   struct.pack(">ii", 1, 0) + struct.pack(">i", 1000) +
                                   b"\0" * 10), produce_error),
    # Metadata v1 with an array count of INT32_MAX in a 20-byte body.
    "array-count-int32-max": (md_v1(struct.pack(">i", 0x7FFFFFFF) + b"\0" * 16), None),
    # ApiVersions v3 (flexible) whose client_software_name length is a 6-byte varint.
    "six-byte-varint": (request(18, 3, 1, b"\xff\xff\xff\xff\xff\x01" + b"\x01\x00",
                                flexible=True), av_error),
    # ApiVersions v3 whose header carries one tagged field of size ~2^31.
    "huge-tagged-field": (None, av_error),
}


def huge_tagged_field_frame():
    hdr = struct.pack(">hhi", 18, 3, 1) + kstring(b"t") + uvarint(1) + uvarint(0) + \
        uvarint(0x7FFFFFF0) + b"abc"
    body = uvarint(2) + b"x" + uvarint(2) + b"1" + b"\x00"
    payload = hdr + body
    return struct.pack(">i", len(payload)) + payload


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", list(B8_CASES))
def test_b8_malformed_bodies(broker, case):
    frame, parse = B8_CASES[case]
    if case == "huge-tagged-field":
        frame = huge_tagged_field_frame()
    before = rss_kb(pid(broker))
    closed_or_error(broker, frame, parse or (lambda body: 0))
    assert rss_kb(pid(broker)) - before < 16 * 1024


# --- trailing garbage ---------------------------------------------------------

@pytest.mark.timeout(60)
def test_b9_valid_request_with_garbage_in_the_same_frame_is_closed(broker):
    frame = request(18, 0, 7)
    frame = struct.pack(">i", struct.unpack(">i", frame[:4])[0] + 6) + frame[4:] + b"junk!!"
    raw(broker, frame)
    healthy(broker)


@pytest.mark.timeout(60)
def test_b9_valid_frame_then_garbage_frame_first_answered_then_closed(broker):
    with Conn(port(broker)) as c:
        c.send(request(18, 0, 41) + struct.pack(">i", 12) + b"\xde\xad\xbe\xef" * 3)
        resp = c.read_frame()
        assert resp is not None and struct.unpack_from(">ih", resp) == (41, 0)
        assert c.closed_by_peer(2)
    healthy(broker)


# --- record batches -----------------------------------------------------------

def produce(cluster, records_bytes):
    with Conn(port(cluster)) as c:
        resp = c.call(0, 3, produce_v3_body(TOPIC, 0, records_bytes))
    assert resp is not None, "Produce closed the connection instead of answering"
    return parse_produce_v3(resp)[0]


def gzip_bomb(value_size):
    """A gzip-compressed batch payload holding one record whose value is value_size
    zero bytes, built by streaming (never materialised here)."""
    head = b"\x00" + varint(0) + varint(0) + varint(-1) + varint(value_size)
    body_len = len(head) + value_size + 1  # + headers count 0
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [z.compress(varint(body_len) + head)]
    chunk = b"\0" * (1 << 20)
    left = value_size
    while left:
        n = min(left, len(chunk))
        out.append(z.compress(chunk[:n]))
        left -= n
    out.append(z.compress(varint(0)))
    out.append(z.flush())
    return b"".join(out)


def corrupt(kind):
    recs = make_records("b10", 3)
    good = record_batch(recs)
    if kind == "crc":
        b = bytearray(good)
        b[-2] ^= 0x55
        return bytes(b)
    if kind == "length-too-long":
        b = bytearray(good)
        struct.pack_into(">i", b, 8, struct.unpack_from(">i", b, 8)[0] + 5)
        return bytes(b)
    if kind == "length-too-short":
        b = bytearray(good)
        struct.pack_into(">i", b, 8, struct.unpack_from(">i", b, 8)[0] - 10)
        return bytes(b)
    if kind == "count-mismatch":
        return record_batch(recs, count=5, last_offset_delta=4)
    if kind == "count-vs-delta":
        return record_batch(recs, count=5)
    if kind == "unknown-codec":
        payload = b"".join(record_v2(i, k, v, h) for i, (k, v, h) in enumerate(recs))
        return record_batch(recs, codec=5, compressed_payload=payload)
    if kind == "garbage-gzip":
        return record_batch(recs, codec=1, compressed_payload=b"not gzip at all" * 4)
    if kind == "bomb":
        return record_batch([(None, b"", [])], codec=1,
                            compressed_payload=gzip_bomb(160 << 20))
    if kind == "good-then-bad":
        b = bytearray(good)
        b[-2] ^= 0x55
        return good + bytes(b)
    raise ValueError(kind)


B10_EXPECTED = {
    "crc": {2}, "length-too-long": {2}, "length-too-short": {2}, "count-mismatch": {2, 87},
    "count-vs-delta": {2, 87}, "unknown-codec": {2, 76}, "garbage-gzip": {2},
    "bomb": {2, 10, 87}, "good-then-bad": {2},
}


@pytest.mark.timeout(60)
def test_b10_valid_batch_is_appended(broker):
    before = end_offset(port(broker), TOPIC)
    part, err, base = produce(broker, record_batch(make_records("ok", 3)))
    assert (part, err, base) == (0, 0, before)
    assert end_offset(port(broker), TOPIC) == before + 3


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", list(B10_EXPECTED))
def test_b10_corrupt_batch_refused_nothing_appended(broker, kind):
    before = end_offset(port(broker), TOPIC)
    part, err, _ = produce(broker, corrupt(kind))
    assert part == 0
    assert err in B10_EXPECTED[kind], f"{kind}: error {err}, expected {B10_EXPECTED[kind]}"
    assert end_offset(port(broker), TOPIC) == before, "corrupt batch was appended"
    healthy(broker)


# --- pipelining and resets --------------------------------------------------------

@pytest.mark.timeout(90)
def test_b11_pipelined_requests_answered_in_order_memory_bounded(broker):
    before = rss_kb(pid(broker))
    n = 1000
    frames = b"".join(request(18, 0, i) if i % 2 == 0 else
                      request(3, 1, i, struct.pack(">i", 1) + kstring(TOPIC)) for i in range(n))
    with Conn(port(broker), timeout=10) as c:
        sender = threading.Thread(target=c.send, args=(frames,))
        sender.start()
        # While this connection is not read, the broker keeps serving others.
        for _ in range(3):
            probe(port(broker), TOPIC)
        for i in range(n):
            resp = c.read_frame()
            assert resp is not None, f"closed after {i} responses"
            assert struct.unpack_from(">i", resp)[0] == i, f"response {i} out of order"
        sender.join(10)
    assert rss_kb(pid(broker)) - before < RSS_BOUND_KB
    healthy(broker)


def rst_close(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def fetch_v4_body(topic, partition, offset, max_wait_ms=1000):
    return (struct.pack(">iiiib", -1, max_wait_ms, 1, 1 << 20, 0) + struct.pack(">i", 1) +
            kstring(topic) + struct.pack(">i", 1) + struct.pack(">iqi", partition, offset, 1 << 20))


@pytest.mark.timeout(90)
def test_b15_reset_before_response(broker):
    end = end_offset(port(broker), TOPIC)
    reqs = [request(3, 1, 1, struct.pack(">i", -1)),
            request(0, 3, 1, produce_v3_body(TOPIC, 0, record_batch(make_records("rst", 2)))),
            request(1, 4, 1, fetch_v4_body(TOPIC, 0, end + 10_000, 500)),  # parks (long poll)
            request(1, 4, 1, fetch_v4_body(TOPIC, 0, 0))]
    for _ in range(20):
        for r in reqs:
            s = socket.create_connection(("127.0.0.1", port(broker)), timeout=5)
            s.sendall(r * 3)
            rst_close(s)
    # Long polls that were parked on reset connections expire without harm.
    time.sleep(0.6)  # not a sync point: just lets the 500 ms long polls time out
    healthy(broker)


@pytest.mark.timeout(60)
def test_fds_return_to_baseline(broker):
    base = broker.brokers[0]["baseline_fds"]
    testlib.wait_for(lambda: fd_count(pid(broker)) <= base + 2, 15,
                     what=f"fd count back to {base}")
    healthy(broker)

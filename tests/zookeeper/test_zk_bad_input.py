"""Hostile and malformed input on the client port (RELIABILITY.md B16).

For every case: the offending connection gets an error or is closed, the server
process stays alive, and a well-behaved client on another connection is served
within 1 s. Where Apache's exact answer is stable it is asserted too.
"""
import os
import socket
import time

import pytest

import testlib
import zkharness
from zkharness import (OP_CREATE, OP_GETDATA, OP_MULTI, OPEN_ACL, ZOK, RawZk, Reader, jacls, jbool,
                       jbuf, jint, jlong, jstr, probe)

pytestmark = pytest.mark.timeout(60)


def connect_body(timeout=4000, passwd=jbuf(b"\x00" * 16), last_zxid=0, tail=jbool(False)):
    return jint(0) + jlong(last_zxid) + jint(timeout) + jlong(0) + passwd + tail


def frame(body):
    return jint(len(body)) + body


def healthy(server):
    """The server is alive and a new client is served within 1 s. Up to 3 tries, so
    one scheduling hiccup on a shared 2-core machine is not a failure; a stuck
    server fails all of them."""
    assert server.alive(), f"server died; log tail:\n{server.log_tail()}"
    errors = []
    for _ in range(3):
        try:
            probe(server.port, timeout=1.0)
            return
        except (OSError, AssertionError, zkharness.ProtocolError) as e:
            errors.append(repr(e))
    raise AssertionError(f"probe failed 3 times: {errors}")


GET_ROOT = jint(1) + jint(OP_GETDATA) + jstr("/") + jbool(False)

PRE_CONNECT_CASES = {
    "negative_length": jint(-1),
    "min_int_length": jint(-2**31),
    "oversized_length": jint(2**31 - 1),
    "length_over_maxbuffer": jint(zkharness.JUTE_MAXBUFFER + 1) + b"x" * 64,
    "zero_length": jint(0),
    "garbage": b"\xde\xad\xbe\xef" * 8,
    "garbage_in_frame": jint(16) + b"\xde\xad\xbe\xef" * 4,
    "request_before_connect": frame(GET_ROOT),
    "passwd_length_huge": frame(connect_body(passwd=jint(2**30))),
    "passwd_length_negative": frame(connect_body(passwd=jint(-5))),
    "zxid_from_the_future": frame(connect_body(last_zxid=10**12)),
}


# Known gaps of our server per case: {case: reason} -> non-strict xfail for "ours".
PRE_CONNECT_GAPS = {}
POST_CONNECT_GAPS = {}


def cases(table, gaps):
    return [pytest.param(k, id=k, marks=[pytest.mark.xfail_ours(reason=gaps[k])] if k in gaps else [])
            for k in sorted(table)]


@pytest.mark.parametrize("case", cases(PRE_CONNECT_CASES, PRE_CONNECT_GAPS))
def test_bad_first_frame_closes(zk_server, case):
    with RawZk(zk_server.port) as c:
        c.send_raw(PRE_CONNECT_CASES[case])
        assert c.wait_closed(3.0), "server must close the connection"
    healthy(zk_server)


POST_CONNECT_CASES = {
    "negative_length": jint(-1),
    "oversized_length": jint(2**31 - 1),
    "length_over_maxbuffer": jint(zkharness.JUTE_MAXBUFFER + 1) + b"x" * 64,
}


@pytest.mark.parametrize("case", cases(POST_CONNECT_CASES, POST_CONNECT_GAPS))
def test_bad_length_after_connect_closes(zk_server, case):
    with RawZk(zk_server.port) as c:
        c.connect()
        c.send_raw(POST_CONNECT_CASES[case])
        assert c.wait_closed(3.0)
    healthy(zk_server)


MALFORMED_BODIES = {
    "truncated_header": jint(5) + jint(OP_GETDATA),
    "string_length_past_end": jint(5) + jint(OP_GETDATA) + jint(2**30) + b"abc",
    "negative_string_length": jint(5) + jint(OP_GETDATA) + jint(-7),
    "acl_count_huge": jint(5) + jint(OP_CREATE) + jstr("/x") + jbuf(b"") + jint(2**30),
    "multi_garbage": jint(5) + jint(OP_MULTI) + jint(1) + jbool(False) + jint(-1),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_BODIES))
def test_malformed_request_body(zk_server, case):
    """Apache answers ZMARSHALLINGERROR (-5) and keeps the connection; closing the
    connection instead is accepted here (see the strict variant below)."""
    with RawZk(zk_server.port) as c:
        c.connect()
        c.send_frame(MALFORMED_BODIES[case])
        try:
            xid, _, err, _ = c.read_reply()
            assert (xid, err) == (5, zkharness.ZMARSHALLINGERROR)
        except (zkharness.ProtocolError, ConnectionResetError):
            pass  # closed: also acceptable
    healthy(zk_server)


def test_malformed_request_body_strict(zk_server):
    with RawZk(zk_server.port) as c:
        c.connect()
        for body in MALFORMED_BODIES.values():
            c.send_frame(body)
            xid, _, err, _ = c.read_reply()
            assert (xid, err) == (5, zkharness.ZMARSHALLINGERROR)
        err, r = c.request(zkharness.OP_EXISTS, jstr("/") + jbool(False))
        assert err == ZOK, "the connection stays usable"
        c.close_session()


def test_unknown_opcode_error_or_close(zk_server):
    with RawZk(zk_server.port) as c:
        c.connect()
        c.send_request(4242)
        try:
            xid, _, err, _ = c.read_reply()
            assert err != ZOK
        except (zkharness.ProtocolError, ConnectionResetError):
            pass
    healthy(zk_server)


def test_invalid_create_flags(zk_server):
    with RawZk(zk_server.port) as c:
        c.connect()
        err, _ = c.request(OP_CREATE, jstr("/badflags") + jbuf(b"") + jacls(OPEN_ACL) + jint(77))
        assert err == zkharness.ZBADARGUMENTS
        c.close_session()
    healthy(zk_server)


def test_odd_connect_requests_get_sessions(zk_server):
    """A 100-byte password and a missing readOnly flag (old clients) are accepted;
    the reply carries the readOnly byte only if the request did."""
    for passwd, tail, reply_len in ((jbuf(b"x" * 100), jbool(False), 37),
                                    (jbuf(b"\x00" * 16), b"", 36)):
        with RawZk(zk_server.port) as c:
            c.send_frame(connect_body(passwd=passwd, tail=tail))
            reply = c.recv_frame()
            assert len(reply) == reply_len
            r = Reader(reply)
            r.int()
            assert r.int() > 0 and r.long() != 0 and len(r.buf()) == 16
            err, _ = c.request(zkharness.OP_EXISTS, jstr("/") + jbool(False))
            assert err == ZOK
            c.close_session()
    healthy(zk_server)


def test_absurd_session_timeouts_are_bounded(zk_server):
    t = zk_server.tick_time
    for asked, granted in ((-1, 2 * t), (0, 2 * t), (2**31 - 1, 20 * t)):
        with RawZk(zk_server.port) as c:
            c.connect(session_timeout_ms=asked)
            assert c.negotiated_timeout == granted, asked
            c.close_session()


def test_truncated_frame_then_close(zk_server):
    for _ in range(20):
        with RawZk(zk_server.port) as c:
            c.send_raw(jint(100) + b"y" * 10)
        with RawZk(zk_server.port) as c:
            c.connect()
            c.send_raw(jint(100) + jint(7) + jint(OP_GETDATA))
    healthy(zk_server)


def test_partial_frame_does_not_block_others(zk_server):
    """A connection stuck in the middle of a frame (slowloris) must not stall others."""
    stuck = []
    try:
        for _ in range(10):
            s = socket.create_connection(("127.0.0.1", zk_server.port), timeout=5)
            s.sendall(jint(200) + b"z" * 20)
            stuck.append(s)
        with RawZk(zk_server.port) as c:
            c.connect()
            c.send_raw(jint(50) + b"\x00" * 10)  # a session mid-request
            for _ in range(3):
                healthy(zk_server)
    finally:
        for s in stuck:
            s.close()
    healthy(zk_server)


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def test_many_connections_bounded(zk_server):
    base_fds = fd_count(zk_server.proc.pid)
    idle, sessions = [], []
    try:
        for _ in range(300):
            idle.append(socket.create_connection(("127.0.0.1", zk_server.port), timeout=5))
        for _ in range(50):
            c = RawZk(zk_server.port)
            c.connect(session_timeout_ms=4000)
            sessions.append(c)
        healthy(zk_server)
        for c in sessions[:10]:
            err, _ = c.request(zkharness.OP_EXISTS, jstr("/") + jbool(False))
            assert err == ZOK
    finally:
        for s in idle:
            s.close()
        for c in sessions:
            c.close_session()
            c.close()
    healthy(zk_server)
    if base_fds is not None:
        testlib.wait_for(lambda: fd_count(zk_server.proc.pid) <= base_fds + 10, 10,
                         what="fd count back to baseline")


def test_rapid_connect_disconnect(zk_server):
    start = time.monotonic()
    for i in range(200):
        try:
            s = socket.create_connection(("127.0.0.1", zk_server.port), timeout=5)
        except OSError:
            continue  # a connect refused under the burst is not a failure; health is
        if i % 2:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST
        s.close()
    assert time.monotonic() - start < 20
    healthy(zk_server)


def test_max_client_cnxns_per_ip(procs, zk_server, tmp_path):
    """maxClientCnxns=5: a sixth connection from 127.0.0.1 is closed without an
    answer; once one closes, a new one is served."""
    s = zkharness.ZkServer(zk_server.kind, tmp_path, max_client_cnxns=5).start(procs)
    conns = []
    try:
        for _ in range(5):
            c = RawZk(s.port)
            c.connect(session_timeout_ms=4000)
            conns.append(c)
        try:
            extra = RawZk(s.port)
        except OSError:
            extra = None  # refused while connecting: also a refusal
        if extra is not None:
            with extra:
                try:
                    extra.send_frame(connect_body())
                except OSError:
                    pass
                assert extra.wait_closed(3.0)
        conns.pop().close()
        testlib.wait_for(lambda: probe(s.port, timeout=1.0) or True, 5, what="slot freed")
    finally:
        for c in conns:
            c.close()


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def test_partial_big_frames_memory_bounded(zk_server):
    """150 sessions each stop 900 KB into a frame just under jute.maxbuffer. The server
    stays available; ours must also keep its RSS within baseline + 64 MiB (by
    capping buffered bytes, pausing reads or closing); Apache (JVM heap) is not held
    to that bound."""
    pid = zk_server.proc.pid
    base_rss = rss_mib(pid)
    conns = []
    peak = base_rss
    try:
        for _ in range(150):
            c = RawZk(zk_server.port, timeout=10)
            try:
                c.connect(session_timeout_ms=30000)
                c.send_raw(jint(zkharness.JUTE_MAXBUFFER - 100) + b"z" * (900 * 1024))
            except (OSError, zkharness.ProtocolError):
                pass  # refused or closed by the server: allowed
            conns.append(c)
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            peak = max(peak, rss_mib(pid))
            time.sleep(0.05)
        healthy(zk_server)
    finally:
        for c in conns:
            c.close()
    healthy(zk_server)
    if zk_server.kind == "ours":
        assert peak - base_rss <= 64, f"RSS grew {peak - base_rss:.0f} MiB"


def test_client_not_reading_replies(zk_server, base):
    """One session pipelines 300 reads of a 1 MB node and never reads the replies:
    the server must not queue 300 MB (Apache stops reading from it, ours pauses and
    closes it past a per-connection cap) and keeps serving others."""
    p = f"{base}/big"
    with RawZk(zk_server.port) as c:
        c.connect()
        assert c.request(OP_CREATE, zkharness.create_body(p, b"b" * 1_000_000))[0] == ZOK
        c.close_session()
    pid = zk_server.proc.pid
    base_rss = rss_mib(pid)
    c = RawZk(zk_server.port, timeout=10)
    try:
        c.connect(session_timeout_ms=30000)
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        batch = b"".join(frame(jint(i + 1) + jint(OP_GETDATA) + jstr(p) + jbool(False))
                         for i in range(300))
        try:
            c.send_raw(batch)
        except OSError:
            pass  # closed by the server: allowed
        peak = base_rss
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            peak = max(peak, rss_mib(pid))
            time.sleep(0.05)
        healthy(zk_server)
        assert peak - base_rss <= 80, f"RSS grew {peak - base_rss:.0f} MiB"
    finally:
        c.close()
    healthy(zk_server)

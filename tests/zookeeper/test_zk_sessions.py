"""Sessions: timeout negotiation, TCP drop vs expiry, reattach, close.

The server runs with tickTime=500 so sessions are bounded to [1 s, 10 s] and expiry
tests finish in a few seconds. Session clients that must die abruptly run in a
subprocess killed with SIGKILL.
"""
import os
import threading
import time

import pytest

pytest.importorskip("kazoo", reason="python3-kazoo not installed")
from kazoo.protocol.states import EventType, KazooState

import testlib
import zkharness
from zkharness import RawZk, Reader, jbool, jbuf, jint, jlong

# Client-API conformance: also runs through a three-host string (README.md).
ZK_KINDS = ["apache", "ours", "apache-ensemble", "ours-ensemble"]

ZK_TICK_TIME = 500
pytestmark = pytest.mark.timeout(60)

CLIENT_SCRIPT = r"""
import os, sys, time
from kazoo.client import KazooClient

hosts, timeout, path, out = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
c = KazooClient(hosts=hosts, timeout=timeout)
c.start(timeout=10)
c.create(path, b"eph", ephemeral=True)
sid, pw = c.client_id
with open(out + ".tmp", "w") as f:
    f.write("%d %s %d" % (sid, pw.hex(), c._session_timeout))
os.rename(out + ".tmp", out)
while True:
    time.sleep(1)
"""


def start_session_client(procs, zk_server, tmp_path, path, timeout_s):
    """Runs a kazoo client in a subprocess that creates an ephemeral `path`;
    returns (process, session id, password, negotiated timeout ms)."""
    out = str(tmp_path / f"session-{os.getpid()}-{time.monotonic_ns()}")
    p = procs.start(["/usr/bin/python3", "-c", CLIENT_SCRIPT, zk_server.hosts, str(timeout_s), path, out],
                    log_path=out + ".log")
    testlib.wait_for(lambda: os.path.exists(out), 15, what="session client ready")
    sid, pw, negotiated = open(out).read().split()
    return p, int(sid), bytes.fromhex(pw), int(negotiated)


def raw_connect_reply(port, session_id=0, passwd=b"\x00" * 16, timeout_ms=4000):
    """Sends a ConnectRequest; returns (negotiated timeout, session id, closed_after)."""
    with RawZk(port) as c:
        c.send_frame(jint(0) + jlong(0) + jint(timeout_ms) + jlong(session_id) + jbuf(passwd) + jbool(False))
        r = Reader(c.recv_frame())
        r.int()
        to, sid = r.int(), r.long()
        r.buf()
        if sid != 0:
            c.close_session()
            return to, sid, None
        return to, sid, c.wait_closed(3.0)


@pytest.mark.parametrize("asked,granted", [(100, 1000), (2000, 2000), (60000, 10000)])
def test_timeout_negotiation(zk_server, asked, granted):
    to, sid, _ = raw_connect_reply(zk_server.port, timeout_ms=asked)
    assert sid != 0 and to == granted, "bounded to [2*tickTime, 20*tickTime]"


def test_session_ids_unique_and_password_16_bytes(zk_server):
    seen = set()
    for _ in range(5):
        with RawZk(zk_server.port) as c:
            sid = c.connect(session_timeout_ms=2000)
            assert len(c.passwd) == 16
            seen.add(sid)
            c.close_session()
    assert len(seen) == 5


def test_ephemeral_survives_tcp_drop_and_reattach(procs, zk_server, zk, base, tmp_path):
    node = f"{base}/eph"
    p, sid, pw, negotiated = start_session_client(procs, zk_server, tmp_path, node, 4.0)
    assert negotiated == 4000
    procs.kill(p)
    time.sleep(0.5)  # a negative check: nothing may happen in this time
    zk.sync(base)  # another session's write: on an ensemble member, catch up first
    st = zk.exists(node)
    assert st is not None and st.ephemeralOwner == sid

    c = zkharness.kazoo_client(zk_server.hosts, timeout=4.0, client_id=(sid, pw))
    try:
        assert c.client_id[0] == sid
        assert c.exists(node).ephemeralOwner == sid
        assert c.get(node)[0] == b"eph"
        ev = threading.Event()
        zk.exists(node, watch=lambda e: ev.set() if e.type == EventType.DELETED else None)
    finally:
        c.stop()  # closeSession: ephemerals go at once
        c.close()
    zk.sync(base)  # another session's write: on an ensemble member, catch up first
    assert zk.exists(node) is None
    assert ev.wait(5)


def test_ephemeral_expires_after_timeout(procs, zk_server, zk, base, tmp_path, record_property):
    node = f"{base}/eph"
    p, sid, _, negotiated = start_session_client(procs, zk_server, tmp_path, node, 2.0)
    assert negotiated == 2000
    deleted = threading.Event()
    zk.sync(base)  # another session's write: on an ensemble member, catch up first
    assert zk.exists(node, watch=lambda e: deleted.set() if e.type == EventType.DELETED else None)
    t0 = time.monotonic()
    procs.kill(p)
    assert deleted.wait(10), "ephemeral of an expired session must go"
    elapsed = time.monotonic() - t0
    record_property("expiry_after_kill_s", round(elapsed, 3))
    # The session was last heard at most ~2/3 of its timeout before the kill; the
    # server expires it within one tick after timeout.
    assert 0.5 <= elapsed <= 2.0 + 2.0, f"expired after {elapsed:.2f}s (timeout 2 s)"
    assert zk.exists(node) is None


def test_expired_session_reattach(procs, zk_server, zk, base, tmp_path):
    node = f"{base}/eph"
    p, sid, pw, _ = start_session_client(procs, zk_server, tmp_path, node, 1.0)
    procs.kill(p)
    testlib.wait_for(lambda: zk.exists(node) is None, 10, what="session expiry")
    # Raw: the server answers timeout 0 / session 0 and closes.
    to, got_sid, closed = raw_connect_reply(zk_server.port, session_id=sid, passwd=pw)
    assert (to, got_sid) == (0, 0) and closed
    # kazoo: the reattach is told "session expired" and kazoo quietly makes a new
    # session (its listener only sees CONNECTED, as kazoo starts out LOST).
    c = zkharness.kazoo_client(zk_server.hosts, timeout=2.0, client_id=(sid, pw))
    try:
        assert c.state == KazooState.CONNECTED
        assert c.client_id[0] not in (0, sid)
        assert c.exists(node) is None
    finally:
        zkharness.stop_client(c)


def test_reattach_with_wrong_password_refused(zk_server):
    with RawZk(zk_server.port) as a:
        sid = a.connect(session_timeout_ms=4000)
        good = a.passwd
        bad = bytes(b ^ 0xFF for b in good)
        to, got, closed = raw_connect_reply(zk_server.port, session_id=sid, passwd=bad)
        assert (to, got) == (0, 0) and closed
    # Apache drops the session's current connection on any reattach attempt, but the
    # session itself survives and the right password still gets it.
    with RawZk(zk_server.port) as b:
        assert b.connect(session_timeout_ms=4000, session_id=sid, passwd=good) == sid
        err, _ = b.request(zkharness.OP_EXISTS, zkharness.jstr("/") + b"\x00")
        assert err == zkharness.ZOK
        b.close_session()


def test_close_removes_ephemerals_immediately(zk_server, zk, base):
    c = zkharness.kazoo_client(zk_server.hosts, timeout=4.0)
    nodes = [c.create(f"{base}/e", ephemeral=True, sequence=True) for _ in range(3)]
    zk.sync(base)  # c's writes: on an ensemble member, catch up first
    assert zk.exists(base).numChildren == 3
    c.stop()
    c.close()
    zk.sync(base)  # another session's write: on an ensemble member, catch up first
    assert zk.get_children(base) == []
    assert all(zk.exists(n) is None for n in nodes)


def test_ephemeral_owner_and_session_keepalive(zk_server, zk, base):
    """A live session with pings outlasts several timeouts."""
    c = zkharness.kazoo_client(zk_server.hosts, timeout=1.5)
    try:
        node = c.create(f"{base}/e", ephemeral=True)
        sid = c.client_id[0]
        deadline = time.monotonic() + 4.0
        while time.monotonic() < deadline:  # stays alive on pings alone
            time.sleep(0.25)
            assert c.state == KazooState.CONNECTED
        assert zk.exists(node).ephemeralOwner == sid
    finally:
        zkharness.stop_client(c)


def test_session_stuck_mid_frame_expires(zk_server, zk, base):
    """A client that stops in the middle of a frame stops pinging: its session
    expires after the timeout, its ephemeral goes and its connection is closed."""
    with RawZk(zk_server.port) as c:
        sid = c.connect(session_timeout_ms=1000)
        err, _ = c.request(zkharness.OP_CREATE, zkharness.create_body(f"{base}/eph", flags=1))
        assert err == zkharness.ZOK
        t0 = time.monotonic()
        c.send_raw(jint(100) + b"y" * 10)
        assert c.wait_closed(6.0), "connection of the expired session must be closed"
        elapsed = time.monotonic() - t0
        assert 0.5 <= elapsed <= 4.0, f"closed after {elapsed:.2f}s (timeout 1 s)"
    zk.sync(base)  # another session's expiry: on an ensemble member, catch up first
    assert zk.exists(f"{base}/eph") is None
    to, got, _ = raw_connect_reply(zk_server.port, session_id=sid, passwd=b"\x00" * 16)
    assert (to, got) == (0, 0)


def test_reattach_renegotiates_timeout_and_unknown_session_refused(zk_server):
    with RawZk(zk_server.port) as a:
        sid = a.connect(session_timeout_ms=2000)
        pw = a.passwd
    for asked, granted in ((60000, 10000), (1, 1000), (3000, 3000)):
        with RawZk(zk_server.port) as c:
            assert c.connect(session_timeout_ms=asked, session_id=sid, passwd=pw) == sid
            assert c.negotiated_timeout == granted
    with RawZk(zk_server.port) as c:
        assert c.connect(session_id=sid, passwd=pw) == sid
        c.close_session()
    to, got, closed = raw_connect_reply(zk_server.port, session_id=0x1234567, passwd=b"\x00" * 16)
    assert (to, got) == (0, 0) and closed

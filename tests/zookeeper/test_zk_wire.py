"""Wire-level details the Java client (and so Kafka) relies on, sent raw: null
data, pings, closeSession, session takeover by a new connection, auth replies."""
import pytest

import zkharness
from zkharness import (OP_CLOSE, OP_CREATE, OP_EXISTS, OP_GETDATA, OP_PING, OP_SETDATA, OPEN_ACL,
                       ZOK, RawZk, Reader, jacls, jbuf, jint, jstr)

pytestmark = pytest.mark.timeout(60)

OP_AUTH, AUTH_XID, ZAUTHFAILED = 100, -4, -115


def session(zk_server):
    c = RawZk(zk_server.port)
    c.connect()
    return c


def get_data_len(c, path):
    err, r = c.request(OP_GETDATA, jstr(path) + b"\x00")
    assert err == ZOK
    n = r.int()
    if n > 0:
        r.take(n)
    st = zkharness.read_stat(r)
    return n, st["dataLength"]


def test_null_data_stays_null(zk_server, base):
    """A null buffer (length -1) is kept as null: getData answers length -1, not an
    empty buffer; Java's getData then returns null rather than byte[0]."""
    p = f"{base}/nulldata"
    with session(zk_server) as c:
        err, _ = c.request(OP_CREATE, jstr(p) + jbuf(None) + jacls(OPEN_ACL) + jint(0))
        assert err == ZOK
        assert get_data_len(c, p) == (-1, 0)
        assert c.request(OP_SETDATA, jstr(p) + jbuf(b"") + jint(-1))[0] == ZOK
        assert get_data_len(c, p) == (0, 0)
        assert c.request(OP_SETDATA, jstr(p) + jbuf(None) + jint(-1))[0] == ZOK
        assert get_data_len(c, p) == (-1, 0)
        c.close_session()


def test_ping(zk_server):
    with session(zk_server) as c:
        c.send_request(OP_PING, b"", xid=-2)
        r = Reader(c.recv_frame())
        xid, zxid, err = r.int(), r.long(), r.int()
        assert (xid, err, r.remaining()) == (-2, ZOK, 0)
        assert zxid >= 0
        c.close_session()


def test_close_session_then_connection_closed(zk_server):
    with session(zk_server) as c:
        err, r = c.request(OP_CLOSE)
        assert err == ZOK and r.remaining() == 0
        assert c.wait_closed(3.0)


def test_session_takeover_closes_old_connection(zk_server):
    with session(zk_server) as a:
        with RawZk(zk_server.port) as b:
            assert b.connect(session_id=a.session_id, passwd=a.passwd) == a.session_id
            assert a.wait_closed(3.0), "the session's previous connection is closed"
            err, _ = b.request(OP_EXISTS, jstr("/") + b"\x00")
            assert err == ZOK
            b.close_session()


def auth(c, scheme, data):
    c.send_request(OP_AUTH, jint(0) + jstr(scheme) + jbuf(data), xid=AUTH_XID)
    r = Reader(c.recv_frame())
    xid, _, err = r.int(), r.long(), r.int()
    assert xid == AUTH_XID
    return err


def test_auth_unknown_scheme_fails_and_closes(zk_server):
    with session(zk_server) as c:
        assert auth(c, "nosuchscheme", b"x") == ZAUTHFAILED
        assert c.wait_closed(3.0)


def test_auth_lenient_cases(zk_server):
    """Apache accepts a digest credential without ':' and the 'ip' scheme (which
    takes the address from the socket)."""
    with session(zk_server) as c:
        assert auth(c, "digest", b"nocolon") == ZOK
        assert auth(c, "ip", b"1.2.3.4") == ZOK
        err, _ = c.request(OP_EXISTS, jstr("/") + b"\x00")
        assert err == ZOK
        c.close_session()


def multi_header(op, done=False, err=-1):
    return jint(op) + zkharness.jbool(done) + jint(err)


def test_multi_create2_result_shape(zk_server, base):
    p = f"{base}/c2"
    with session(zk_server) as c:
        err, r = c.request(zkharness.OP_MULTI, multi_header(zkharness.OP_CREATE2) +
                           zkharness.create_body(p) + multi_header(-1, True, -1))
        assert err == ZOK
        assert (r.int(), r.bool(), r.int()) == (zkharness.OP_CREATE, False, 0)
        assert r.str() == p
        assert (r.int(), r.bool(), r.int()) == (-1, True, -1)
        c.close_session()


def test_plain_create_with_container_flag(zk_server, base):
    p = f"{base}/box"
    with session(zk_server) as c:
        err, r = c.request(OP_CREATE, zkharness.create_body(p, flags=4))
        assert err == ZOK and r.str() == p
        c.close_session()


def test_multi_edge_cases(zk_server, base):
    with session(zk_server) as c:
        # An empty multi succeeds with just the end marker.
        err, r = c.request(zkharness.OP_MULTI, multi_header(-1, True, -1))
        assert err == ZOK and (r.int(), r.bool(), r.int()) == (-1, True, -1) and r.remaining() == 0
        # A read inside multi is a marshalling error.
        err, _ = c.request(zkharness.OP_MULTI, multi_header(OP_GETDATA) + jstr("/") + b"\x00" +
                           multi_header(-1, True, -1))
        assert err == zkharness.ZMARSHALLINGERROR
        # The same create twice: the second fails, nothing is applied; failures are
        # reported per op as type -1 with the op's error code.
        body = (multi_header(OP_CREATE) + zkharness.create_body(f"{base}/dup") +
                multi_header(OP_CREATE) + zkharness.create_body(f"{base}/dup") +
                multi_header(-1, True, -1))
        err, r = c.request(zkharness.OP_MULTI, body)
        assert err == ZOK
        assert (r.int(), r.bool(), r.int()) == (-1, False, 0) and r.int() == 0
        assert (r.int(), r.bool(), r.int()) == (-1, False, zkharness.ZNODEEXISTS)
        assert r.int() == zkharness.ZNODEEXISTS
        assert (r.int(), r.bool(), r.int()) == (-1, True, -1)
        err, _ = c.request(OP_EXISTS, jstr(f"{base}/dup") + b"\x00")
        assert err == zkharness.ZNONODE
        c.close_session()


def test_delete_fires_one_event_per_connection(zk_server, zk, base):
    """A connection with a data, an exists and a child watch on one node gets a single
    NodeDeleted when the node goes (the server dedups per watcher)."""
    p = zk.create(f"{base}/n")
    with session(zk_server) as c:
        assert c.request(OP_GETDATA, jstr(p) + b"\x01")[0] == ZOK
        assert c.request(OP_EXISTS, jstr(p) + b"\x01")[0] == ZOK
        assert c.request(zkharness.OP_GETCHILDREN, jstr(p) + b"\x01")[0] == ZOK
        assert c.request(zkharness.OP_GETCHILDREN, jstr(base) + b"\x01")[0] == ZOK
        zk.delete(p)
        c.drain_events()
        c.drain_events()
        assert sorted(c.events) == sorted([(zkharness.EV_DELETED, 3, p),
                                           (zkharness.EV_CHILD, 3, base)])
        c.close_session()


def test_multi_fires_watches_once(zk_server, zk, base):
    a = zk.create(f"{base}/a", b"0")
    with session(zk_server) as c:
        assert c.request(OP_GETDATA, jstr(a) + b"\x01")[0] == ZOK
        assert c.request(zkharness.OP_GETCHILDREN, jstr(base) + b"\x01")[0] == ZOK
        assert c.request(OP_EXISTS, jstr(f"{base}/b") + b"\x01")[0] == zkharness.ZNONODE
        t = zk.transaction()
        t.set_data(a, b"1")
        t.set_data(a, b"2")
        t.create(f"{base}/b")
        t.create(f"{base}/c")
        assert not any(isinstance(x, Exception) for x in t.commit())
        c.drain_events()
        c.drain_events()
        assert sorted(c.events) == sorted([(zkharness.EV_CHANGED, 3, a),
                                           (zkharness.EV_CHILD, 3, base),
                                           (zkharness.EV_CREATED, 3, f"{base}/b")])
        c.close_session()


def test_failed_multi_fires_nothing(zk_server, zk, base):
    a = zk.create(f"{base}/a", b"0")
    with session(zk_server) as c:
        assert c.request(OP_GETDATA, jstr(a) + b"\x01")[0] == ZOK
        t = zk.transaction()
        t.set_data(a, b"1")
        t.check(a, 99)
        res = t.commit()
        assert isinstance(res[1], Exception)
        c.drain_events()
        assert c.events == []
        c.close_session()


def test_primed_connection_in_one_write(zk_server):
    """The Java client sends ConnectRequest, auth and SetWatches (and queued requests)
    back to back before the ConnectResponse arrives; all are answered in order."""
    conn = jint(0) + zkharness.jlong(0) + jint(4000) + zkharness.jlong(0) + jbuf(b"\x00" * 16) + b"\x00"
    auth_pkt = jint(AUTH_XID) + jint(OP_AUTH) + jint(0) + jstr("digest") + jbuf(b"u:p")
    set_watches = (jint(-8) + jint(zkharness.OP_SETWATCHES) + zkharness.jlong(0) +
                   zkharness.jstrs(["/zookeeper"]) + zkharness.jstrs([]) + zkharness.jstrs([]))
    exists = jint(1) + jint(OP_EXISTS) + jstr("/") + b"\x01"
    with RawZk(zk_server.port) as c:
        c.send_raw(b"".join(jint(len(x)) + x for x in (conn, auth_pkt, set_watches, exists)))
        r = Reader(c.recv_frame())
        r.int()
        assert r.int() == 4000 and r.long() != 0
        got = []
        for _ in range(3):
            r = Reader(c.recv_frame())
            xid = r.int()
            r.long()
            got.append((xid, r.int()))
        assert got == [(AUTH_XID, ZOK), (-8, ZOK), (1, ZOK)]
        c.close_session()

"""Requests newer than kazoo 2.8 knows, sent raw: persistent and recursive watches
(addWatch), removeWatches, multiRead, getAllChildrenNumber, getEphemerals, whoAmI,
containers. The Java client (and so Kafka) may send them."""
import pytest

import zkharness
from zkharness import (EV_CHANGED, EV_CHILD, EV_CREATED, EV_DELETED, OP_CREATE, OP_SETDATA, ZOK,
                       RawZk, create_body, jbool, jbuf, jint, jstr)

# Client-API conformance: also runs through a three-host string (README.md).
ZK_KINDS = ["apache", "ours", "apache-ensemble", "ours-ensemble"]

pytestmark = pytest.mark.timeout(60)

OP_REMOVEWATCHES, OP_CREATECONTAINER, OP_MULTIREAD = 18, 19, 22
OP_GETEPHEMERALS, OP_GETALLCHILDRENNUMBER, OP_ADDWATCH, OP_WHOAMI = 103, 104, 106, 107


def session(zk_server):
    c = RawZk(zk_server.port)
    c.connect()
    return c


def test_add_watch_persistent(zk_server, zk, base):
    p = f"{base}/w"
    with session(zk_server) as c:
        err, _ = c.request(OP_ADDWATCH, jstr(p) + jint(0))
        assert err == ZOK
        zk.create(p, b"0")
        assert c.next_event() == (EV_CREATED, 3, p)
        zk.set(p, b"1")
        assert c.next_event() == (EV_CHANGED, 3, p)
        zk.set(p, b"2")  # still armed: persistent
        assert c.next_event() == (EV_CHANGED, 3, p)
        zk.create(f"{p}/kid")
        assert c.next_event() == (EV_CHILD, 3, p)
        zk.set(f"{p}/kid", b"x")  # not recursive: nothing for the child
        zk.delete(f"{p}/kid")
        assert c.next_event() == (EV_CHILD, 3, p)
        zk.delete(p)
        assert c.next_event() == (EV_DELETED, 3, p)
        c.close_session()


def test_add_watch_persistent_recursive(zk_server, zk, base):
    p = f"{base}/r"
    with session(zk_server) as c:
        err, _ = c.request(OP_ADDWATCH, jstr(p) + jint(1))
        assert err == ZOK
        zk.create(p)
        zk.create(f"{p}/a")
        zk.create(f"{p}/a/b", b"0")
        zk.set(f"{p}/a/b", b"1")
        zk.delete(f"{p}/a/b")
        want = [(EV_CREATED, 3, p), (EV_CREATED, 3, f"{p}/a"), (EV_CREATED, 3, f"{p}/a/b"),
                (EV_CHANGED, 3, f"{p}/a/b"), (EV_DELETED, 3, f"{p}/a/b")]
        assert [c.next_event() for _ in want] == want  # no child events when recursive
        c.close_session()


def test_remove_watches(zk_server, zk, base):
    p = zk.create(f"{base}/n")
    with session(zk_server) as c:
        assert c.request(zkharness.OP_GETDATA, jstr(p) + jbool(True))[0] == ZOK
        err, _ = c.request(OP_REMOVEWATCHES, jstr(p) + jint(2))  # data watches
        assert err == ZOK
        # (DataWatchRemoved is made by the Java client itself; the server sends nothing.)
        err, _ = c.request(OP_REMOVEWATCHES, jstr(p) + jint(2))
        assert err == -121  # ZNOWATCHER
        zk.set(p, b"x")
        err, _ = c.request(zkharness.OP_EXISTS, jstr(p) + jbool(False))
        assert err == ZOK and c.events == []
        c.close_session()


def multi_header(op, done=False, err=-1):
    return jint(op) + jbool(done) + jint(err)


def test_multi_read(zk_server, zk, base):
    zk.create(f"{base}/a", b"A")
    zk.create(f"{base}/a/x")
    body = (multi_header(zkharness.OP_GETDATA) + jstr(f"{base}/a") + jbool(False) +
            multi_header(zkharness.OP_GETCHILDREN) + jstr(f"{base}/a") + jbool(False) +
            multi_header(zkharness.OP_GETDATA) + jstr(f"{base}/missing") + jbool(False) +
            multi_header(-1, True, -1))
    with session(zk_server) as c:
        err, r = c.request(OP_MULTIREAD, body)
        assert err == ZOK
        t, done, e = r.int(), r.bool(), r.int()
        assert (t, done, e) == (zkharness.OP_GETDATA, False, 0)
        assert r.buf() == b"A"
        zkharness.read_stat(r)
        t, done, e = r.int(), r.bool(), r.int()
        assert (t, done, e) == (zkharness.OP_GETCHILDREN, False, 0)
        assert [r.str() for _ in range(r.int())] == ["x"]
        t, done, e = r.int(), r.bool(), r.int()
        assert (t, done) == (-1, False) and e == zkharness.ZNONODE
        assert r.int() == zkharness.ZNONODE
        assert (r.int(), r.bool(), r.int()) == (-1, True, -1)
        c.close_session()


def test_get_all_children_number_and_ephemerals(zk_server, base):
    with session(zk_server) as c:
        for p in (f"{base}/a", f"{base}/a/b", f"{base}/a/b/c", f"{base}/d"):
            assert c.request(OP_CREATE, create_body(p))[0] == ZOK
        for p in (f"{base}/a/e1", f"{base}/d/e2"):
            assert c.request(OP_CREATE, create_body(p, flags=1))[0] == ZOK
        err, r = c.request(OP_GETALLCHILDRENNUMBER, jstr(base))
        assert err == ZOK and r.int() == 6
        err, r = c.request(OP_GETEPHEMERALS, jstr(base))
        assert err == ZOK
        assert sorted(r.str() for _ in range(r.int())) == [f"{base}/a/e1", f"{base}/d/e2"]
        err, r = c.request(OP_GETEPHEMERALS, jstr(f"{base}/d"))
        assert [r.str() for _ in range(r.int())] == [f"{base}/d/e2"]
        c.close_session()


def test_who_am_i(zk_server):
    with session(zk_server) as c:
        err, r = c.request(OP_WHOAMI)
        assert err == ZOK
        infos = [(r.str(), r.str()) for _ in range(r.int())]
        assert infos == [("ip", "127.0.0.1")]
        err, _ = c.request(100, jint(0) + jstr("digest") + jbuf(b"who:pw"))  # auth, xid -4 in Java
        assert err == ZOK
        err, r = c.request(OP_WHOAMI)
        infos = sorted((r.str(), r.str()) for _ in range(r.int()))
        assert infos == [("digest", "who"), ("ip", "127.0.0.1")]
        c.close_session()


def test_container_node(zk_server, zk, base):
    p = f"{base}/box"
    with session(zk_server) as c:
        err, r = c.request(OP_CREATECONTAINER, create_body(p, b"c", flags=4))
        assert err == ZOK and r.str() == p
        st = zkharness.read_stat(r)
        assert st["ephemeralOwner"] == 0 and st["dataLength"] == 1
        err, _ = c.request(OP_SETDATA, jstr(p) + jbuf(b"d") + jint(-1))
        assert err == ZOK
        c.close_session()
    assert zk.exists(p).ephemeralOwner == 0  # containers do not show an owner


def test_recursive_watch_hides_protected_nodes(zk_server, zk, base):
    """RELIABILITY.md B17: a persistent recursive watch must not reveal changes or
    child paths of nodes the watching client cannot read."""
    from kazoo.security import make_digest_acl
    secret_acl = [make_digest_acl("u", "p", all=True)]
    zk.create(f"{base}/secret", b"s", acl=secret_acl)
    owner = zkharness.kazoo_client(zk_server.hosts, auth_data=[("digest", "u:p")])
    try:
        with session(zk_server) as c:
            assert c.request(OP_ADDWATCH, jstr(base) + jint(1))[0] == ZOK
            owner.set(f"{base}/secret", b"t")
            owner.create(f"{base}/secret/kid", b"k", acl=secret_acl)
            zk.create(f"{base}/open")
            assert c.next_event() == (EV_CREATED, 3, f"{base}/open")
            c.drain_events()
            assert c.events == [], "events about protected nodes leaked"
            c.close_session()
    finally:
        zkharness.stop_client(owner)


def test_watches_on_protected_node_are_silent(zk_server, zk, base):
    """Watches a client may set without READ (exists, addWatch) on a protected node
    deliver nothing about it; reads of it are refused."""
    from kazoo.security import make_digest_acl
    p = f"{base}/secret"
    zk.create(p, b"s", acl=[make_digest_acl("u", "p", all=True)])
    owner = zkharness.kazoo_client(zk_server.hosts, auth_data=[("digest", "u:p")])
    try:
        with session(zk_server) as c:
            assert c.request(OP_ADDWATCH, jstr(p) + jint(0))[0] == ZOK
            assert c.request(zkharness.OP_EXISTS, jstr(p) + b"\x01")[0] == ZOK
            assert c.request(zkharness.OP_GETCHILDREN, jstr(p) + b"\x00")[0] == zkharness.ZNOAUTH
            err, _ = c.request(OP_GETALLCHILDRENNUMBER, jstr(p))
            assert err == zkharness.ZNOAUTH
            owner.set(p, b"t")
            owner.create(f"{p}/kid")
            c.drain_events()
            c.drain_events()
            assert c.events == [], "events about a protected node leaked"
            c.close_session()
    finally:
        zkharness.stop_client(owner)

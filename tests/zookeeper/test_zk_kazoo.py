"""Conformance of the client API with kazoo: CRUD, stats, sequence numbers, ACLs,
multi, watches, path validation and size limits, each as ZooKeeper 3.8 does it."""
import threading
import time

import pytest

pytest.importorskip("kazoo", reason="python3-kazoo not installed")
from kazoo.exceptions import (BadArgumentsError, BadVersionError, ConnectionLoss,
                              NoAuthError, NodeExistsError, NoNodeError, NotEmptyError,
                              RolledBackError, RuntimeInconsistency, ZookeeperError)
from kazoo.protocol.states import EventType, KazooState
from kazoo.security import OPEN_ACL_UNSAFE, make_digest_acl

import testlib
import zkharness
from zkharness import (OP_CREATE, OP_DELETE, ZBADARGUMENTS, ZOK, RawZk, create_body, jint,
                       jstr)

# Client-API conformance: also runs through a three-host string (README.md).
ZK_KINDS = ["apache", "ours", "apache-ensemble", "ours-ensemble"]

pytestmark = pytest.mark.timeout(60)


class Events:
    """Collects watch events from kazoo's callback thread."""

    def __init__(self):
        self.items = []
        self.cv = threading.Condition()

    def __call__(self, event):
        with self.cv:
            self.items.append(event)
            self.cv.notify_all()

    def wait(self, n=1, timeout=5.0):
        with self.cv:
            ok = self.cv.wait_for(lambda: len(self.items) >= n, timeout)
        assert ok, f"expected {n} watch events, got {self.items}"
        return self.items


def settle(zk):
    """A round trip on the client's connection: any event triggered earlier on the
    server for this session has been delivered before sync's reply."""
    zk.sync("/")


# ------------------------------------------------------------------ CRUD

def test_create_modes(zk, base):
    assert zk.create(f"{base}/p", b"v") == f"{base}/p"
    assert zk.get(f"{base}/p")[0] == b"v"
    assert zk.get(f"{base}/p")[1].ephemeralOwner == 0
    eph = zk.create(f"{base}/e", b"x", ephemeral=True)
    assert eph == f"{base}/e"
    assert zk.exists(eph).ephemeralOwner == zk.client_id[0]
    s1 = zk.create(f"{base}/s-", sequence=True)
    assert s1 == f"{base}/s-0000000002"
    es = zk.create(f"{base}/es-", ephemeral=True, sequence=True)
    assert es == f"{base}/es-0000000003"
    assert zk.exists(es).ephemeralOwner == zk.client_id[0]
    assert sorted(zk.get_children(base)) == ["e", "es-0000000003", "p", "s-0000000002"]


def test_create_makepath_and_errors(zk, base):
    assert zk.create(f"{base}/a/b/c", b"deep", makepath=True) == f"{base}/a/b/c"
    assert zk.get(f"{base}/a/b/c")[0] == b"deep"
    assert zk.get(f"{base}/a/b")[0] == b""
    with pytest.raises(NoNodeError):
        zk.create(f"{base}/x/y")
    with pytest.raises(NodeExistsError):
        zk.create(f"{base}/a")
    # Ephemerals cannot have children.
    zk.create(f"{base}/eph", ephemeral=True)
    with pytest.raises(ZookeeperError) as ei:
        zk.create(f"{base}/eph/child")
    assert type(ei.value).__name__ == "NoChildrenForEphemeralsError"


def test_create2_returns_stat(zk, base):
    path, stat = zk.create(f"{base}/n", b"12345", include_data=True)
    assert path == f"{base}/n"
    assert stat.dataLength == 5
    assert stat.version == 0 and stat.cversion == 0 and stat.aversion == 0
    assert stat.czxid == stat.mzxid == stat.pzxid
    assert stat == zk.exists(path)


def test_get_set_versions(zk, base):
    p = zk.create(f"{base}/n", b"a")
    data, st = zk.get(p)
    assert (data, st.version) == (b"a", 0)
    st1 = zk.set(p, b"bb", version=0)
    assert st1.version == 1 and st1.dataLength == 2
    assert st1.mzxid > st.mzxid and st1.czxid == st.czxid
    assert st1.mtime >= st.mtime and st1.ctime == st.ctime
    with pytest.raises(BadVersionError):
        zk.set(p, b"c", version=0)
    st2 = zk.set(p, b"", version=-1)
    assert st2.version == 2 and st2.dataLength == 0
    assert zk.get(p)[0] == b""
    with pytest.raises(NoNodeError):
        zk.get(f"{base}/missing")
    with pytest.raises(NoNodeError):
        zk.set(f"{base}/missing", b"x")


def test_exists(zk, base):
    assert zk.exists(f"{base}/none") is None
    st = zk.exists(base)
    assert st is not None and st.numChildren == 0


def test_children_with_stat(zk, base):
    for n in ("c", "a", "b"):
        zk.create(f"{base}/{n}")
    kids, st = zk.get_children(base, include_data=True)
    assert sorted(kids) == ["a", "b", "c"]
    assert st.numChildren == 3 and st.cversion == 3
    assert st == zk.exists(base)
    with pytest.raises(NoNodeError):
        zk.get_children(f"{base}/none")


def test_delete(zk, base):
    p = zk.create(f"{base}/n")
    zk.create(f"{base}/n/kid")
    with pytest.raises(NotEmptyError):
        zk.delete(p)
    zk.set(f"{base}/n/kid", b"1")
    with pytest.raises(BadVersionError):
        zk.delete(f"{base}/n/kid", version=0)
    zk.delete(f"{base}/n/kid", version=1)
    zk.delete(p, version=-1)
    assert zk.exists(p) is None
    with pytest.raises(NoNodeError):
        zk.delete(p)


def test_binary_data_roundtrip(zk, base):
    blob = bytes(range(256)) * 4
    p = zk.create(f"{base}/bin", blob)
    assert zk.get(p)[0] == blob
    # Unicode path names are UTF-8 on the wire.
    u = zk.create(f"{base}/\u00e9t\u00e9-\u4e2d")
    assert u in [f"{base}/{k}" for k in zk.get_children(base)]


# ------------------------------------------------------------------ Stat rules

def test_stat_rules(zk, base):
    now_ms = time.time() * 1000
    p, st = zk.create(f"{base}/n", b"abc", include_data=True)
    assert st.czxid == st.mzxid == st.pzxid
    assert st.ctime == st.mtime
    assert abs(st.ctime - now_ms) < 60_000, "ctime is ms since the epoch"
    assert (st.version, st.cversion, st.aversion, st.numChildren, st.dataLength) == (0, 0, 0, 0, 3)

    parent0 = zk.exists(p)
    _, kid = zk.create(f"{p}/k", include_data=True)
    parent1 = zk.exists(p)
    assert parent1.pzxid == kid.czxid
    assert parent1.mzxid == parent0.mzxid and parent1.version == parent0.version
    assert parent1.cversion == 1 and parent1.numChildren == 1

    st_set = zk.set(p, b"new")
    assert st_set.pzxid == parent1.pzxid, "set_data does not move pzxid"
    assert st_set.mzxid > parent1.mzxid and st_set.version == 1

    zk.delete(f"{p}/k")
    parent2 = zk.exists(p)
    assert parent2.pzxid > st_set.mzxid, "child delete moves pzxid"
    assert parent2.cversion == 2 and parent2.numChildren == 0
    assert parent2.mzxid == st_set.mzxid

    zk.set_acls(p, OPEN_ACL_UNSAFE)
    assert zk.exists(p).aversion == 1


def test_zxids_increase_and_reads_do_not_advance(zk, base):
    a = zk.create(f"{base}/a", include_data=True)[1]
    zk.get(f"{base}/a")
    zk.exists(f"{base}/a")
    b = zk.create(f"{base}/b", include_data=True)[1]
    assert b.czxid == a.czxid + 1


# ------------------------------------------------------------------ sequential

def test_sequential_numbering_cversion_example(zk, base):
    assert zk.create(f"{base}/n-", sequence=True) == f"{base}/n-0000000000"
    assert zk.create(f"{base}/n-", sequence=True) == f"{base}/n-0000000001"
    zk.create(f"{base}/plain")
    zk.delete(f"{base}/plain")
    st = zk.exists(base)
    assert st.cversion == 4 and st.numChildren == 2
    assert zk.create(f"{base}/n-", sequence=True) == f"{base}/n-0000000003"
    zk.delete(f"{base}/n-0000000003")
    assert zk.create(f"{base}/n-", sequence=True) == f"{base}/n-0000000004"


def test_sequential_empty_prefix(zk, base):
    p = zk.create(f"{base}/", sequence=True)
    assert p == f"{base}/0000000000"
    assert zk.get_children(base) == ["0000000000"]


def test_sequential_inside_multi_and_ephemeral(zk, base):
    t = zk.transaction()
    t.create(f"{base}/q-", sequence=True)
    t.create(f"{base}/q-", sequence=True, ephemeral=True)
    assert t.commit() == [f"{base}/q-0000000000", f"{base}/q-0000000001"]


# ------------------------------------------------------------------ ACLs

def test_acl_get_set_and_digest_auth(zk_server, zk, base):
    acl = make_digest_acl("alice", "secret", all=True)
    p = zk.create(f"{base}/sec", b"hidden", acl=[acl])
    other = zkharness.kazoo_client(zk_server.hosts)
    try:
        with pytest.raises(NoAuthError):
            other.get(p)
        with pytest.raises(NoAuthError):
            other.set(p, b"x")
        with pytest.raises(NoAuthError):
            other.create(f"{p}/kid")
        with pytest.raises(NoAuthError):
            other.get_acls(p)  # CVE-2019-0201: getACL is checked too
        # exists needs no permission.
        assert other.exists(p) is not None
        other.add_auth("digest", "bob:wrong")
        with pytest.raises(NoAuthError):
            other.get(p)
        other.add_auth("digest", "alice:secret")
        assert other.get(p)[0] == b"hidden"
        acls, st = other.get_acls(p)
        assert len(acls) == 1 and acls[0].id.scheme == "digest"
        assert acls[0].id.id == acl.id.id and acls[0].perms == 31
        assert st.aversion == 0
    finally:
        zkharness.stop_client(other)
    # The creator is not authenticated as alice: locked out of its own node.
    with pytest.raises(NoAuthError):
        zk.get(p)


def test_set_acls_bumps_aversion_and_checks_version(zk, base):
    from kazoo.security import OPEN_ACL_UNSAFE, READ_ACL_UNSAFE
    p = zk.create(f"{base}/n", b"d")
    acls, st = zk.get_acls(p)
    assert [(a.perms, a.id.scheme, a.id.id) for a in acls] == [(31, "world", "anyone")]
    assert st.aversion == 0
    with pytest.raises(BadVersionError):
        zk.set_acls(p, READ_ACL_UNSAFE, version=1)
    st1 = zk.set_acls(p, READ_ACL_UNSAFE, version=0)
    assert st1.aversion == 1 and st1.version == 0
    # READ only: writes and creates are refused, reads work.
    assert zk.get(p)[0] == b"d"
    with pytest.raises(NoAuthError):
        zk.set(p, b"x")
    with pytest.raises(NoAuthError):
        zk.create(f"{p}/kid")
    with pytest.raises(NoAuthError):
        zk.set_acls(p, OPEN_ACL_UNSAFE)  # needs ADMIN
    # Delete is checked on the parent, which is open.
    zk.delete(p)


def test_ip_and_auth_schemes(zk_server, zk, base):
    from kazoo.security import ACL, Id
    p_ok = zk.create(f"{base}/ip-ok", b"1", acl=[ACL(31, Id("ip", "127.0.0.1"))])
    p_net = zk.create(f"{base}/ip-net", b"2", acl=[ACL(31, Id("ip", "127.0.0.0/8"))])
    p_no = zk.create(f"{base}/ip-no", b"3", acl=[ACL(31, Id("ip", "10.1.2.3"))])
    assert zk.get(p_ok)[0] == b"1" and zk.get(p_net)[0] == b"2"
    with pytest.raises(NoAuthError):
        zk.get(p_no)
    # "auth" stands for every identity the session has authenticated with.
    c = zkharness.kazoo_client(zk_server.hosts, auth_data=[("digest", "carol:pw")])
    try:
        p = c.create(f"{base}/mine", b"m", acl=[ACL(31, Id("auth", ""))])
        acls, _ = c.get_acls(p)
        assert [(a.perms, a.id.scheme, a.id.id) for a in acls] == \
            [(31, "digest", make_digest_acl("carol", "pw").id.id)]
    finally:
        zkharness.stop_client(c)
    with pytest.raises(NoAuthError):
        zk.get(f"{base}/mine")


def test_invalid_acl_rejected(zk_server, zk, base):
    from kazoo.exceptions import InvalidACLError
    from kazoo.security import ACL, Id
    with pytest.raises(InvalidACLError):
        zk.create(f"{base}/n", acl=[ACL(31, Id("nosuchscheme", "x"))])
    # kazoo replaces an empty ACL list by its default, so send these raw.
    with RawZk(zk_server.port) as c:
        c.connect()
        for acls in ([], [(31, "world", "nobody")], [(31, "digest", "malformed")],
                     [(31, "auth", "")]):
            err, _ = c.request(OP_CREATE, create_body(f"{base}/n", acls=acls))
            assert err == zkharness.ZINVALIDACL, (acls, err)
        # Odd permission bits are stored as given.
        for i, perms in enumerate((0, 32)):
            err, _ = c.request(OP_CREATE, create_body(f"{base}/p{i}", acls=[(perms, "world", "anyone")]))
            assert err == ZOK, (perms, err)
        c.close_session()
    assert zk.exists(f"{base}/n") is None


# ------------------------------------------------------------------ sync

def test_sync(zk, base):
    assert zk.sync(base) == base


# ------------------------------------------------------------------ multi

def test_multi_success(zk, base):
    zk.create(f"{base}/old", b"o")
    zk.create(f"{base}/chk")
    t = zk.transaction()
    t.check(f"{base}/chk", 0)
    t.create(f"{base}/new1", b"1")
    t.create(f"{base}/new2", b"2")
    t.set_data(f"{base}/old", b"oo", version=0)
    t.delete(f"{base}/chk")
    res = t.commit()
    assert res[0] is True
    assert res[1] == f"{base}/new1" and res[2] == f"{base}/new2"
    st = res[3]
    assert st.version == 1 and st.dataLength == 2
    assert res[4] is True
    n1, n2 = zk.exists(f"{base}/new1"), zk.exists(f"{base}/new2")
    assert n1.czxid == n2.czxid == st.mzxid, "all ops of one multi share one zxid"
    assert zk.exists(f"{base}/chk") is None


def test_multi_failure_nothing_applied(zk, base):
    zk.create(f"{base}/x", b"v")
    before = zk.exists(base)
    t = zk.transaction()
    t.create(f"{base}/a")
    t.set_data(f"{base}/x", b"nope", version=7)
    t.create(f"{base}/b")
    t.delete(f"{base}/x")
    res = t.commit()
    assert isinstance(res[0], RolledBackError)
    assert isinstance(res[1], BadVersionError)
    assert isinstance(res[2], RuntimeInconsistency)
    assert isinstance(res[3], RuntimeInconsistency)
    assert zk.exists(f"{base}/a") is None and zk.exists(f"{base}/b") is None
    assert zk.get(f"{base}/x")[0] == b"v"
    assert zk.exists(base) == before

    t = zk.transaction()
    t.create(f"{base}/c")
    t.create(f"{base}/x")
    res = t.commit()
    assert isinstance(res[0], RolledBackError) and isinstance(res[1], NodeExistsError)
    assert zk.exists(f"{base}/c") is None

    t = zk.transaction()
    t.check(f"{base}/missing", 0)
    t.create(f"{base}/d")
    res = t.commit()
    assert isinstance(res[0], NoNodeError) and isinstance(res[1], RuntimeInconsistency)
    assert zk.exists(f"{base}/d") is None


def test_multi_ops_see_earlier_ops(zk, base):
    t = zk.transaction()
    t.create(f"{base}/p")
    t.create(f"{base}/p/c", b"1")
    t.set_data(f"{base}/p/c", b"2", version=0)
    t.check(f"{base}/p/c", 1)
    t.delete(f"{base}/p/c")
    res = t.commit()
    assert res[0] == f"{base}/p" and res[1] == f"{base}/p/c"
    assert res[2].version == 1 and res[3] is True and res[4] is True
    assert zk.get_children(f"{base}/p") == []


# ------------------------------------------------------------------ watches

def test_data_watch_one_shot(zk_server, zk, base):
    p = zk.create(f"{base}/n", b"0")
    ev = Events()
    zk.get(p, watch=ev)
    writer = zkharness.kazoo_client(zk_server.hosts)
    try:
        writer.set(p, b"1")
        items = ev.wait(1)
        assert items[0].type == EventType.CHANGED and items[0].path == p
        writer.set(p, b"2")
        settle(writer)
        settle(zk)
        assert len(ev.items) == 1, "watches are one-shot"
        # Re-arm; delete fires DELETED for a data watch.
        zk.get(p, watch=ev)
        writer.delete(p)
        items = ev.wait(2)
        assert items[1].type == EventType.DELETED and items[1].path == p
    finally:
        zkharness.stop_client(writer)


def test_child_watch(zk, base):
    ev = Events()
    assert zk.get_children(base, watch=ev) == []
    zk.create(f"{base}/a")
    items = ev.wait(1)
    assert items[0].type == EventType.CHILD and items[0].path == base
    zk.create(f"{base}/b")
    settle(zk)
    assert len(ev.items) == 1
    # Data change of the parent does not fire a child watch; child delete does.
    zk.get_children(base, watch=ev)
    zk.set(base, b"x")
    settle(zk)
    assert len(ev.items) == 1
    zk.delete(f"{base}/a")
    assert ev.wait(2)[1].type == EventType.CHILD
    # Deleting the watched node itself fires NodeDeleted to a child watch.
    zk.create(f"{base}/gone")
    zk.get_children(f"{base}/gone", watch=ev)
    zk.delete(f"{base}/gone")
    items = ev.wait(3)
    assert items[2].type == EventType.DELETED and items[2].path == f"{base}/gone"


def test_exists_watch_on_missing_node(zk, base):
    ev = Events()
    p = f"{base}/later"
    assert zk.exists(p, watch=ev) is None
    zk.create(p, b"x")
    items = ev.wait(1)
    assert items[0].type == EventType.CREATED and items[0].path == p
    # exists watch on an existing node fires on change and delete.
    zk.exists(p, watch=ev)
    zk.set(p, b"y")
    assert ev.wait(2)[1].type == EventType.CHANGED
    zk.exists(p, watch=ev)
    zk.delete(p)
    assert ev.wait(3)[2].type == EventType.DELETED
    settle(zk)
    assert len(ev.items) == 3


def test_watch_event_before_own_reply(zk, base):
    """The event a client's own write triggers arrives before that write's reply."""
    p = zk.create(f"{base}/n")
    ev = Events()
    zk.get(p, watch=ev)
    zk.set(p, b"v")
    # kazoo dispatches events on another thread; the frame arrived before the reply,
    # so the event must show up almost at once.
    ev.wait(1, timeout=2.0)


def test_many_watchers_one_event_each(zk_server, zk, base):
    p = zk.create(f"{base}/n")
    clients, evs = [], []
    try:
        for _ in range(3):
            c = zkharness.kazoo_client(zk_server.hosts)
            clients.append(c)
            e = Events()
            evs.append(e)
            c.get(p, watch=e)
            c.exists(p, watch=e)  # same path+type twice: one event per client
        zk.set(p, b"x")
        for c, e in zip(clients, evs):
            e.wait(1)
            settle(c)
            assert len(e.items) in (1, 2)
            assert all(i.type == EventType.CHANGED for i in e.items)
    finally:
        for c in clients:
            zkharness.stop_client(c)


def test_kazoo_reconnect_keeps_session(zk_server, base):
    """A dropped TCP connection is not a lost session: kazoo reconnects (SUSPENDED,
    then CONNECTED) with the same session id and its ephemeral survives."""
    proxy = zkharness.TcpProxy(zk_server.port)
    c = zkharness.kazoo_client(proxy.hosts)
    states = []
    c.add_listener(states.append)
    try:
        sid = c.client_id[0]
        eph = c.create(f"{base}/eph", ephemeral=True)
        proxy.drop()
        testlib.wait_for(lambda: KazooState.SUSPENDED in states, 5, what="client suspended")
        testlib.wait_for(lambda: c.state == KazooState.CONNECTED, 10, what="reconnect")
        assert KazooState.LOST not in states
        assert c.client_id[0] == sid
        assert c.exists(eph).ephemeralOwner == sid
    finally:
        zkharness.stop_client(c)
        proxy.close()


def test_set_watches_after_reconnect_raw(zk_server, zk, base):
    """SetWatches (what the Java client sends after a reconnect): a change made while
    the client was away (newer than relativeZxid) fires at once; the rest stay armed."""
    p1 = zk.create(f"{base}/a", b"0")
    p2 = zk.create(f"{base}/b", b"0")
    pc = f"{base}/c"
    gone = zk.create(f"{base}/gone")
    with RawZk(zk_server.port) as a:
        a.connect(session_timeout_ms=10000)
        for p in (p1, p2, gone):
            err, _ = a.request(zkharness.OP_GETDATA, jstr(p) + b"\x01")
            assert err == ZOK
        err, _ = a.request(zkharness.OP_EXISTS, jstr(pc) + b"\x01")
        assert err == zkharness.ZNONODE
        sid, passwd, last = a.session_id, a.passwd, a.last_zxid
    # Socket closed without closeSession: the session lives on. Change things meanwhile.
    zk.set(p1, b"changed while away")
    zk.create(pc)
    zk.delete(gone)
    with RawZk(zk_server.port) as a2:
        assert a2.connect(session_timeout_ms=10000, session_id=sid, passwd=passwd,
                          last_zxid=last) == sid
        a2.send_request(zkharness.OP_SETWATCHES,
                        zkharness.jlong(last) + zkharness.jstrs([p1, p2, gone]) +
                        zkharness.jstrs([pc]) + zkharness.jstrs([]), xid=-8)
        xid, _, err, _ = a2.read_reply()
        assert (xid, err) == (-8, ZOK)
        got = {a2.next_event(5.0) for _ in range(3)}
        assert got == {(zkharness.EV_CHANGED, 3, p1), (zkharness.EV_CREATED, 3, pc),
                       (zkharness.EV_DELETED, 3, gone)}
        zk.set(p2, b"after")
        assert a2.next_event(5.0) == (zkharness.EV_CHANGED, 3, p2)
        a2.close_session()


# ------------------------------------------------------------------ /zookeeper, paths

def test_zookeeper_system_nodes(zk):
    assert "zookeeper" in zk.get_children("/")
    assert sorted(zk.get_children("/zookeeper")) == ["config", "quota"]
    with pytest.raises(BadArgumentsError):
        zk.delete("/zookeeper")


# (path relative to the test's base, or absolute if it starts with '!') ->
# (create, delete, exists) error codes, as Apache 3.8 answers them. Create checks the
# parent (text before the last '/') first, so a bad path under a missing parent is
# NoNode; the path itself is validated after that. `{b}/a` exists.
BAD, NONODE, OK = ZBADARGUMENTS, zkharness.ZNONODE, ZOK
PATH_CASES = [
    ("/a/", BAD, NONODE, NONODE),               # trailing slash
    ("/a//", NONODE, NONODE, NONODE),            # parent "/a/" does not exist
    ("/a//b", NONODE, NONODE, NONODE),
    ("/a/.", BAD, NONODE, NONODE),
    ("/a/..", BAD, NONODE, NONODE),
    ("/a/./b", NONODE, NONODE, NONODE),
    ("/a/ctl\x01char", BAD, NONODE, NONODE),
    ("/a/x\x1f", BAD, NONODE, NONODE),
    ("/a/bad\x7fdel", BAD, NONODE, NONODE),
    ("/a/c1\x85", BAD, NONODE, NONODE),
    ("/a/nul\x00x", BAD, BAD, BAD),              # NUL is refused by every op
    ("!", BAD, BAD, OK),                          # "" (exists("") finds the root)
    ("!noslash", BAD, BAD, NONODE),
    ("!/", zkharness.ZNODEEXISTS, BAD, OK),
    ("!//x", BAD, NONODE, NONODE),
]


# Known gaps of our server: {path case: reason} -> non-strict xfail for "ours".
PATH_GAPS = {}


@pytest.mark.parametrize("case", [
    pytest.param(c, id=repr(c[0]),
                 marks=[pytest.mark.xfail_ours(reason=PATH_GAPS[c[0]])] if c[0] in PATH_GAPS else [])
    for c in PATH_CASES])
def test_path_validation_raw(zk_server, zk, base, case):
    """Server-side path validation, bypassing kazoo's client-side normalisation."""
    rel, want_create, want_delete, want_exists = case
    zk.create(f"{base}/a")
    path = rel[1:] if rel.startswith("!") else base + rel
    with RawZk(zk_server.port) as c:
        c.connect()
        err, _ = c.request(OP_CREATE, create_body(path))
        assert err == want_create, f"create {path!r}: {err}"
        err, _ = c.request(OP_DELETE, jstr(path) + jint(-1))
        assert err == want_delete, f"delete {path!r}: {err}"
        err, _ = c.request(zkharness.OP_EXISTS, jstr(path) + b"\x00")
        assert err == want_exists, f"exists {path!r}: {err}"
        c.close_session()
    assert zk.get_children(f"{base}/a") == []


def test_zookeeper_subtree_rules_raw(zk_server, base):
    with RawZk(zk_server.port) as c:
        c.connect()
        for p in ("/zookeeper", "/zookeeper/config", "/zookeeper/quota"):
            err, _ = c.request(OP_DELETE, jstr(p) + jint(-1))
            assert err == ZBADARGUMENTS, (p, err)
        # /zookeeper/config is read-only for the world.
        err, _ = c.request(zkharness.OP_SETDATA, jstr("/zookeeper/config") + zkharness.jbuf(b"x") + jint(-1))
        assert err == zkharness.ZNOAUTH
        # The root: czxid 0, ctime 0.
        err, r = c.request(zkharness.OP_EXISTS, jstr("/") + b"\x00")
        st = zkharness.read_stat(r)
        assert err == ZOK and st["czxid"] == 0 and st["ctime"] == 0 and st["ephemeralOwner"] == 0
        c.close_session()


def test_zookeeper_config_node_raw(zk_server):
    with RawZk(zk_server.port) as c:
        c.connect()
        err, r = c.request(zkharness.OP_GETDATA, jstr("/zookeeper/config") + b"\x00")
        config = r.buf()
        c.close_session()
    if isinstance(zk_server, zkharness.ZkEnsemble):
        # A quorum peer publishes its static membership; a standalone server nothing.
        want = [f"{k}={v}:participant" for k, v in sorted(zk_server.peers.items())]
        assert err == ZOK and config.decode().splitlines() == want + ["version=0"]
    else:
        assert err == ZOK and config == b""


def test_unknown_opcode_raw(zk_server):
    """Apache answers an unknown opcode with ZUNIMPLEMENTED (-6), then closes."""
    with RawZk(zk_server.port) as c:
        c.connect()
        err, r = c.request(999)
        assert err == zkharness.ZUNIMPLEMENTED and r.remaining() == 0
        assert c.wait_closed(3.0)
    zkharness.probe(zk_server.port)


def test_valid_odd_names_raw(zk_server, base):
    """Names that look odd but are legal: '...', 'a.b', a space."""
    with RawZk(zk_server.port) as c:
        c.connect()
        for name in ("...", "a.b", "sp ace", ".hidden"):
            err, r = c.request(OP_CREATE, create_body(f"{base}/{name}"))
            assert err == ZOK, (name, err)
            assert r.str() == f"{base}/{name}"
        c.close_session()


def test_kazoo_rejects_dotdot_client_side(zk, base):
    with pytest.raises(ValueError):
        zk.create(f"{base}/../x")


# ------------------------------------------------------------------ size limits

def test_large_data_near_limit_ok(zk, base):
    blob = bytes((i * 7) & 0xFF for i in range(1_000_000))
    p = zk.create(f"{base}/big", blob)
    assert zk.get(p)[0] == blob
    st = zk.set(p, blob[::-1])
    assert st.dataLength == len(blob)


def test_data_over_maxbuffer_refused(zk_server, base):
    with RawZk(zk_server.port) as c:
        c.connect()
        try:
            c.send_request(OP_CREATE, create_body(f"{base}/huge", b"x" * (zkharness.JUTE_MAXBUFFER + 1024)))
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed at the length prefix, while the body was still being sent
        else:
            assert c.wait_closed(5.0), "server must close a connection whose frame exceeds jute.maxbuffer"
    zkharness.probe(zk_server.port)
    with RawZk(zk_server.port) as c:
        c.connect()
        err, _ = c.request(zkharness.OP_EXISTS, jstr(f"{base}/huge") + b"\x00")
        assert err == zkharness.ZNONODE
        c.close_session()


def test_kazoo_over_maxbuffer_connection_loss(zk_server, base):
    c = zkharness.kazoo_client(zk_server.hosts)
    try:
        with pytest.raises(ConnectionLoss):
            c.create(f"{base}/huge", b"y" * (zkharness.JUTE_MAXBUFFER + 1024))
        testlib.wait_for(lambda: c.connected, 10, what="kazoo reconnect")
        assert c.exists(f"{base}/huge") is None
    finally:
        zkharness.stop_client(c)


# ------------------------------------------------------------------ ordering (raw)

def frames_until_reply(c, xid):
    """Frames (xid, zxid, err, reader) in arrival order, up to the reply to xid."""
    out = []
    while True:
        r = zkharness.Reader(c.recv_frame())
        f = (r.int(), r.long(), r.int(), r)
        out.append(f)
        if f[0] == xid:
            return out


def test_own_write_event_before_reply_raw(zk_server, base):
    p = f"{base}/n"
    with RawZk(zk_server.port) as c:
        c.connect()
        assert c.request(OP_CREATE, create_body(p, b"0"))[0] == ZOK
        assert c.request(zkharness.OP_GETDATA, jstr(p) + b"\x01")[0] == ZOK
        xid = c.send_request(zkharness.OP_SETDATA, jstr(p) + zkharness.jbuf(b"1") + jint(-1))
        frames = frames_until_reply(c, xid)
        assert [f[0] for f in frames] == [-1, xid], "event first, then the reply"
        ev = frames[0][3]
        assert (ev.int(), ev.int(), ev.str()) == (zkharness.EV_CHANGED, 3, p)
        assert frames[1][2] == ZOK
        c.close_session()


def test_event_before_new_data_raw(zk_server, zk, base):
    """A client sees the watch event before any read that returns the new data."""
    p = zk.create(f"{base}/n", b"old")
    with RawZk(zk_server.port) as c:
        c.connect()
        assert c.request(zkharness.OP_GETDATA, jstr(p) + b"\x01")[0] == ZOK
        zk.set(p, b"new")
        # On an ensemble c's server may apply the write a little after zk's
        # server acknowledged it: reads may still return the old data then,
        # but never the new data before the event.
        event_seen = False
        deadline = time.monotonic() + 10
        while True:
            xid = c.send_request(zkharness.OP_GETDATA, jstr(p) + b"\x00")
            frames = frames_until_reply(c, xid)
            kinds = [f[0] for f in frames]
            event_seen = event_seen or -1 in kinds
            data = frames[-1][3].buf()
            assert data == (b"new" if event_seen else b"old"), kinds
            if data == b"new":
                break
            assert time.monotonic() < deadline, "the new data never arrived"
            time.sleep(0.01)
        c.close_session()


def test_pipelined_requests_answered_in_order_raw(zk_server, base):
    with RawZk(zk_server.port) as c:
        c.connect()
        batch = b""
        ops = []
        for i in range(100):
            xid = 1000 + i
            if i % 3 == 0:
                body = jint(xid) + jint(OP_CREATE) + create_body(f"{base}/k{i}", b"%d" % i)
            elif i % 3 == 1:
                body = jint(xid) + jint(zkharness.OP_GETDATA) + jstr(f"{base}/k{i - 1}") + b"\x00"
            else:
                body = jint(xid) + jint(zkharness.OP_EXISTS) + jstr(f"{base}/none{i}") + b"\x00"
            batch += jint(len(body)) + body
            ops.append((xid, i % 3))
        c.send_raw(batch)
        last_zxid = 0
        for xid, kind in ops:
            rxid, zxid, err, r = c.read_reply()
            assert rxid == xid, "replies come in request order"
            assert zxid >= last_zxid
            last_zxid = zxid
            if kind == 0:
                assert err == ZOK
            elif kind == 1:
                assert err == ZOK and r.buf() == b"%d" % (xid - 1000 - 1)
            else:
                assert err == zkharness.ZNONODE
        c.close_session()


# ------------------------------------------------------------------ concurrency

def test_concurrent_cas_no_lost_updates(zk_server, zk, base):
    """Several sessions do version-conditional increments on one counter: every
    successful CAS is counted exactly once and versions are never reused."""
    p = zk.create(f"{base}/counter", b"0")
    clients = [zkharness.kazoo_client(zk_server.hosts) for _ in range(4)]
    wins = [[] for _ in clients]

    def worker(i, c):
        for _ in range(40):
            data, st = c.get(p)
            try:
                new = c.set(p, str(int(data) + 1).encode(), version=st.version)
                wins[i].append(new.version)
            except BadVersionError:
                pass

    try:
        threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        all_wins = [v for w in wins for v in w]
        zk.sync(p)  # zk may be on another ensemble member than the workers
        data, st = zk.get(p)
        assert int(data) == len(all_wins) == st.version
        assert sorted(all_wins) == list(range(1, st.version + 1))
    finally:
        for c in clients:
            zkharness.stop_client(c)


def test_session_close_fires_child_watch_once(zk_server, zk, base):
    c = zkharness.kazoo_client(zk_server.hosts)
    for i in range(5):
        c.create(f"{base}/e{i}", ephemeral=True)
    ev = Events()
    assert len(zk.get_children(base, watch=ev)) == 5
    zkharness.stop_client(c)
    # zk may be on another ensemble member: catch up with the close first.
    zk.sync(base)
    assert zk.get_children(base) == []
    items = ev.wait(1)
    settle(zk)
    assert len(items) == 1 and items[0].type == EventType.CHILD

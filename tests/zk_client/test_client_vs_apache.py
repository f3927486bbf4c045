"""zk::Client (through the line-driven driver) against Apache ZooKeeper 3.8."""
import time

import pytest

import zkhelpers
from zkhelpers import Driver, Proxy


def connect(procs, address, session_ms=4000, wait_ms=8000, request_ms=None):
    d = Driver(procs)
    extra = f" {request_ms}" if request_ms else ""
    out = d.ok(f"connect {address} {session_ms} {wait_ms}{extra}")
    session, timeout = out.split()
    return d, session, int(timeout)


@pytest.mark.timeout(60)
def test_crud_sequential_ephemeral(apache_zk, procs):
    d, session, timeout = connect(procs, apache_zk.address)
    assert timeout == 4000
    assert d.ok("create /crud hello 0").startswith("/crud v=0")
    assert d.cmd("create /crud again 0") == "err NodeExists"
    assert d.ok("get /crud").startswith("hello v=0")
    assert d.ok("set /crud world 0").startswith("v=1")
    assert d.cmd("set /crud x 0") == "err BadVersion"
    assert d.ok("create /crud/s- - 2").startswith("/crud/s-0000000000")
    assert d.ok("create /crud/plain - 0")
    assert d.ok("delete /crud/plain -1") == ""
    # Deletes do not advance the sequence; cversion counts creates and deletes.
    assert d.ok("create /crud/s- - 3").startswith("/crud/s-0000000002 ")
    assert "eph=1" in d.ok("exists /crud/s-0000000002")
    assert d.ok("ls /crud") == "s-0000000000,s-0000000002"
    assert "cv=4" in d.ok("exists /crud")
    assert d.cmd("delete /crud -1") == "err Directory not empty"
    assert d.cmd("get /crud/none") == "err NoNode"
    assert d.ok("exists /crud/none") == "no"
    assert d.cmd("create bad - 0") == "err BadArguments"
    assert d.cmd("create /crud/ - 0") == "err BadArguments"
    assert d.ok("sync /crud") == "/crud"
    assert d.ok("getacl /crud") == "31:world:anyone"
    assert "av=1" in d.ok("setacl_world /crud 31 0")
    assert d.cmd("setacl_world /crud 31 0") == "err BadVersion"
    assert d.ok("deleteall /crud") == ""
    assert d.ok("exists /crud") == "no"

    # Ephemerals go with the session.
    d.ok("create /eph x 1")
    d.ok("close")
    d2, _, _ = connect(procs, apache_zk.address)
    assert d2.ok("exists /eph") == "no"


@pytest.mark.timeout(60)
def test_multi(apache_zk, procs):
    d, _, _ = connect(procs, apache_zk.address)
    assert d.ok("multi create:/mu:1 create:/mu/a:2 set:/mu:3:0 check:/mu:1") == \
        "create=/mu create=/mu/a setData check"
    # All or nothing: the failing op reports its error, the others ZOK / -2.
    out = d.cmd("multi create:/mu/b:1 check:/mu:7 delete:/mu/a:-1")
    assert out == "err BadVersion error=0 error=-103 error=-2"
    assert d.ok("ls /mu") == "a"
    # Reads only: multiRead, each result on its own.
    assert d.ok("multi getdata:/mu children:/mu getdata:/mu/none") == \
        "getData=3 getChildren=a error=-101"
    assert d.ok("multi delete:/mu/a:-1 delete:/mu:-1") == "delete delete"


@pytest.mark.timeout(60)
def test_watches_fire_once(apache_zk, procs):
    a, _, _ = connect(procs, apache_zk.address)
    b, _, _ = connect(procs, apache_zk.address)
    a.ok("create /w v 0")
    a.ok("get /w w")
    a.ok("ls /w w")
    a.ok("exists /w/new w")
    b.ok("set /w v2 -1")
    assert a.ok("wait_events 1 5000") == "data NodeDataChanged /w"
    b.ok("create /w/new x 0")
    got = a.ok("wait_events 2 5000").split("|")
    assert sorted(got) == ["child NodeChildrenChanged /w", "exists NodeCreated /w/new"]
    # One-shot: no more events without re-arming.
    b.ok("set /w v3 -1")
    b.ok("delete /w/new -1")
    assert a.ok("wait_events 1 500") == ""
    b.ok("create /w/gone x 0")
    a.ok("get /w/gone w")
    b.ok("delete /w/gone -1")
    assert a.ok("wait_events 1 5000") == "data NodeDeleted /w/gone"
    b.ok("deleteall /w")


@pytest.mark.timeout(60)
def test_auth_and_acl(apache_zk, procs):
    a, _, _ = connect(procs, apache_zk.address)
    a.ok("auth digest alice:secret")
    a.ok("create_creator /private x 0")
    acl = a.ok("getacl /private")
    assert acl.startswith("31:digest:alice:")
    assert a.ok("get /private").startswith("x ")
    b, _, _ = connect(procs, apache_zk.address)
    assert b.cmd("get /private") == "err NoAuth"
    b.ok("auth digest alice:secret")
    assert b.ok("get /private").startswith("x ")
    b.ok("delete /private -1")


@pytest.mark.timeout(60)
def test_chroot(apache_zk, procs):
    root, _, _ = connect(procs, apache_zk.address)
    root.ok("create /kafka - 0")
    c, _, _ = connect(procs, apache_zk.address + "/kafka")
    assert c.ok("create /brokers x 0").startswith("/brokers ")
    assert c.ok("create /brokers/id- - 2").startswith("/brokers/id-0000000000 ")
    assert c.ok("ls /") == "brokers"
    assert c.ok("sync /brokers") == "/brokers"
    assert root.ok("ls /kafka") == "brokers"
    c.ok("get /brokers w")
    root.ok("set /kafka/brokers y -1")
    assert c.ok("wait_events 1 5000") == "data NodeDataChanged /brokers"
    assert c.ok("multi create:/m:1 delete:/m:-1") == "create=/m delete"
    root.ok("deleteall /kafka")


@pytest.mark.timeout(60)
def test_several_hosts_one_dead(apache_zk, procs):
    dead = zkhelpers.testlib.free_port()
    for _ in range(3):  # host order is random: try a few times
        d, _, _ = connect(procs, f"127.0.0.1:{dead},{apache_zk.address}")
        assert d.ok("exists /") .startswith("yes")
        d.ok("close")


@pytest.mark.timeout(30)
def test_unreachable_server_fails_in_bounded_time(procs):
    dead = zkhelpers.testlib.free_port()
    d = Driver(procs)
    t0 = time.monotonic()
    assert d.cmd(f"connect 127.0.0.1:{dead} 4000 1500") == "err ConnectionLoss"
    assert time.monotonic() - t0 < 5


@pytest.mark.timeout(90)
def test_reconnect_keeps_session_and_watches(apache_zk, procs):
    proxy = Proxy(apache_zk.port)
    try:
        a, session, _ = connect(procs, proxy.address, session_ms=6000)
        b, _, _ = connect(procs, apache_zk.address)
        a.ok("create /rc v 0")
        a.ok("create /rc/eph x 1")
        a.ok("get /rc w")
        a.ok("ls /rc w")
        proxy.drop_all()
        a.ok("wait_state Disconnected 5000")
        # The session is re-attached: same id, ephemeral kept, watches re-armed.
        zkhelpers.testlib.wait_for(lambda: a.ok("states").count("SyncConnected") >= 2,
                                   timeout=10, what="reconnect")
        assert a.ok("session") == session
        assert a.ok("exists /rc/eph").startswith("yes")
        b.ok("set /rc v2 -1")
        b.ok("create /rc/k x 0")
        got = sorted(a.ok("wait_events 2 5000").split("|"))
        assert got == ["child NodeChildrenChanged /rc", "data NodeDataChanged /rc"]
        # Changes made while disconnected fire at reconnect (SetWatches relativeZxid).
        a.ok("get /rc w")
        proxy.refuse = True
        proxy.drop_all()
        a.ok("wait_state Disconnected 5000")
        b.ok("set /rc v3 -1")
        proxy.refuse = False
        assert a.ok("wait_events 1 10000") == "data NodeDataChanged /rc"
        assert a.ok("session") == session
        b.ok("deleteall /rc")
    finally:
        proxy.close()


@pytest.mark.timeout(90)
def test_session_expiry_is_reported(apache_zk, procs):
    proxy = Proxy(apache_zk.port)
    try:
        a, session, timeout = connect(procs, proxy.address, session_ms=2000)
        assert timeout == 2000
        a.ok("create /exp x 1")
        a.ok("get /exp w")
        b, _, _ = connect(procs, apache_zk.address)
        proxy.refuse = True
        proxy.drop_all()
        # The server expires the session and deletes its ephemeral.
        zkhelpers.testlib.wait_for(lambda: b.ok("exists /exp") == "no", timeout=15,
                                   what="ephemeral to go")
        proxy.refuse = False
        a.ok("wait_state Expired 15000")
        assert a.cmd("get /") == "err Session expired"
        assert a.ok("wait_events 1 1000") == "data None "
    finally:
        proxy.close()


@pytest.mark.timeout(60)
def test_in_flight_requests_fail_with_connection_loss_then_recover(apache_zk, procs):
    proxy = Proxy(apache_zk.port)
    try:
        a, session, _ = connect(procs, proxy.address, session_ms=6000, request_ms=1500)
        proxy.refuse = True
        proxy.drop_all()
        a.ok("wait_state Disconnected 5000")
        # Queued while disconnected: fails with a timeout, not a hang.
        t0 = time.monotonic()
        assert a.cmd("get /") == "err OperationTimeout"
        assert time.monotonic() - t0 < 5
        proxy.refuse = False
        zkhelpers.testlib.wait_for(lambda: a.ok("states").count("SyncConnected") >= 2,
                                   timeout=10, what="reconnect")
        assert a.ok("session") == session
        assert a.ok("exists /").startswith("yes")
    finally:
        proxy.close()

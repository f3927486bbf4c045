"""zookeeper-server ensemble: three servers on loopback, quorum writes, failover.

Design and status: daemon/zookeeper/quorum/DESIGN.md. Each test starts three
servers on free ports (client, quorum and election), talks to them with kazoo
and 4lw, and kills them by PID at teardown.
"""
import os
import signal
import socket
import time

import pytest
from kazoo.client import KazooClient
from kazoo.exceptions import NotReadOnlyCallError
from kazoo.protocol.states import KeeperState

import testlib

TICK_MS = 200
INIT_LIMIT = 10
SYNC_LIMIT = 5


def four_letter(port, cmd):
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(cmd.encode())
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    return out.decode()


def mode(port):
    try:
        for line in four_letter(port, "srvr").splitlines():
            if line.startswith("Mode: "):
                return line[len("Mode: "):]
    except OSError:
        return None
    return None


class Ensemble:
    def __init__(self, procs, tmp_path, n=3, extra=()):
        self.procs = procs
        self.tmp = tmp_path
        self.ids = list(range(1, n + 1))
        self.client = {i: testlib.free_port() for i in self.ids}
        self.quorum = {i: testlib.free_port() for i in self.ids}
        self.election = {i: testlib.free_port() for i in self.ids}
        self.proc = {}
        for i in self.ids:
            d = tmp_path / f"zk{i}"
            d.mkdir()
            (d / "myid").write_text(f"{i}\n")
            lines = [f"tickTime={TICK_MS}", f"initLimit={INIT_LIMIT}", f"syncLimit={SYNC_LIMIT}",
                     f"dataDir={d}", f"clientPort={self.client[i]}",
                     "clientPortAddress=127.0.0.1", "4lw.commands.whitelist=*",
                     "maxClientCnxns=0"] + list(extra)
            for j in self.ids:
                lines.append(f"server.{j}=127.0.0.1:{self.quorum[j]}:{self.election[j]}")
            (tmp_path / f"zk{i}.cfg").write_text("\n".join(lines) + "\n")

    def start(self, i):
        self.proc[i] = self.procs.start(
            [testlib.binary("daemon/zookeeper/zookeeper-server"), str(self.tmp / f"zk{i}.cfg")],
            log_path=str(self.tmp / f"zk{i}.log"))

    def start_all(self):
        for i in self.ids:
            self.start(i)

    def kill(self, i, sig=signal.SIGKILL):
        self.procs.kill(self.proc[i], sig)

    def modes(self, ids=None):
        return {i: mode(self.client[i]) for i in (ids or self.ids)}

    def wait_leader(self, ids=None, timeout=20.0):
        ids = ids or self.ids

        def settled():
            m = self.modes(ids)
            leaders = [i for i, v in m.items() if v == "leader"]
            if len(leaders) == 1 and all(v in ("leader", "follower") for v in m.values()):
                return leaders[0]
            return None
        try:
            return testlib.wait_for(settled, timeout=timeout, what=f"one leader among {ids}")
        except TimeoutError as e:
            dead = [i for i in ids if self.proc[i].poll() is not None]
            raise TimeoutError(f"{e}; modes={self.modes(ids)} exited={dead}\n{self.logs()}")

    def hosts(self, ids=None):
        return ",".join(f"127.0.0.1:{self.client[i]}" for i in (ids or self.ids))

    def logs(self):
        out = []
        for i in self.ids:
            p = self.tmp / f"zk{i}.log"
            if p.exists():
                out.append(f"--- zk{i}\n" + p.read_text()[-3000:])
        return "\n".join(out)


def connect(hosts, timeout=15):
    zk = KazooClient(hosts=hosts, timeout=6, connection_retry={"max_tries": -1, "delay": 0.1,
                                                               "max_delay": 0.5})
    zk.start(timeout=timeout)
    return zk


@pytest.fixture
def ensemble(procs, tmp_path):
    e = Ensemble(procs, tmp_path)
    e.start_all()
    yield e
    if os.environ.get("ZK_ENSEMBLE_LOGS"):
        print(e.logs())


@pytest.mark.timeout(60)
def test_elects_one_leader_and_reports_modes(ensemble):
    leader = ensemble.wait_leader()
    mntr = four_letter(ensemble.client[leader], "mntr")
    assert "zk_server_state\tleader" in mntr
    assert "zk_peer_state\tleading - broadcast" in mntr
    testlib.wait_for(lambda: "zk_synced_followers\t2" in four_letter(ensemble.client[leader], "mntr"),
                     timeout=10, what="two synced followers")
    follower = next(i for i in ensemble.ids if i != leader)
    assert "zk_server_state\tfollower" in four_letter(ensemble.client[follower], "mntr")


@pytest.mark.timeout(60)
def test_writes_on_one_server_visible_on_the_others(ensemble):
    leader = ensemble.wait_leader()
    clients = {i: connect(ensemble.hosts([i])) for i in ensemble.ids}
    try:
        for i, zk in clients.items():
            zk.create(f"/from{i}", f"v{i}".encode())
        for i, zk in clients.items():
            zk.sync("/")
            for j in ensemble.ids:
                data, stat = zk.get(f"/from{j}")
                assert data == f"v{j}".encode()
        # Writes through a follower keep their order and get increasing zxids.
        follower = next(i for i in ensemble.ids if i != leader)
        zk = clients[follower]
        zk.create("/seq", b"")
        names = [zk.create("/seq/n-", b"", sequence=True) for _ in range(20)]
        assert names == sorted(names)
        assert len(set(names)) == 20
        clients[leader].sync("/seq")
        assert sorted(clients[leader].get_children("/seq")) == [n.split("/")[-1] for n in names]
        # Pipelined: a read sent right behind a write on the same connection sees it.
        pairs = [(zk.create_async(f"/seq/p{k}", b"v"), zk.get_async(f"/seq/p{k}"),
                  zk.set_async(f"/seq/p{k}", b"w"), zk.get_async(f"/seq/p{k}"))
                 for k in range(10)]
        for create, get, set_, get2 in pairs:
            create.get(timeout=10)
            assert get.get(timeout=10)[0] == b"v"
            set_.get(timeout=10)
            assert get2.get(timeout=10)[0] == b"w"
        # Sessions are global: an ephemeral made through a follower is seen everywhere.
        zk.create("/eph", b"", ephemeral=True)
        owner = zk.client_id[0]
        for c in clients.values():
            c.sync("/eph")
            assert c.exists("/eph").ephemeralOwner == owner
    finally:
        for c in clients.values():
            c.stop()
            c.close()


@pytest.mark.timeout(90)
def test_leader_kill_fails_over_without_losing_acked_writes(ensemble):
    leader = ensemble.wait_leader()
    zk = connect(ensemble.hosts())
    acked = []
    try:
        zk.create("/acked", b"")
        for k in range(50):
            acked.append(zk.create("/acked/w-", str(k).encode(), sequence=True))
        ensemble.kill(leader)
        t0 = time.monotonic()
        survivors = [i for i in ensemble.ids if i != leader]
        new_leader = ensemble.wait_leader(survivors, timeout=30)
        # Writes are served again through the surviving servers.
        zk2 = connect(ensemble.hosts(survivors))
        try:
            testlib.wait_for(lambda: zk2.create("/after-failover", b"x"), timeout=30,
                             what="a write after failover")
            elapsed = time.monotonic() - t0
            budget = 2 * TICK_MS * INIT_LIMIT / 1000.0
            print(f"failover: leader {leader} killed, new leader {new_leader}, "
                  f"writes back after {elapsed:.2f}s (budget {budget:.1f}s)")
            assert elapsed <= budget
            zk2.sync("/acked")
            children = zk2.get_children("/acked")
            assert sorted(children) == sorted(a.split("/")[-1] for a in acked)
        finally:
            zk2.stop()
            zk2.close()
    finally:
        zk.stop()
        zk.close()


@pytest.mark.timeout(60)
def test_restarted_follower_catches_up(ensemble):
    leader = ensemble.wait_leader()
    follower = next(i for i in ensemble.ids if i != leader)
    ensemble.kill(follower)
    others = [i for i in ensemble.ids if i != follower]
    zk = connect(ensemble.hosts(others))
    try:
        zk.create("/while-down", b"1")
        ensemble.start(follower)
        testlib.wait_for(lambda: mode(ensemble.client[follower]) == "follower", timeout=20,
                         what="restarted follower to sync")
        # It was in sync before it died, so the leader sends only what it missed.
        log = (ensemble.tmp / f"zk{follower}.log").read_text()
        assert "syncing from leader by DIFF" in log
        zf = connect(ensemble.hosts([follower]))
        try:
            zf.sync("/")
            assert zf.get("/while-down")[0] == b"1"
        finally:
            zf.stop()
            zf.close()
    finally:
        zk.stop()
        zk.close()


@pytest.mark.timeout(90)
def test_two_of_three_down_no_write_is_acknowledged(ensemble):
    leader = ensemble.wait_leader()
    zk = connect(ensemble.hosts([leader]))
    try:
        zk.create("/before", b"1")
        followers = [i for i in ensemble.ids if i != leader]
        for f in followers:
            ensemble.kill(f)
        acked_without_quorum = False
        try:
            zk.create_async("/no-quorum", b"x").get(timeout=3 * SYNC_LIMIT * TICK_MS / 1000.0)
            acked_without_quorum = True
        except Exception:  # noqa: BLE001 - timeout or connection loss are both fine
            pass
        assert not acked_without_quorum
        # The lone server gives up leadership within syncLimit.
        testlib.wait_for(lambda: mode(ensemble.client[leader]) == "looking", timeout=10,
                         what="lone leader to step down")
    finally:
        zk.stop()
        zk.close()
    for f in followers:
        ensemble.start(f)
    ensemble.wait_leader(timeout=30)
    zk = connect(ensemble.hosts())
    try:
        zk.sync("/")
        assert zk.get("/before")[0] == b"1"
    finally:
        zk.stop()
        zk.close()


@pytest.mark.timeout(90)
def test_leader_sigstop_past_sync_limit(ensemble):
    leader = ensemble.wait_leader()
    zk = connect(ensemble.hosts([leader]))
    try:
        zk.create("/before-stop", b"1")
    finally:
        zk.stop()
        zk.close()
    ensemble.kill(leader, signal.SIGSTOP)
    others = [i for i in ensemble.ids if i != leader]
    t0 = time.monotonic()
    new_leader = ensemble.wait_leader(others, timeout=30)
    zk = connect(ensemble.hosts(others))
    try:
        testlib.wait_for(lambda: zk.create("/during-stop", b"2"), timeout=30,
                         what="a write while the old leader is stopped")
        print(f"SIGSTOP: leader {leader} stopped, new leader {new_leader}, writes back after "
              f"{time.monotonic() - t0:.2f}s")
        ensemble.kill(leader, signal.SIGCONT)
        # The old leader steps down and rejoins as a follower of the new epoch.
        testlib.wait_for(lambda: mode(ensemble.client[leader]) == "follower", timeout=30,
                         what="old leader to rejoin as follower")
        assert ensemble.wait_leader() == new_leader
    finally:
        zk.stop()
        zk.close()
    zo = connect(ensemble.hosts([leader]))
    try:
        zo.sync("/")
        assert zo.get("/during-stop")[0] == b"2"
        assert zo.get("/before-stop")[0] == b"1"
    finally:
        zo.stop()
        zo.close()


@pytest.mark.timeout(90)
def test_all_three_crash_and_restart_keep_acked_writes(ensemble):
    ensemble.wait_leader()
    zk = connect(ensemble.hosts())
    acked = []
    try:
        zk.create("/crash", b"")
        for k in range(30):
            acked.append(zk.create("/crash/w-", str(k).encode(), sequence=True))
        # Writes in flight while everything dies may or may not survive.
        for k in range(20):
            zk.create_async("/crash/inflight-", b"", sequence=True)
    finally:
        for i in ensemble.ids:
            ensemble.kill(i)
        zk.stop()
        zk.close()
    ensemble.start_all()
    ensemble.wait_leader(timeout=30)
    zk = connect(ensemble.hosts())
    try:
        zk.sync("/crash")
        children = set(zk.get_children("/crash"))
        assert set(a.split("/")[-1] for a in acked) <= children
        # Every server agrees once synced.
        for i in ensemble.ids:
            zi = connect(ensemble.hosts([i]))
            try:
                zi.sync("/crash")
                assert set(zi.get_children("/crash")) == children
            finally:
                zi.stop()
                zi.close()
    finally:
        zk.stop()
        zk.close()


CLIENT_SCRIPT = """
import sys, time
from kazoo.client import KazooClient
zk = KazooClient(hosts=sys.argv[1], timeout=1.0)
zk.start(timeout=15)
zk.create("/eph-of-crashed", b"", ephemeral=True)
print(hex(zk.client_id[0]), flush=True)
time.sleep(600)
"""


@pytest.mark.timeout(60)
def test_sessions_kept_alive_through_followers_and_expired_by_leader(ensemble, procs):
    leader = ensemble.wait_leader()
    follower = next(i for i in ensemble.ids if i != leader)
    zk = connect(ensemble.hosts([follower]))
    zk_leader = connect(ensemble.hosts([leader]))
    try:
        # A 1 s session that only talks to a follower stays alive on the leader.
        client = procs.start(["/usr/bin/python3", "-c", CLIENT_SCRIPT, ensemble.hosts([follower])],
                             log_path=str(ensemble.tmp / "client.log"))
        testlib.wait_for(lambda: zk_leader.exists("/eph-of-crashed"), timeout=20,
                         what="ephemeral from the client")
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline:
            zk_leader.sync("/")
            assert zk_leader.exists("/eph-of-crashed"), "session expired while its client was alive"
            time.sleep(0.2)
        # The client dies without closing: the leader expires the session and
        # every server drops the ephemeral.
        procs.kill(client)
        t0 = time.monotonic()
        testlib.wait_for(lambda: zk.sync("/") is not None and zk.exists("/eph-of-crashed") is None,
                         timeout=15, what="ephemeral removed after expiry")
        print(f"session expired {time.monotonic() - t0:.2f}s after its client died")
    finally:
        for c in (zk, zk_leader):
            c.stop()
            c.close()


@pytest.mark.timeout(60)
def test_sigterm_stops_an_ensemble_server_cleanly(ensemble):
    ensemble.wait_leader()
    for i in ensemble.ids:
        p = ensemble.proc[i]
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=10) == 0, ensemble.logs()


@pytest.mark.timeout(60)
def test_peer_ports_reject_unknown_servers(ensemble):
    ensemble.wait_leader()
    # A Hello claiming an unconfigured id is dropped at once.
    for port in list(ensemble.quorum.values()) + list(ensemble.election.values()):
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(b"\x00\x00\x00\x0c" + (99).to_bytes(8, "big") + (1).to_bytes(4, "big"))
            s.settimeout(3)
            try:
                assert s.recv(1) == b""
            except ConnectionResetError:
                pass


@pytest.mark.timeout(60)
def test_garbage_from_a_configured_peer_is_dropped(ensemble):
    leader = ensemble.wait_leader()
    other = next(i for i in ensemble.ids if i != leader)
    hello = b"\x00\x00\x00\x0c" + other.to_bytes(8, "big") + (1).to_bytes(4, "big")
    for port in (ensemble.election[leader], ensemble.quorum[leader]):
        for junk in (b"\x00\x00\x00\x03abc", b"\x7f\xff\xff\xff", b"\x00\x00\x00\x40" + b"\xff" * 64):
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                s.sendall(hello + junk)
                s.settimeout(3)
                try:
                    while s.recv(65536):
                        pass
                except (ConnectionResetError, socket.timeout):
                    pass
    assert ensemble.proc[leader].poll() is None
    zk = connect(ensemble.hosts())
    try:
        zk.create("/still-works", b"")
    finally:
        zk.stop()
        zk.close()


def tree_digest(zk, path="/"):
    """Sorted (path, data, version, ephemeralOwner) of every node under `path`
    (/zookeeper excluded: its quota node is per server)."""
    out = []
    stack = [path]
    while stack:
        p = stack.pop()
        data, stat = zk.get(p)
        out.append((p, data, stat.version, stat.ephemeralOwner))
        for child in zk.get_children(p):
            cp = (p.rstrip("/") + "/" + child)
            if cp != "/zookeeper":
                stack.append(cp)
    return sorted(out)


def digests(ensemble, path="/"):
    out = {}
    for i in ensemble.ids:
        zi = connect(ensemble.hosts([i]))
        try:
            zi.sync(path)
            out[i] = tree_digest(zi, path)
        finally:
            zi.stop()
            zi.close()
    return out


@pytest.mark.timeout(90)
@pytest.mark.parametrize("victim", [
    "follower",
    "leader",
])
def test_client_moves_to_another_server_keeping_session_and_ephemeral(ensemble, victim):
    leader = ensemble.wait_leader()
    target = leader if victim == "leader" else next(i for i in ensemble.ids if i != leader)
    others = [i for i in ensemble.ids if i != target]
    # The killed server first in the connect string, kept in that order.
    zk = KazooClient(hosts=ensemble.hosts([target] + others), timeout=6, randomize_hosts=False,
                     connection_retry={"max_tries": -1, "delay": 0.1, "max_delay": 0.5})
    zk.start(timeout=15)
    try:
        assert zk._connection._socket.getpeername()[1] == ensemble.client[target]
        session = zk.client_id[0]
        zk.create("/mover", b"m", ephemeral=True)
        ensemble.kill(target)
        ensemble.wait_leader(others, timeout=30)

        def moved():
            try:
                zk.sync("/mover")
                return zk.exists("/mover") is not None
            except Exception:  # noqa: BLE001 - connection loss while it moves
                return False
        testlib.wait_for(moved, timeout=20, what="client to move to another server")
        assert zk.client_id[0] == session
        assert zk._connection._socket.getpeername()[1] in [ensemble.client[i] for i in others]
        assert zk.exists("/mover").ephemeralOwner == session
        for i in others:
            zi = connect(ensemble.hosts([i]))
            try:
                zi.sync("/mover")
                assert zi.exists("/mover").ephemeralOwner == session
            finally:
                zi.stop()
                zi.close()
    finally:
        zk.stop()
        zk.close()


@pytest.mark.timeout(120)
def test_restarted_servers_hold_identical_trees(ensemble):
    leader = ensemble.wait_leader()
    followers = [i for i in ensemble.ids if i != leader]
    zk = connect(ensemble.hosts())
    try:
        zk.create("/t", b"root")
        for k in range(20):
            zk.create(f"/t/n{k}", str(k).encode())
        for k in range(0, 20, 3):
            zk.set(f"/t/n{k}", b"changed")
        zk.create("/t/eph", b"e", ephemeral=True)
        # One follower misses writes (DIFF on return), then both are down.
        ensemble.kill(followers[0])
        for k in range(20, 30):
            zk.create(f"/t/n{k}", str(k).encode())
        zk.delete("/t/n1")
        ensemble.kill(followers[1])
        failed_cleanly = False
        try:
            zk.create_async("/t/no-quorum", b"").get(timeout=3 * SYNC_LIMIT * TICK_MS / 1000.0)
        except Exception:  # noqa: BLE001 - timeout or connection loss: not acknowledged
            failed_cleanly = True
        assert failed_cleanly
    finally:
        zk.stop()
        zk.close()
    for f in followers:
        ensemble.start(f)
    ensemble.wait_leader(timeout=30)
    d = digests(ensemble)
    assert d[1] == d[2] == d[3]
    names = {p for p, _, _, _ in d[1]}
    assert "/t/n29" in names and "/t/n1" not in names
    # zk.close() found no quorum, so /t/eph lives until its session expires;
    # either way every server agrees on it (digest above).


@pytest.mark.timeout(120)
def test_sequential_names_unique_across_leader_kill(ensemble):
    leader = ensemble.wait_leader()
    survivors = [i for i in ensemble.ids if i != leader]
    zk = connect(ensemble.hosts(survivors))
    acked = []
    try:
        zk.create("/seqk", b"")

        def create_some(n):
            for _ in range(n):
                try:
                    acked.append(zk.create("/seqk/s-", b"", sequence=True))
                except Exception:  # noqa: BLE001 - not acknowledged during failover
                    pass
        create_some(30)
        # Asynchronous creates in flight while the leader dies.
        inflight = [zk.create_async("/seqk/s-", b"", sequence=True) for _ in range(30)]
        ensemble.kill(leader)
        for a in inflight:
            try:
                acked.append(a.get(timeout=20))
            except Exception:  # noqa: BLE001 - lost in the failover: not acknowledged
                pass
        ensemble.wait_leader(survivors, timeout=30)
        testlib.wait_for(lambda: zk.create("/seqk/s-", b"", sequence=True), timeout=30,
                         what="a sequential create after failover")
        create_some(30)
        assert len(acked) == len(set(acked)), "a sequential name was handed out twice"
        zk.sync("/seqk")
        children = set(zk.get_children("/seqk"))
        assert {a.split("/")[-1] for a in acked} <= children
    finally:
        zk.stop()
        zk.close()


@pytest.fixture
def ro_ensemble(procs, tmp_path):
    e = Ensemble(procs, tmp_path, extra=["readonlymode.enabled=true"])
    e.start_all()
    yield e
    if os.environ.get("ZK_ENSEMBLE_LOGS"):
        print(e.logs())


@pytest.mark.timeout(90)
@pytest.mark.parametrize("survivor_role", ["leader", "follower"])
def test_read_only_mode_with_two_of_three_down(ro_ensemble, survivor_role):
    """Kill two of three: no write is acknowledged, reads still answer for
    read-only clients (readonlymode.enabled), and when the quorum returns the
    read-only client is moved back to a read-write server."""
    e = ro_ensemble
    leader = e.wait_leader()
    zk = connect(e.hosts())
    try:
        zk.create("/ro", b"data")
        zk.create("/ro/child", b"c")
    finally:
        zk.stop()
        zk.close()
    # An old leader as survivor may have logged more than was committed.
    survivor = leader if survivor_role == "leader" else next(i for i in e.ids if i != leader)
    victims = [i for i in e.ids if i != survivor]
    for v in victims:
        e.kill(v)
    testlib.wait_for(lambda: four_letter(e.client[survivor], "isro") == "ro", timeout=20,
                     what="the survivor to enter read-only mode")
    assert mode(e.client[survivor]) == "read-only"
    assert "zk_server_state\tread-only" in four_letter(e.client[survivor], "mntr")

    # A client that does not accept read-only servers gets no session.
    rw = KazooClient(hosts=e.hosts([survivor]), timeout=4,
                     connection_retry={"max_tries": 2, "delay": 0.1})
    with pytest.raises(Exception):
        rw.start(timeout=2)
    rw.stop()
    rw.close()

    ro = KazooClient(hosts=e.hosts(), timeout=6, read_only=True,
                     connection_retry={"max_tries": -1, "delay": 0.1, "max_delay": 0.5})
    ro.start(timeout=20)
    try:
        assert ro.client_state == KeeperState.CONNECTED_RO
        assert ro.get("/ro")[0] == b"data"
        assert ro.get_children("/ro") == ["child"]
        assert ro.exists("/ro/child").dataLength == 1
        with pytest.raises(NotReadOnlyCallError):
            ro.create("/ro/write", b"x")
        with pytest.raises(NotReadOnlyCallError):
            ro.set("/ro", b"changed")
        with pytest.raises(NotReadOnlyCallError):
            ro.delete("/ro/child")
        assert ro.get("/ro")[0] == b"data"

        # Quorum back: read-only connections are closed, the client finds a
        # read-write server and writes again.
        for v in victims:
            e.start(v)
        e.wait_leader(timeout=30)
        testlib.wait_for(lambda: ro.client_state == KeeperState.CONNECTED, timeout=30,
                         what="the read-only client to reach a read-write server")

        def write():
            try:
                ro.create("/ro/after", b"a")
                return True
            except NotReadOnlyCallError:
                return False
        testlib.wait_for(write, timeout=20, what="a write after the quorum returned")
        assert four_letter(e.client[survivor], "isro") == "rw"
    finally:
        ro.stop()
        ro.close()
    d = digests(e, "/ro")
    assert d[1] == d[2] == d[3]
    assert {p for p, _, _, _ in d[1]} == {"/ro", "/ro/child", "/ro/after"}


def srvr_zxid(port):
    for line in four_letter(port, "srvr").splitlines():
        if line.startswith("Zxid: "):
            return int(line[len("Zxid: "):], 16)
    return None


@pytest.mark.timeout(120)
@pytest.mark.parametrize("rejoin,new_writes", [("sigcont", 3), ("restart", 0)])
def test_uncommitted_tail_is_truncated_on_rejoin(ensemble, rejoin, new_writes):
    """An old leader that logged writes no quorum accepted rejoins the new
    epoch by TRUNC (not a full snapshot): the tail is gone everywhere."""
    e = ensemble
    leader = e.wait_leader()
    followers = [i for i in e.ids if i != leader]
    zk = connect(e.hosts([leader]))
    try:
        zk.create("/t", b"")
        for k in range(5):
            zk.create(f"/t/kept{k}", b"k")
        # Stopped while the leader proposes (it keeps its quorum links), then
        # killed: the proposals buffered on their sockets are never read.
        for f in followers:
            e.kill(f, signal.SIGSTOP)
        before = srvr_zxid(e.client[leader])
        for k in range(4):
            zk.create_async(f"/t/lost{k}", b"x")
        # Applied and logged by the leader alone, never acknowledged.
        testlib.wait_for(lambda: srvr_zxid(e.client[leader]) >= before + 4, timeout=10,
                         what="the leader to apply the unacknowledged writes")
        for f in followers:
            e.kill(f)
        testlib.wait_for(lambda: mode(e.client[leader]) != "leader", timeout=20,
                         what="the lone leader to step down")
    finally:
        zk.stop()
        zk.close()
    if rejoin == "restart":
        e.kill(leader)
    else:
        e.kill(leader, signal.SIGSTOP)
    for f in followers:
        e.start(f)
    new_leader = e.wait_leader(followers, timeout=30)
    if new_writes:
        zn = connect(e.hosts(followers))
        try:
            for k in range(new_writes):
                zn.create(f"/t/new{k}", b"n")
        finally:
            zn.stop()
            zn.close()
    if rejoin == "restart":
        e.start(leader)
    else:
        e.kill(leader, signal.SIGCONT)
    testlib.wait_for(lambda: mode(e.client[leader]) == "follower", timeout=30,
                     what="the old leader to rejoin as follower")
    d = digests(e, "/t")
    assert d[1] == d[2] == d[3]
    names = {p for p, _, _, _ in d[leader]}
    assert not any("lost" in p for p in names), names
    assert {f"/t/kept{k}" for k in range(5)} <= names
    assert {f"/t/new{k}" for k in range(new_writes)} <= names
    log = (e.tmp / f"zk{new_leader}.log").read_text()
    assert f"syncing follower {leader} by TRUNC" in log
    assert f"syncing follower {leader} by SNAP" not in log


@pytest.fixture
def small_snap_ensemble(procs, tmp_path):
    e = Ensemble(procs, tmp_path, extra=["snapCount=20"])
    e.start_all()
    yield e


@pytest.mark.timeout(90)
def test_followers_take_snapshots(small_snap_ensemble):
    e = small_snap_ensemble
    leader = e.wait_leader()
    follower = next(i for i in e.ids if i != leader)
    zk = connect(e.hosts([leader]))
    try:
        zk.create("/s", b"")
        for k in range(100):
            zk.create(f"/s/n{k}", b"v")
        zk.sync("/s")
    finally:
        zk.stop()
        zk.close()
    snaps_dir = e.tmp / f"zk{follower}" / "version-2"

    def follower_snapshots():
        return [p for p in snaps_dir.iterdir() if p.name.startswith("snapshot.")
                and int(p.name.split(".")[1], 16) > 0]
    testlib.wait_for(lambda: len(follower_snapshots()) >= 3, timeout=10,
                     what="the follower to take snapshots")
    # A restart loads the newest snapshot and replays fewer than snapCount txns.
    e.kill(follower)
    e.start(follower)
    e.wait_leader(timeout=30)
    log = (e.tmp / f"zk{follower}.log").read_text()
    recovered = [ln for ln in log.splitlines() if "recovered zxid=" in ln][-1]
    replayed = int(recovered.split(" txns replayed")[0].rsplit(", ", 1)[1])
    assert replayed < 40, recovered
    d = digests(e, "/s")
    assert d[1] == d[2] == d[3]
    assert len(d[follower]) == 101


@pytest.mark.timeout(150)
def test_random_failovers_keep_zxids_and_sequence_names_monotonic(ensemble):
    """Z2/Z5 under repeated failover (leader or follower, SIGKILL or SIGSTOP,
    chosen at random; ZK_FAILOVER_SEED replays a run): the zxids one session
    sees never go back, a reader's view never shrinks, and the sequential names
    one client is acknowledged strictly increase (never repeat)."""
    import random
    import threading
    seed = int(os.environ.get("ZK_FAILOVER_SEED", int(time.time())))
    print(f"ZK_FAILOVER_SEED={seed}")
    rnd = random.Random(seed)
    e = ensemble
    e.wait_leader()
    writer_zk = connect(e.hosts())
    reader_zk = connect(e.hosts())
    writer_zk.create("/rf", b"")
    acked, writer_zxids, reader_seen = [], [], []
    stop = threading.Event()

    def writer():
        while not stop.is_set():
            try:
                acked.append(writer_zk.create("/rf/s-", b"", sequence=True))
            except Exception:  # noqa: BLE001 - not acknowledged during failover
                stop.wait(0.02)
            writer_zxids.append(writer_zk.last_zxid)

    def reader():
        while not stop.is_set():
            try:
                n = len(reader_zk.get_children("/rf"))
                reader_seen.append((reader_zk.last_zxid, n))
            except Exception:  # noqa: BLE001 - connection loss while it moves
                stop.wait(0.02)
            stop.wait(0.005)

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    try:
        for _ in range(4):
            leader = e.wait_leader(timeout=30)
            victim = leader if rnd.random() < 0.7 else rnd.choice(
                [i for i in e.ids if i != leader])
            sig = signal.SIGSTOP if rnd.random() < 0.3 else signal.SIGKILL
            others = [i for i in e.ids if i != victim]
            n_before = len(acked)
            e.kill(victim, sig)
            e.wait_leader(others, timeout=30)
            testlib.wait_for(lambda: len(acked) >= n_before + 5, timeout=30,
                             what=f"writes after failing {victim} (seed {seed})")
            if sig == signal.SIGSTOP:
                e.kill(victim, signal.SIGCONT)
            else:
                e.start(victim)
        e.wait_leader(timeout=30)
        n_before = len(acked)
        testlib.wait_for(lambda: len(acked) >= n_before + 5, timeout=30,
                         what=f"writes after the last recovery (seed {seed})")
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    try:
        assert all(a <= b for a, b in zip(writer_zxids, writer_zxids[1:])), \
            f"writer's zxid went back (seed {seed})"
        assert all(a[0] <= b[0] and a[1] <= b[1] for a, b in zip(reader_seen, reader_seen[1:])), \
            f"reader's view went back (seed {seed})"
        nums = [int(a.rsplit("-", 1)[1]) for a in acked]
        assert all(a < b for a, b in zip(nums, nums[1:])), \
            f"sequential names repeated or decreased (seed {seed})"
        writer_zk.sync("/rf")
        children = set(writer_zk.get_children("/rf"))
        assert {a.split("/")[-1] for a in acked} <= children
        assert len(acked) >= 25 and len(reader_seen) > 0
    finally:
        for z in (writer_zk, reader_zk):
            z.stop()
            z.close()
    d = digests(e, "/rf")
    assert d[1] == d[2] == d[3]


@pytest.mark.timeout(90)
def test_follower_behind_restarted_servers_syncs_by_diff(ensemble):
    """The leader's DIFF history survives a restart (rebuilt from the log it
    replays), so a follower that missed writes still gets a DIFF, not a SNAP."""
    e = ensemble
    leader = e.wait_leader()
    behind = next(i for i in e.ids if i != leader)
    zk = connect(e.hosts([leader]))
    try:
        zk.create("/d", b"")
        for k in range(10):
            zk.create(f"/d/a{k}", b"a")
        e.kill(behind)
        for k in range(10):
            zk.create(f"/d/b{k}", b"b")
    finally:
        zk.stop()
        zk.close()
    for i in e.ids:
        if i != behind:
            e.kill(i)
    for i in e.ids:
        e.start(i)
    new_leader = e.wait_leader(timeout=30)
    assert new_leader != behind  # it lacks the /d/b* writes
    log = (e.tmp / f"zk{new_leader}.log").read_text()
    assert f"syncing follower {behind} by DIFF" in log
    assert f"syncing follower {behind} by SNAP" not in log
    d = digests(e, "/d")
    assert d[1] == d[2] == d[3]
    assert len(d[behind]) == 21


def mntr_value(port, key):
    for line in four_letter(port, "mntr").splitlines():
        k, _, v = line.partition("\t")
        if k == key:
            return v
    return None


@pytest.mark.timeout(60)
def test_follower_paused_past_sync_limit_is_dropped_and_catches_up(ensemble):
    e = ensemble
    leader = e.wait_leader()
    paused = next(i for i in e.ids if i != leader)
    zk = connect(e.hosts([leader]))
    try:
        zk.create("/p", b"")
        e.kill(paused, signal.SIGSTOP)
        # Writes go on with the other follower; the leader drops the silent one.
        written = 0

        def dropped():
            nonlocal written
            zk.create(f"/p/n{written}", b"v")
            written += 1
            return mntr_value(e.client[leader], "zk_synced_followers") == "1"
        testlib.wait_for(dropped, timeout=20, what="the leader to drop the paused follower")
        for _ in range(10):
            zk.create(f"/p/n{written}", b"v")
            written += 1
        e.kill(paused, signal.SIGCONT)
        testlib.wait_for(
            lambda: mode(e.client[paused]) == "follower"
            and mntr_value(e.client[leader], "zk_synced_followers") == "2",
            timeout=20, what="the paused follower to resync")
        assert e.wait_leader() == leader
    finally:
        zk.stop()
        zk.close()
    log = (e.tmp / f"zk{leader}.log").read_text()
    assert f"dropping follower {paused}: silent for syncLimit" in log
    d = digests(e, "/p")
    assert d[1] == d[2] == d[3]
    assert len(d[paused]) == written + 1

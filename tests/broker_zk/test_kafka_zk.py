"""kafka_zk against real ZooKeeper servers: Kafka's znodes, byte for byte.

Runs bazel-bin/daemon/broker/zk/kafka_zk_driver (a stdin-scripted KafkaZk session
printing JSON) against Apache ZooKeeper 3.8 and, when built, our zookeeper-server,
through a chroot connect string (127.0.0.1:PORT/kafka...), and checks what it wrote
with kazoo: exact JSON, ephemeral owners, controller election by racing drivers,
conditional partition-state updates and watches.
"""
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "zookeeper"))
import testlib  # noqa: E402
import zkharness  # noqa: E402

DRIVER = "daemon/broker/zk/kafka_zk_driver"
SESSION_MS = 6000

pytestmark = pytest.mark.timeout(90)


def driver_binary():
    try:
        return testlib.binary(DRIVER)
    except FileNotFoundError:
        pytest.skip("kafka_zk_driver not built")


@pytest.fixture(scope="module", params=["apache", "ours"])
def server(request, tmp_path_factory):
    kind = request.param
    if kind == "ours" and zkharness.ours_binary() is None:
        pytest.skip("zookeeper-server not built")
    driver_binary()
    procs = testlib.Processes()
    srv = zkharness.ZkServer(kind, tmp_path_factory.mktemp(f"kzk-{kind}"))
    try:
        srv.start(procs)
        yield srv
    finally:
        procs.cleanup()


class Driver:
    """One kafka_zk_driver process: one ZooKeeper session."""

    def __init__(self, procs, connect, log_path):
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen([driver_binary(), connect, str(SESSION_MS)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log, start_new_session=True, text=True)
        procs.procs.append(self.proc)
        self.lines = queue.Queue()
        self.events = []
        threading.Thread(target=self._pump, daemon=True).start()
        first = self._next(20)
        assert first.get("event") == "state" and first["state"] == "SyncConnected", first
        self.session_id = first["session_id"]

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))
        self.lines.put(None)

    def _next(self, timeout):
        msg = self.lines.get(timeout=timeout)
        if msg is None:
            raise AssertionError(f"driver exited with {self.proc.wait(5)}")
        return msg

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def result(self, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            msg = self._next(max(0.1, deadline - time.monotonic()))
            if "cmd" in msg:
                return msg
            self.events.append(msg)

    def cmd(self, line, timeout=30):
        self.send(line)
        return self.result(timeout)

    def ok(self, line):
        r = self.cmd(line)
        assert r["ok"], r
        return r["value"]

    def wait_event(self, name, pred, timeout=15, latest=False):
        """Waits for an event `name` whose value satisfies pred (only the newest
        such event counts with latest=True)."""
        def seen():
            while True:
                try:
                    msg = self.lines.get_nowait()
                except queue.Empty:
                    break
                if msg is None:
                    raise AssertionError("driver exited")
                self.events.append(msg)
            mine = [e for e in self.events if e.get("event") == name]
            if latest:
                mine = mine[-1:]
            return any(e.get("ok") and pred(e["value"]) for e in mine)
        testlib.wait_for(seen, timeout=timeout, what=f"{name} event")

    def quit(self):
        """Ends the session cleanly; returns the exit code (None if it was killed)."""
        rc = None
        if self.proc.poll() is None:
            self.send("quit")
            rc = self.proc.wait(timeout=15)
        if not self.log.closed:
            self.log.close()
        return rc


@pytest.fixture
def env(server, procs, tmp_path):
    """A fresh chroot on the module's server, drivers and a kazoo client inside it."""
    chroot = "/kafka_" + uuid.uuid4().hex[:8]
    connect = f"{server.hosts}{chroot}"
    drivers = []
    clients = []

    class Env:
        pass

    e = Env()
    e.chroot = chroot
    e.kind = server.kind
    e.connect = connect

    def driver():
        d = Driver(procs, connect, str(tmp_path / f"driver{len(drivers)}.log"))
        drivers.append(d)
        return d

    def kazoo(chrooted=True):
        c = zkharness.kazoo_client(connect if chrooted else server.hosts)
        clients.append(c)
        return c

    e.driver = driver
    e.kazoo = kazoo
    yield e
    codes = []
    for d in drivers:
        try:
            codes.append(d.quit())
        except Exception as ex:  # noqa: BLE001 - the procs fixture kills leftovers
            codes.append(repr(ex))
    for c in clients:
        zkharness.stop_client(c)
    # A clean exit (also under ASan/LSan builds) is part of the contract.
    assert all(rc in (0, None) for rc in codes), codes


def assert_null_data(zk, path, kind):
    """Kafka creates its structural znodes with null data (zkCli prints "null").
    Our zookeeper-server does not keep null apart from empty yet: accept b"" there."""
    value = zk.get(path)[0]
    assert value is None or (kind == "ours" and value == b""), (path, value)


def data(zk, path):
    value, stat = zk.get(path)
    return value.decode(), stat


PERSISTENT = ["/consumers", "/brokers/ids", "/brokers/topics", "/brokers/seqid",
              "/config/changes", "/config/clients", "/config/topics", "/config/users",
              "/config/brokers", "/admin/delete_topics", "/isr_change_notification",
              "/latest_producer_id_block", "/log_dir_event_notification", "/cluster"]


def test_bootstrap_under_kafka_chroot(server, procs, tmp_path):
    # The plain "/kafka" chroot of the issue; created by the driver itself.
    root = zkharness.kazoo_client(server.hosts)
    try:
        if root.exists("/kafka"):
            root.delete("/kafka", recursive=True)
        d = Driver(procs, f"{server.hosts}/kafka", str(tmp_path / "driver.log"))
        assert root.exists("/kafka")
        assert d.ok("ensure_paths") is None
        for p in PERSISTENT:
            assert root.exists("/kafka" + p), p
            assert_null_data(root, "/kafka" + p, server.kind)
        assert_null_data(root, "/kafka", server.kind)
        cid = d.ok("cluster_id")
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", cid)
        assert data(root, "/kafka/cluster/id")[0] == f'{{"version":"1","id":"{cid}"}}'
        assert d.ok("cluster_id") == cid  # idempotent
        assert d.ok("ensure_paths") is None  # idempotent
        d.quit()
    finally:
        zkharness.stop_client(root)


def test_broker_registration_is_kafkas_ephemeral_json(env):
    d = env.driver()
    zk = env.kazoo()
    d.ok("ensure_paths")
    czxid = d.ok("register 1 127.0.0.1 9092")["czxid"]
    raw, stat = data(zk, "/brokers/ids/1")
    m = re.fullmatch(r'\{"listener_security_protocol_map":\{"PLAINTEXT":"PLAINTEXT"\},'
                     r'"endpoints":\["PLAINTEXT://127\.0\.0\.1:9092"\],"jmx_port":-1,'
                     r'"features":\{\},"host":"127\.0\.0\.1","timestamp":"(\d+)",'
                     r'"port":9092,"version":5\}', raw)
    assert m, raw
    assert abs(int(m.group(1)) / 1000 - time.time()) < 60
    assert stat.ephemeralOwner == d.session_id
    assert stat.czxid == czxid
    # Registering again in the same session finds our own node.
    assert d.ok("register 1 127.0.0.1 9092")["czxid"] == czxid
    d.ok("register 2 127.0.0.1 9093 rack7")
    assert '"rack":"rack7"' in data(zk, "/brokers/ids/2")[0]
    brokers = d.ok("brokers")
    assert [b["id"] for b in brokers] == [1, 2]
    assert brokers[1]["rack"] == "rack7"
    assert brokers[0]["endpoints"] == ["PLAINTEXT://127.0.0.1:9092"]


def test_registration_conflict_reports_owner_then_waits_for_expiry(env):
    a = env.driver()
    b = env.driver()
    a.ok("ensure_paths")
    a.ok("register 3 127.0.0.1 9092")
    r = b.cmd("register 3 127.0.0.1 9093")
    assert not r["ok"] and r["code"] == "AlreadyExists"
    assert r["error"] == ("Error while creating ephemeral at /brokers/ids/3, node already exists "
                          f"and owner '{a.session_id}' does not match current session "
                          f"'{b.session_id}'")
    # A crashes: its node stays until its session expires, which b waits for.
    os.kill(a.proc.pid, signal.SIGKILL)
    a.proc.wait(10)
    start = time.monotonic()
    czxid = b.ok(f"register 3 127.0.0.1 9093 - {SESSION_MS * 4}")["czxid"]
    assert time.monotonic() - start < SESSION_MS * 4 / 1000
    _, stat = data(env.kazoo(), "/brokers/ids/3")
    assert stat.ephemeralOwner == b.session_id and stat.czxid == czxid


def test_create_topic_writes_config_then_assignment(env):
    d = env.driver()
    zk = env.kazoo()
    d.ok("ensure_paths")
    topic_id = d.ok("create_topic foo 0:1,2;1:2,1 retention.ms=1000")["topic_id"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", topic_id) and topic_id[0] != "-"
    assignment, tstat = data(zk, "/brokers/topics/foo")
    assert assignment == ('{"partitions":{"0":[1,2],"1":[2,1]},"topic_id":"%s",'
                          '"adding_replicas":{},"removing_replicas":{},"version":3}' % topic_id)
    config, cstat = data(zk, "/config/topics/foo")
    assert config == '{"version":1,"config":{"retention.ms":"1000"}}'
    assert cstat.czxid < tstat.czxid  # config first, as AdminZkClient does

    r = d.cmd("create_topic foo 0:1")
    assert (r["ok"], r["code"], r["error"]) == (False, "AlreadyExists", "Topic 'foo' already exists.")
    d.ok("create_topic a_b 0:1")
    r = d.cmd("create_topic a.b 0:1")
    assert (r["code"], r["error"]) == ("InvalidArgument", "Topic 'a.b' collides with existing topics: a_b")
    r = d.cmd("create_topic bad! 0:1")
    assert r["code"] == "InvalidArgument" and "illegal" in r["error"]
    r = d.cmd("create_topic gap 0:1;2:1")
    assert r["error"] == "partitions should be a consecutive 0-based integer sequence"
    assert not zk.exists("/brokers/topics/gap") and not zk.exists("/config/topics/gap")

    # Older Kafka wrote version 1 assignments; they still read.
    zk.create("/brokers/topics/old", b'{"version":1,"partitions":{"0":[3]}}')
    assert d.ok("topics") == ["a_b", "foo", "old"]
    assert d.ok("assignment old") == {"partitions": {"0": [3]}, "version": 1}
    assert d.ok("assignment foo")["topic_id"] == topic_id
    assert d.ok("config foo") == {"retention.ms": "1000"}
    assert d.ok("config old") == {}
    assert d.cmd("assignment nope")["code"] == "NotFound"

    d.ok("alter_config foo retention.ms=2000 cleanup.policy=compact")
    assert data(zk, "/config/topics/foo")[0] == (
        '{"version":1,"config":{"cleanup.policy":"compact","retention.ms":"2000"}}')
    changes = zk.get_children("/config/changes")
    assert len(changes) == 1 and re.fullmatch(r"config_change_\d{10}", changes[0])
    assert data(zk, "/config/changes/" + changes[0])[0] == '{"version":2,"entity_path":"topics/foo"}'


def test_partition_state_conditional_updates(env):
    d = env.driver()
    zk = env.kazoo()
    d.ok("ensure_paths")
    d.ok("create_topic t 0:1,2,3")
    assert d.ok("create_state t 0 1 0 1,2,3 1") == {"zk_version": 0}
    raw, stat = data(zk, "/brokers/topics/t/partitions/0/state")
    assert raw == '{"controller_epoch":1,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2,3]}'
    assert_null_data(zk, "/brokers/topics/t/partitions", env.kind)
    assert_null_data(zk, "/brokers/topics/t/partitions/0", env.kind)
    assert d.cmd("create_state t 0 1 0 1,2,3 1")["code"] == "AlreadyExists"

    assert d.ok("update_state t 0 2 1 2,3 1 0") == {"zk_version": 1}
    assert data(zk, "/brokers/topics/t/partitions/0/state")[0] == (
        '{"controller_epoch":1,"leader":2,"version":1,"leader_epoch":1,"isr":[2,3]}')
    stale = d.cmd("update_state t 0 3 2 3 1 0")
    assert not stale["ok"] and stale["bad_version"] and stale["code"] == "Aborted"
    # Someone else writes: our version 1 is stale too.
    zk.set("/brokers/topics/t/partitions/0/state", raw.encode())
    assert d.cmd("update_state t 0 3 2 3 1 1")["bad_version"]
    st = d.ok("get_state t 0")
    assert st == {"leader": 1, "leader_epoch": 0, "isr": [1, 2, 3], "controller_epoch": 1,
                  "zk_version": 2}
    assert d.ok("update_state t 0 3 2 3 1 2") == {"zk_version": 3}
    assert d.cmd("update_state t 9 3 2 3 1 0")["code"] == "NotFound"
    zk.create("/brokers/topics/t/partitions/1")  # a partition without state yet
    assert d.ok("states t") == {"0": {"leader": 3, "isr": [3], "zk_version": 3}}
    assert d.ok("states none") == {}


def test_controller_election_race_and_fencing(env):
    d1 = env.driver()
    d2 = env.driver()
    zk = env.kazoo()
    d1.ok("ensure_paths")
    d1.ok("create_topic t 0:1,2")
    # Both race for /controller.
    d1.send("elect 1")
    d2.send("elect 2")
    r1, r2 = d1.result(), d2.result()
    assert r1["ok"] and r2["ok"], (r1, r2)
    winners = [r for r in (r1["value"], r2["value"]) if r["elected"]]
    assert len(winners) == 1, (r1, r2)
    w = winners[0]
    wid = w["controller_id"]
    assert w["epoch"] == 1
    assert r1["value"]["controller_id"] == r2["value"]["controller_id"] == wid
    winner, loser = (d1, d2) if wid == 1 else (d2, d1)
    raw, stat = data(zk, "/controller")
    assert re.fullmatch(r'\{"version":1,"brokerid":%d,"timestamp":"\d+"\}' % wid, raw), raw
    assert stat.ephemeralOwner == winner.session_id
    epoch_raw, epoch_stat = data(zk, "/controller_epoch")
    assert epoch_raw == "1" and epoch_stat.version == w["epoch_zk_version"]
    assert loser.ok("controller") == wid

    # The winner writes partition state fenced by its epoch version.
    fence = w["epoch_zk_version"]
    assert winner.ok(f"create_state t 0 1 0 1,2 1 {fence}") == {"zk_version": 0}
    assert winner.ok(f"update_state t 0 2 1 2 1 0 {fence}") == {"zk_version": 1}

    # The winner goes away; the loser sees it through its watch and takes over.
    loser.ok("watch_controller")
    loser.wait_event("controller", lambda v: v == wid)
    winner.quit()
    loser.wait_event("controller", lambda v: v is None)
    lid = 2 if wid == 1 else 1
    second = loser.ok(f"elect {lid}")
    assert second["elected"] and second["epoch"] == 2
    assert data(zk, "/controller_epoch")[0] == "2"
    loser.wait_event("controller", lambda v: v == lid, latest=True)

    # The old controller's epoch version no longer fences anything.
    moved = loser.cmd(f"update_state t 0 3 2 1 1 1 {fence}")
    assert not moved["ok"] and moved["controller_moved"] and not moved["bad_version"]
    assert loser.ok(f"update_state t 0 3 2 1 2 1 {second['epoch_zk_version']}") == {"zk_version": 2}
    assert loser.ok(f"elect {lid}")["elected"]  # we already hold it
    loser.ok(f"resign {lid}")
    assert not zk.exists("/controller")


def test_topic_deletion(env):
    d = env.driver()
    zk = env.kazoo()
    d.ok("ensure_paths")
    d.ok("create_topic gone 0:1;1:1 retention.ms=5")
    d.ok("create_state gone 0 1 0 1 1")
    d.ok("watch_deletions")
    d.ok("watch_assignment gone")
    d.wait_event("deletions", lambda v: v == [])
    d.wait_event("assignment", lambda v: v is not None and v["partitions"] == {"0": [1], "1": [1]})
    d.ok("mark_delete gone")
    d.wait_event("deletions", lambda v: v == ["gone"])
    assert_null_data(zk, "/admin/delete_topics/gone", env.kind)
    assert d.ok("marked") == ["gone"]
    r = d.cmd("mark_delete gone")
    assert (r["code"], r["error"]) == ("AlreadyExists", "topic gone is already marked for deletion")
    assert d.cmd("mark_delete nope")["code"] == "NotFound"
    r = d.cmd("create_topic gone 0:1")
    assert r["error"] == "Topic 'gone' is marked for deletion."
    d.ok("delete_znodes gone")
    for p in ("/brokers/topics/gone", "/config/topics/gone", "/admin/delete_topics/gone"):
        assert not zk.exists(p), p
    d.wait_event("assignment", lambda v: v is None)
    d.wait_event("deletions", lambda v: v == [], latest=True)
    assert d.ok("topics") == []
    d.ok("delete_znodes gone")  # idempotent


def test_watches_follow_brokers_and_topics(env):
    d = env.driver()
    zk = env.kazoo()
    d.ok("watch_topics")  # before the path exists
    d.wait_event("topics", lambda v: v == [])
    d.ok("ensure_paths")
    d.ok("watch_brokers")
    d.wait_event("brokers", lambda v: v == [])
    other = env.driver()
    other.ok("register 5 127.0.0.1 9092")
    d.wait_event("brokers", lambda v: v == [5])
    zk.create("/brokers/topics/x", b'{"version":1,"partitions":{"0":[5]}}')
    d.wait_event("topics", lambda v: v == ["x"])
    d.ok("create_topic y 0:5")
    d.wait_event("topics", lambda v: v == ["x", "y"])
    other.quit()
    d.wait_event("brokers", lambda v: v == [], latest=True)
    # Re-arming never multiplies: one change, one event.
    before = len([e for e in d.events if e.get("event") == "topics"])
    zk.create("/brokers/topics/z", b'{"version":1,"partitions":{"0":[5]}}')
    d.wait_event("topics", lambda v: v == ["x", "y", "z"])
    d.ok("session")  # drains pending output
    assert len([e for e in d.events if e.get("event") == "topics"]) == before + 1

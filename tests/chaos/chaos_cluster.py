"""The tier-A chaos cluster (RELIABILITY.md §7.2): three zookeeper-server processes of
ours as an ensemble (or one, CHAOS_ZK=single) and three kafka-server brokers, all on free
loopback ports with their own temp dirs, tracked by PID through testlib.Processes and
faulted by signals to those PIDs only.

Broker configuration is §7.2's: zookeeper.session.timeout.ms=6000,
replica.lag.time.max.ms=10000, 1 MiB segments, min.insync.replicas=2, unclean leader
election off. Cluster state is read from ZooKeeper with kazoo (the partition state
znodes are the truth the controller writes) and from Metadata with confluent-kafka.
"""
import json
import os
import signal
import socket
import subprocess
import time

import testlib

SESSION_TIMEOUT_MS = 6000
REPLICA_LAG_MS = 10000
SEGMENT_BYTES = 1 << 20
CHROOT = "/kafka"
TICK_MS = 200


def find_binary(label_path):
    """The newest built copy of a binary among bazel-bin and bazel-out/<config>/bin
    (bazel-bin follows whichever configuration was built last)."""
    candidates = []
    try:
        candidates.append(testlib.binary(label_path))
    except FileNotFoundError:
        pass
    for cfg in ("k8-fastbuild", "k8-opt", "k8-dbg"):
        path = os.path.join(testlib.REPO, "bazel-out", cfg, "bin", label_path)
        if os.access(path, os.X_OK):
            candidates.append(path)
    if not candidates:
        return testlib.binary(label_path)  # raises with testlib's message
    return max(candidates, key=os.path.getmtime)


def optional_binary(label_path):
    try:
        return find_binary(label_path)
    except FileNotFoundError:
        return None


def four_letter(port, cmd):
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(cmd.encode())
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    return out.decode(errors="replace")


def zk_mode(port):
    try:
        for line in four_letter(port, "srvr").splitlines():
            if line.startswith("Mode: "):
                return line[len("Mode: "):]
    except OSError:
        return None
    return None


class ChaosCluster:
    def __init__(self, procs, tmp_path, zk_kind=None, broker_ids=(0, 1, 2)):
        self.procs = procs
        self.tmp = tmp_path
        self.zk_kind = zk_kind or os.environ.get("CHAOS_ZK", "ensemble")
        self.zk_ids = [1, 2, 3] if self.zk_kind == "ensemble" else [1]
        self.zk = {}  # id -> dict(client, quorum, election, proc)
        self.broker_ids = list(broker_ids)
        self.brokers = {}  # id -> dict(port, logdir, log, proc, props)
        self._kazoo = None
        self.events = []  # (wall time, what) for the report
        self.expected_dead = set()  # brokers this harness killed or terminated

    def mark(self, what):
        self.events.append((round(time.time(), 3), what))

    # -- ZooKeeper ----------------------------------------------------------------
    def start_zookeeper(self, timeout=30):
        for i in self.zk_ids:
            self.zk[i] = {"client": testlib.free_port(), "quorum": testlib.free_port(),
                          "election": testlib.free_port()}
        for i in self.zk_ids:
            d = self.tmp / f"zk{i}"
            d.mkdir()
            lines = [f"tickTime={TICK_MS}", "initLimit=10", "syncLimit=5", f"dataDir={d}",
                     f"clientPort={self.zk[i]['client']}", "clientPortAddress=127.0.0.1",
                     "4lw.commands.whitelist=*", "maxClientCnxns=0",
                     # The default cap is 20 ticks (4 s at 200 ms): brokers ask for 6 s.
                     "maxSessionTimeout=60000"]
            if len(self.zk_ids) > 1:
                (d / "myid").write_text(f"{i}\n")
                for j in self.zk_ids:
                    lines.append(f"server.{j}=127.0.0.1:{self.zk[j]['quorum']}:"
                                 f"{self.zk[j]['election']}")
            (self.tmp / f"zk{i}.cfg").write_text("\n".join(lines) + "\n")
        for i in self.zk_ids:
            self.start_zk_server(i)
        if len(self.zk_ids) == 1:
            testlib.wait_for(lambda: testlib.port_open(self.zk[1]["client"]), timeout,
                             what="zookeeper port")
        else:
            self.wait_zk_leader(timeout)

    def start_zk_server(self, i):
        self.zk[i]["proc"] = self.procs.start(
            [find_binary("daemon/zookeeper/zookeeper-server"), str(self.tmp / f"zk{i}.cfg")],
            log_path=str(self.tmp / f"zk{i}.log"))

    def wait_zk_leader(self, timeout=30):
        def settled():
            modes = {i: zk_mode(self.zk[i]["client"]) for i in self.zk_ids
                     if self.zk[i]["proc"].poll() is None}
            leaders = [i for i, m in modes.items() if m == "leader"]
            if len(leaders) == 1 and all(m in ("leader", "follower") for m in modes.values()):
                return leaders[0]
            return None
        return testlib.wait_for(settled, timeout, interval=0.1, what="a ZooKeeper leader")

    @property
    def zk_hosts(self):
        return ",".join(f"127.0.0.1:{self.zk[i]['client']}" for i in self.zk_ids)

    @property
    def zk_connect(self):
        return self.zk_hosts + CHROOT

    def kazoo(self):
        if self._kazoo is None:
            from kazoo.client import KazooClient
            zk = KazooClient(hosts=self.zk_hosts + CHROOT, timeout=10,
                             connection_retry={"max_tries": -1, "delay": 0.1, "max_delay": 0.5},
                             command_retry={"max_tries": 5, "delay": 0.1, "max_delay": 0.5})
            zk.start(timeout=15)
            self._kazoo = zk
        return self._kazoo

    def close(self):
        if self._kazoo is not None:
            try:
                self._kazoo.stop()
                self._kazoo.close()
            except Exception:  # noqa: BLE001 - teardown
                pass
            self._kazoo = None

    # -- brokers --------------------------------------------------------------------
    def broker_overrides(self):
        return {"zookeeper.session.timeout.ms": SESSION_TIMEOUT_MS,
                "zookeeper.connection.timeout.ms": 10000,
                "replica.lag.time.max.ms": REPLICA_LAG_MS,
                "log.segment.bytes": SEGMENT_BYTES,
                "min.insync.replicas": 2,
                "default.replication.factor": 3,
                "unclean.leader.election.enable": "false",
                "auto.create.topics.enable": "false",
                "offsets.topic.replication.factor": 3,
                "offsets.topic.num.partitions": 3,  # librdkafka consumers look it up
                "num.partitions": 3}

    def start_broker(self, broker_id, wait=True, extra=None):
        info = self.brokers.get(broker_id)
        if info is None:
            info = {"port": testlib.free_port(), "logdir": str(self.tmp / f"logs{broker_id}"),
                    "log": str(self.tmp / f"broker{broker_id}.log"),
                    "props": str(self.tmp / f"server{broker_id}.properties")}
            self.brokers[broker_id] = info
            with open(info["props"], "w") as f:
                f.write(f"broker.id={broker_id}\n"
                        f"listeners=PLAINTEXT://127.0.0.1:{info['port']}\n"
                        f"log.dirs={info['logdir']}\n"
                        f"zookeeper.connect={self.zk_connect}\n")
        args = [find_binary("daemon/broker/kafka-server"), info["props"]]
        for k, v in {**self.broker_overrides(), **(extra or {})}.items():
            args += ["--override", f"{k}={v}"]
        with open(info["log"], "a") as f:
            f.write(f"---- start {time.time():.3f} {' '.join(args)}\n")
        info["start_t"] = time.time()
        info["proc"] = self.procs.start(args, log_path=info["log"])
        self.expected_dead.discard(broker_id)
        self.mark(f"start broker {broker_id} pid {info['proc'].pid}")
        if wait:
            self.wait_started(broker_id)
        return info

    def start(self):
        self.start_zookeeper()
        for b in self.broker_ids:
            self.start_broker(b, wait=False)
        for b in self.broker_ids:
            self.wait_started(b)
        self.wait_brokers_registered(self.broker_ids)

    def wait_started(self, broker_id, timeout=30):
        info = self.brokers[broker_id]

        def started():
            if info["proc"].poll() is not None:
                raise RuntimeError(f"broker {broker_id} exited {info['proc'].returncode}: "
                                   f"{self.log(broker_id)[-2000:]}")
            return "] started (" in self.log(broker_id).split("---- start")[-1]
        testlib.wait_for(started, timeout, interval=0.05, what=f"broker {broker_id} start")

    def log(self, broker_id):
        with open(self.brokers[broker_id]["log"], errors="replace") as f:
            return f.read()

    def alive(self, broker_id):
        p = self.brokers[broker_id].get("proc")
        return p is not None and p.poll() is None

    def pid(self, broker_id):
        return self.brokers[broker_id]["proc"].pid

    def port(self, broker_id):
        return self.brokers[broker_id]["port"]

    def bootstrap(self, ids=None):
        return ",".join(f"127.0.0.1:{self.port(i)}" for i in (ids or sorted(self.brokers)))

    def partition_dir(self, broker_id, topic, partition):
        return os.path.join(self.brokers[broker_id]["logdir"], f"{topic}-{partition}")

    # -- faults (by PID) -------------------------------------------------------------
    def signal(self, broker_id, sig):
        self.mark(f"{signal.Signals(sig).name} broker {broker_id}")
        p = self.brokers[broker_id]["proc"]
        if p.poll() is None:
            os.kill(p.pid, sig)

    def kill(self, broker_id):
        self.mark(f"SIGKILL broker {broker_id}")
        self.expected_dead.add(broker_id)
        self.procs.kill(self.brokers[broker_id]["proc"], signal.SIGKILL)

    def term(self, broker_id, timeout=60):
        """SIGTERM and wait for the exit (controlled shutdown may take a while)."""
        self.mark(f"SIGTERM broker {broker_id}")
        self.expected_dead.add(broker_id)
        p = self.brokers[broker_id]["proc"]
        if p.poll() is None:
            os.kill(p.pid, signal.SIGTERM)
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.mark(f"broker {broker_id} ignored SIGTERM for {timeout}s: SIGKILL")
            self.procs.kill(p, signal.SIGKILL)
        return p.returncode

    def stop(self, broker_id):
        self.signal(broker_id, signal.SIGSTOP)

    def cont(self, broker_id):
        self.signal(broker_id, signal.SIGCONT)

    def restart(self, broker_id, wait=True):
        if self.alive(broker_id):
            self.kill(broker_id)
        return self.start_broker(broker_id, wait=wait)

    # -- cluster state ---------------------------------------------------------------
    def zk_json(self, path):
        from kazoo.exceptions import NoNodeError
        try:
            data, _ = self.kazoo().get(path)
        except NoNodeError:
            return None
        return json.loads(data.decode()) if data else None

    def registered(self):
        from kazoo.exceptions import NoNodeError
        try:
            return sorted(int(x) for x in self.kazoo().get_children("/brokers/ids"))
        except NoNodeError:
            return []

    def wait_brokers_registered(self, ids, timeout=30):
        testlib.wait_for(lambda: set(ids) <= set(self.registered()), timeout, interval=0.1,
                         what=f"brokers {ids} registered")

    def wait_deregistered(self, broker_id, timeout=SESSION_TIMEOUT_MS / 1000 + 10):
        testlib.wait_for(lambda: broker_id not in self.registered(), timeout, interval=0.1,
                         what=f"broker {broker_id} deregistered")

    def controller_id(self):
        c = self.zk_json("/controller")
        return c["brokerid"] if c else -1

    def partition_state(self, topic, partition):
        """{leader, leader_epoch, isr, controller_epoch} from ZooKeeper, or None."""
        return self.zk_json(f"/brokers/topics/{topic}/partitions/{partition}/state")

    def isr(self, topic, partition):
        s = self.partition_state(topic, partition)
        return sorted(s["isr"]) if s else []

    def zk_leader(self, topic, partition):
        s = self.partition_state(topic, partition)
        return s["leader"] if s else -1

    def metadata(self, topic, ids=None):
        """{partition: (leader, replicas, isr)} from the first live broker that answers."""
        from confluent_kafka.admin import AdminClient
        last = None
        for b in ids or [b for b in sorted(self.brokers) if self.alive(b)]:
            try:
                admin = AdminClient({"bootstrap.servers": self.bootstrap([b]),
                                     "socket.timeout.ms": 3000})
                md = admin.list_topics(topic, timeout=3)
                t = md.topics[topic]
                if t.error is not None:
                    last = t.error
                    continue
                return {p: (m.leader, list(m.replicas), sorted(m.isrs))
                        for p, m in t.partitions.items()}
            except Exception as e:  # noqa: BLE001 - try the next broker
                last = e
        raise RuntimeError(f"no broker answered Metadata for {topic}: {last!r}")

    def leader_of(self, topic, partition, ids=None):
        return self.metadata(topic, ids)[partition][0]

    def wait_leader(self, topic, partition, not_in=(), timeout=30):
        """The ZooKeeper leader of a partition once it is a live broker not in `not_in`."""
        def ok():
            s = self.partition_state(topic, partition)
            if s and s["leader"] >= 0 and s["leader"] not in not_in:
                return s["leader"] + 1  # truthy for broker 0
            return None
        return testlib.wait_for(ok, timeout, interval=0.1,
                                what=f"{topic}-{partition} leader outside {list(not_in)}") - 1

    def full_isr(self, topic, partitions, replicas=3):
        for p in range(partitions):
            s = self.partition_state(topic, p)
            if not s or s["leader"] < 0 or len(s["isr"]) != replicas:
                return False
        return True

    def wait_full_isr(self, topic, partitions, timeout=30, replicas=3):
        """Seconds until every partition has a leader and `replicas` ISR members (ZooKeeper
        state), raising with the states at the deadline."""
        t0 = time.monotonic()
        try:
            testlib.wait_for(lambda: self.full_isr(topic, partitions, replicas), timeout,
                             interval=0.1, what=f"full ISR of {topic}")
        except TimeoutError as e:
            states = {p: self.partition_state(topic, p) for p in range(partitions)}
            raise TimeoutError(f"{e}: {states}") from None
        return round(time.monotonic() - t0, 3)

    def create_topic(self, topic, partitions=3, rf=3, config=None, timeout=30):
        from confluent_kafka.admin import AdminClient, NewTopic
        admin = AdminClient({"bootstrap.servers": self.bootstrap()})
        cfg = {"min.insync.replicas": "2", "unclean.leader.election.enable": "false",
               "segment.bytes": str(SEGMENT_BYTES), **(config or {})}
        futures = admin.create_topics([NewTopic(topic, partitions, rf, config=cfg)],
                                      operation_timeout=15)
        for f in futures.values():
            f.result(timeout)
        testlib.wait_for(lambda: len(self.metadata(topic)) == partitions, timeout,
                         what=f"{topic} in metadata")

    def crash_report(self):
        """Brokers that exited without being told to, and sanitizer/assert lines (I11)."""
        out = []
        for b, info in self.brokers.items():
            if not self.alive(b) and b not in self.expected_dead:
                out.append(f"broker {b} exited by itself with {info['proc'].returncode}: "
                           f"{self.log(b)[-600:]}")
            text = self.log(b)
            for marker in ("AddressSanitizer", "runtime error:", "Assertion", "terminate called",
                           "Segmentation fault"):
                if marker in text:
                    out.append(f"broker {b}: '{marker}' in its log")
        for i, z in self.zk.items():
            if z["proc"].poll() is not None:
                out.append(f"zookeeper {i} exited with {z['proc'].returncode}")
        return out

    def log_lines(self, broker_id, *needles, limit=20):
        lines = [ln for ln in self.log(broker_id).splitlines()
                 if not ln.startswith("---- start") and any(n in ln for n in needles)]
        return lines[-limit:]

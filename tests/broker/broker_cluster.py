"""A ZooKeeper server plus N kafka-server processes on free ports and temp dirs.

Used by tests/broker: each broker gets server.properties with its id, listener,
log dir and zookeeper.connect (chroot /kafka), started with --override for the
test-specific keys; every process is tracked by PID through testlib.Processes.
"""
import os
import signal
import socket
import struct
import subprocess
import time

import testlib


def find_binary(label_path):
    """The most recently built copy of a binary among bazel-bin and the
    bazel-out/<config>/bin trees: bazel-bin follows whichever configuration
    someone built last (e.g. -c dbg), which may hold a stale copy or none."""
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


class Cluster:
    def __init__(self, procs, tmp_path):
        self.procs = procs
        self.tmp = tmp_path
        self.zk_port = None
        self.brokers = {}  # id -> dict(port, proc, logdir, log)

    # -- ZooKeeper -------------------------------------------------------
    def start_zookeeper(self):
        self.zk_port = testlib.free_port()
        data = self.tmp / "zk"
        data.mkdir()
        cfg = self.tmp / "zk.cfg"
        cfg.write_text(f"dataDir={data}\nclientPort={self.zk_port}\n"
                       "clientPortAddress=127.0.0.1\n4lw.commands.whitelist=*\ntickTime=500\n")
        self.zk_proc = self.procs.start([find_binary("daemon/zookeeper/zookeeper-server"),
                                         str(cfg)], log_path=str(self.tmp / "zk.log"))
        testlib.wait_for(lambda: testlib.port_open(self.zk_port), 15, what="zookeeper port")

    @property
    def zk_connect(self):
        return f"127.0.0.1:{self.zk_port}/kafka"

    # -- brokers -----------------------------------------------------------
    def start_broker(self, broker_id, overrides=None, wait=True, logdir=None, port=None):
        info = self.brokers.get(broker_id)
        if info is None:
            info = {"port": port or testlib.free_port(),
                    "logdir": logdir or str(self.tmp / f"logs{broker_id}"),
                    "log": str(self.tmp / f"broker{broker_id}.log")}
            self.brokers[broker_id] = info
        props = self.tmp / f"server{broker_id}.properties"
        props.write_text(f"broker.id={broker_id}\n"
                         f"listeners=PLAINTEXT://127.0.0.1:{info['port']}\n"
                         f"log.dirs={info['logdir']}\n"
                         f"zookeeper.connect={self.zk_connect}\n"
                         "num.partitions=1\n")
        args = [find_binary("daemon/broker/kafka-server"), str(props),
                "--override", "zookeeper.session.timeout.ms=6000",
                "--override", "zookeeper.connection.timeout.ms=5000"]
        for k, v in (overrides or {}).items():
            args += ["--override", f"{k}={v}"]
        with open(info["log"], "a") as f:
            f.write(f"---- start {' '.join(args)}\n")
        info["proc"] = self.procs.start(args, log_path=info["log"])
        if wait:
            self.wait_started(broker_id)
        return info

    def wait_started(self, broker_id, timeout=20):
        info = self.brokers[broker_id]

        def started():
            if info["proc"].poll() is not None:
                raise RuntimeError(f"broker {broker_id} exited: {self.log(broker_id)[-2000:]}")
            return self.log(broker_id).split("---- start")[-1].find("] started (") >= 0
        testlib.wait_for(started, timeout, what=f"broker {broker_id} start")

    def log(self, broker_id):
        with open(self.brokers[broker_id]["log"], errors="replace") as f:
            return f.read()

    def port(self, broker_id):
        return self.brokers[broker_id]["port"]

    def bootstrap(self, broker_id=None):
        ids = [broker_id] if broker_id is not None else sorted(self.brokers)
        return ",".join(f"127.0.0.1:{self.port(i)}" for i in ids)

    def kill(self, broker_id, sig=signal.SIGKILL):
        self.procs.kill(self.brokers[broker_id]["proc"], sig)
        return self.brokers[broker_id]["proc"].returncode


def kafka_request(port, api_key, version, body=b"", corr=1, client_id=b"t", timeout=5):
    """Sends one classic-header request and returns the response payload (after
    the correlation id), or None if the broker closed the connection."""
    hdr = struct.pack(">hhi", api_key, version, corr) + struct.pack(">h", len(client_id)) + client_id
    frame = hdr + body
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(struct.pack(">i", len(frame)) + frame)
        return read_frame(s)


def read_frame(s):
    def read_n(n):
        buf = b""
        while len(buf) < n:
            chunk = s.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf
    size = read_n(4)
    if size is None:
        return None
    (n,) = struct.unpack(">i", size)
    return read_n(n)


def closed_by_peer(sock, timeout=5):
    """True when the peer closes `sock` (EOF or reset) within the timeout."""
    sock.settimeout(timeout)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def kcat(*args, input=None, timeout=30):
    return subprocess.run(["kcat", *args], input=input, capture_output=True, timeout=timeout)

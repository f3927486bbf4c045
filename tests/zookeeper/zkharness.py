"""Harness for the ZooKeeper conformance suite: servers, raw jute client, 4lw, proxy.

The same tests run against Apache ZooKeeper 3.8 (Debian package, plain JVM) and
against our `zookeeper-server`; the Apache run proves the tests describe real
ZooKeeper behaviour. Everything here binds 127.0.0.1, uses free ports and temp
dirs, and waits by polling with a deadline.
"""
import os
import select
import signal
import socket
import struct
import subprocess
import threading
import time

import testlib

APACHE_CLASSPATH = "/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar"
ZKCLI = "/usr/share/zookeeper/bin/zkCli.sh"
OURS_REL = "daemon/zookeeper/zookeeper-server"
JUTE_MAXBUFFER = 1048575  # ZooKeeper's default (0xfffff), set explicitly for both

# Opcodes (ZooDefs.OpCode).
OP_CREATE, OP_DELETE, OP_EXISTS, OP_GETDATA, OP_SETDATA = 1, 2, 3, 4, 5
OP_GETACL, OP_SETACL, OP_GETCHILDREN, OP_SYNC, OP_PING = 6, 7, 8, 9, 11
OP_GETCHILDREN2, OP_CHECK, OP_MULTI, OP_CREATE2 = 12, 13, 14, 15
OP_SETWATCHES, OP_CLOSE = 101, -11
EV_CREATED, EV_DELETED, EV_CHANGED, EV_CHILD = 1, 2, 3, 4

# Error codes (KeeperException.Code).
ZOK, ZRUNTIMEINCONSISTENCY, ZMARSHALLINGERROR, ZUNIMPLEMENTED = 0, -2, -5, -6
ZBADARGUMENTS, ZNONODE, ZNOAUTH, ZNODEEXISTS, ZINVALIDACL = -8, -101, -102, -110, -114


def ours_binary():
    try:
        return testlib.binary(OURS_REL)
    except FileNotFoundError:
        return None


def apache_installed():
    return os.path.exists("/usr/share/java/zookeeper.jar") and os.access("/usr/bin/java", os.X_OK)


def skip_if_missing(kind):
    import pytest
    kind = base_kind(kind)
    if kind == "ours" and ours_binary() is None:
        pytest.skip("zookeeper-server not built")
    if kind == "apache" and not apache_installed():
        pytest.skip("Apache ZooKeeper (Debian package zookeeper) or java not installed")


def write_config(path, port, data_dir, tick_time=2000, whitelist="*", max_client_cnxns=0):
    lines = [
        f"tickTime={tick_time}",
        "initLimit=10",
        "syncLimit=5",
        f"dataDir={data_dir}",
        f"dataLogDir={data_dir}",
        f"clientPort={port}",
        "clientPortAddress=127.0.0.1",
        f"maxClientCnxns={max_client_cnxns}",
        "admin.enableServer=false",
    ]
    if whitelist is not None:
        lines.append(f"4lw.commands.whitelist={whitelist}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


class ZkServer:
    """One standalone server ("apache" or "ours") with its own dir, port and log."""

    def __init__(self, kind, workdir, tick_time=2000, whitelist="*", port=None, extra=None,
                 max_client_cnxns=0):
        self.kind = kind
        self.workdir = str(workdir)
        self.data_dir = os.path.join(self.workdir, "data")
        os.makedirs(self.data_dir, exist_ok=True)
        self.port = port or testlib.free_port()
        self.tick_time = tick_time
        self.whitelist = whitelist
        self.cfg = os.path.join(self.workdir, "zoo.cfg")
        self.log = os.path.join(self.workdir, "server.log")
        self.proc = None
        self.procs = None
        write_config(self.cfg, self.port, self.data_dir, tick_time, whitelist, max_client_cnxns)
        with open(self.cfg, "a") as f:
            if kind == "ours":
                f.write(f"jute.maxbuffer={JUTE_MAXBUFFER}\n")
            for k, v in (extra or {}).items():
                f.write(f"{k}={v}\n")

    @property
    def hosts(self):
        return f"127.0.0.1:{self.port}"

    def command(self):
        if self.kind == "apache":
            return ["/usr/bin/java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    f"-Djute.maxbuffer={JUTE_MAXBUFFER}",
                    f"-Dorg.slf4j.simpleLogger.logFile={self.log}.slf4j",
                    "-cp", APACHE_CLASSPATH,
                    "org.apache.zookeeper.server.quorum.QuorumPeerMain", self.cfg]
        binary = ours_binary()
        if binary is None:
            raise FileNotFoundError("zookeeper-server not built")
        return [binary, self.cfg]

    def start(self, procs, timeout=30.0):
        self.procs = procs
        self.proc = procs.start(self.command(), log_path=self.log, cwd=self.workdir)
        self.wait_ready(timeout)
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, timeout=30.0):
        """Ready means a ConnectRequest gets a session (Apache answers 4lw earlier)."""
        def ready():
            if not self.alive():
                raise RuntimeError(f"{self.kind} server exited with {self.proc.returncode}; "
                                   f"log tail:\n{self.log_tail()}")
            try:
                with RawZk(self.port, timeout=1.0) as c:
                    c.connect(session_timeout_ms=4000)
                    c.close_session()
                return True
            except (OSError, ProtocolError):
                return False
        try:
            testlib.wait_for(ready, timeout=timeout, interval=0.05, what=f"{self.kind} zk ready")
        except RuntimeError:
            raise
        except TimeoutError as e:
            raise TimeoutError(f"{e}; log tail:\n{self.log_tail()}") from None

    def kill(self, sig=signal.SIGKILL):
        self.procs.kill(self.proc, sig)

    def log_tail(self, n=30):
        out = []
        for p in (self.log, self.log + ".slf4j"):
            try:
                with open(p, "rb") as f:
                    out += f.read().decode("utf-8", "replace").splitlines()[-n:]
            except OSError:
                pass
        return "\n".join(out)


ENSEMBLE_KINDS = {"apache-ensemble": "apache", "ours-ensemble": "ours"}


def base_kind(kind):
    """"apache-ensemble" -> "apache": which binary a server kind runs."""
    return ENSEMBLE_KINDS.get(kind, kind)


def server_mode(port):
    """The `Mode:` line of `srvr` (leader, follower, standalone), or None."""
    try:
        for line in four_letter(port, "srvr", timeout=2.0).splitlines():
            if line.startswith("Mode: "):
                return line[len("Mode: "):].strip()
    except OSError:
        return None
    return None


class ZkEnsemble:
    """Three servers of one kind on loopback, exposed to kazoo as a three-host string.

    Each member is a ZkServer with a myid file and server.1..3 lines (quorum and
    election ports free). `port` is member 1's client port, for the raw-socket tests
    that need one server; kazoo gets all three through `hosts`.
    """

    def __init__(self, kind, workdir, tick_time=2000, whitelist="*", n=3):
        self.kind = kind
        self.workdir = str(workdir)
        self.tick_time = tick_time
        ids = range(1, n + 1)
        quorum = {i: testlib.free_port() for i in ids}
        election = {i: testlib.free_port() for i in ids}
        peers = {f"server.{i}": f"127.0.0.1:{quorum[i]}:{election[i]}" for i in ids}
        self.peers = peers
        self.members = []
        for i in ids:
            d = os.path.join(self.workdir, f"zk{i}")
            m = ZkServer(base_kind(kind), d, tick_time=tick_time, whitelist=whitelist,
                         extra=peers)
            with open(os.path.join(m.data_dir, "myid"), "w") as f:
                f.write(f"{i}\n")
            self.members.append(m)

    @property
    def hosts(self):
        return ",".join(m.hosts for m in self.members)

    @property
    def port(self):
        return self.members[0].port

    @property
    def ports(self):
        return [m.port for m in self.members]

    def start(self, procs, timeout=60.0):
        for m in self.members:
            m.procs = procs
            m.proc = procs.start(m.command(), log_path=m.log, cwd=m.workdir)
        self.wait_leader(timeout)
        for m in self.members:
            m.wait_ready(timeout)
        return self

    def wait_leader(self, timeout=60.0):
        def settled():
            for m in self.members:
                if not m.alive():
                    raise RuntimeError(f"{self.kind} member on {m.port} exited; log tail:\n"
                                       f"{m.log_tail()}")
            modes = [server_mode(p) for p in self.ports]
            return modes.count("leader") == 1 and modes.count("follower") == len(modes) - 1
        try:
            testlib.wait_for(settled, timeout=timeout, interval=0.1,
                             what=f"{self.kind}: one leader, rest followers")
        except TimeoutError as e:
            raise TimeoutError(f"{e}; log tails:\n{self.log_tail()}") from None

    def alive(self):
        return all(m.alive() for m in self.members)

    def log_tail(self, n=30):
        return "\n".join(f"--- member {i + 1}\n{m.log_tail(n)}" for i, m in enumerate(self.members))


# ---------------------------------------------------------------- jute encoding

def jint(v):
    return struct.pack(">i", v)


def jlong(v):
    return struct.pack(">q", v)


def jbool(v):
    return b"\x01" if v else b"\x00"


def jbuf(b):
    if b is None:
        return jint(-1)
    return jint(len(b)) + b


def jstr(s):
    if isinstance(s, str):
        s = s.encode("utf-8")
    return jbuf(s)


OPEN_ACL = [(31, "world", "anyone")]


def jacls(acls):
    out = jint(len(acls))
    for perms, scheme, ident in acls:
        out += jint(perms) + jstr(scheme) + jstr(ident)
    return out


def jstrs(items):
    return jint(len(items)) + b"".join(jstr(i) for i in items)


def create_body(path, data=b"", acls=OPEN_ACL, flags=0):
    return jstr(path) + jbuf(data) + jacls(acls) + jint(flags)


class ProtocolError(Exception):
    pass


class Reader:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ProtocolError("short read")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def int(self):
        return struct.unpack(">i", self.take(4))[0]

    def long(self):
        return struct.unpack(">q", self.take(8))[0]

    def bool(self):
        return self.take(1) != b"\x00"

    def buf(self):
        n = self.int()
        return None if n < 0 else self.take(n)

    def str(self):
        b = self.buf()
        return None if b is None else b.decode("utf-8")

    def remaining(self):
        return len(self.data) - self.pos


class RawZk:
    """Minimal synchronous ZooKeeper wire client for requests kazoo will not send."""

    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.xid = 0
        self.session_id = 0
        self.passwd = b""
        self.negotiated_timeout = 0
        self.last_zxid = 0
        self.events = []

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send_raw(self, data):
        self.sock.sendall(data)

    def send_frame(self, payload):
        self.sock.sendall(jint(len(payload)) + payload)

    def recv_exact(self, n):
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise ProtocolError("connection closed by server")
            out += chunk
        return out

    def recv_frame(self):
        (n,) = struct.unpack(">i", self.recv_exact(4))
        if n < 0 or n > 64 << 20:
            raise ProtocolError(f"bad frame length {n}")
        return self.recv_exact(n)

    def connect(self, session_timeout_ms=10000, session_id=0, passwd=b"\x00" * 16,
                last_zxid=0, read_only=False):
        body = (jint(0) + jlong(last_zxid) + jint(session_timeout_ms) + jlong(session_id) +
                jbuf(passwd) + jbool(read_only))
        self.send_frame(body)
        r = Reader(self.recv_frame())
        r.int()  # protocolVersion
        self.negotiated_timeout = r.int()
        self.session_id = r.long()
        self.passwd = r.buf()
        if self.session_id == 0 or self.negotiated_timeout <= 0:
            raise ProtocolError("session refused")
        return self.session_id

    def send_request(self, op, body=b"", xid=None):
        if xid is None:
            self.xid += 1
            xid = self.xid
        self.send_frame(jint(xid) + jint(op) + body)
        return xid

    def read_reply(self):
        """Next reply that is not a watch event (-1) or ping (-2): (xid, zxid, err, Reader)."""
        while True:
            r = Reader(self.recv_frame())
            xid, zxid, err = r.int(), r.long(), r.int()
            self.last_zxid = max(self.last_zxid, zxid)
            if xid == -1:
                self.events.append((r.int(), r.int(), r.str()))
                continue
            if xid == -2:
                continue
            return xid, zxid, err, r

    def request(self, op, body=b""):
        xid = self.send_request(op, body)
        rxid, zxid, err, r = self.read_reply()
        if rxid != xid:
            raise ProtocolError(f"xid mismatch: sent {xid} got {rxid}")
        return err, r

    def next_event(self, timeout=5.0):
        """Waits for the next watch event: (type, state, path)."""
        deadline = time.monotonic() + timeout
        while not self.events:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no watch event")
            self.sock.settimeout(left)
            r = Reader(self.recv_frame())
            xid = r.int()
            r.long()  # zxid
            r.int()   # err
            if xid == -1:
                self.events.append((r.int(), r.int(), r.str()))
        self.sock.settimeout(5.0)
        return self.events.pop(0)

    def drain_events(self):
        """Ping round trip: every event the server sent before it is in self.events."""
        self.send_request(OP_PING, b"", xid=-2)
        while True:
            r = Reader(self.recv_frame())
            xid = r.int()
            r.long()  # zxid
            r.int()   # err
            if xid == -2:
                return
            if xid == -1:
                self.events.append((r.int(), r.int(), r.str()))

    def close_session(self):
        try:
            self.request(OP_CLOSE)
        except (OSError, ProtocolError):
            pass

    def wait_closed(self, timeout=5.0):
        """True if the server closes the connection (EOF/RST) within timeout.

        Any bytes the server sends first are read and discarded."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                continue
            try:
                chunk = self.sock.recv(65536)
            except (ConnectionResetError, BrokenPipeError):
                return True
            if not chunk:
                return True


def read_stat(r):
    names = ("czxid", "mzxid", "ctime", "mtime", "version", "cversion", "aversion",
             "ephemeralOwner", "dataLength", "numChildren", "pzxid")
    vals = (r.long(), r.long(), r.long(), r.long(), r.int(), r.int(), r.int(), r.long(),
            r.int(), r.int(), r.long())
    return dict(zip(names, vals))


def probe(port, timeout=1.0):
    """A well-behaved client on a new connection: connect + exists('/') within timeout."""
    start = time.monotonic()
    with RawZk(port, timeout=timeout) as c:
        c.connect(session_timeout_ms=4000)
        err, r = c.request(OP_EXISTS, jstr("/") + jbool(False))
        assert err == ZOK, err
        read_stat(r)
        c.close_session()
    elapsed = time.monotonic() - start
    assert elapsed < timeout, f"probe took {elapsed:.3f}s"
    return elapsed


def four_letter(port, cmd, timeout=5.0):
    """Sends a four-letter word and returns the whole reply (server closes after it)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(cmd.encode())
        out = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
        return out.decode("utf-8", "replace")


# ---------------------------------------------------------------- TCP proxy

class TcpProxy:
    """Loopback proxy in front of a server, so a test can cut client connections.

    drop() closes every proxied connection (both sides); while `refuse` is set new
    connections are accepted and closed at once, which keeps a client disconnected.
    """

    def __init__(self, target_port):
        self.target_port = target_port
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(64)
        self.port = self.lsock.getsockname()[1]
        self.refuse = False
        self.pairs = []
        self.lock = threading.Lock()
        self.stopped = False
        self.accepted = 0
        threading.Thread(target=self._accept_loop, daemon=True).start()

    @property
    def hosts(self):
        return f"127.0.0.1:{self.port}"

    def _accept_loop(self):
        while not self.stopped:
            try:
                c, _ = self.lsock.accept()
            except OSError:
                return
            if self.refuse or self.stopped:
                c.close()
                continue
            try:
                s = socket.create_connection(("127.0.0.1", self.target_port), timeout=2)
            except OSError:
                c.close()
                continue
            with self.lock:
                self.pairs.append((c, s))
                self.accepted += 1
            threading.Thread(target=self._pump, args=(c, s), daemon=True).start()

    def _pump(self, a, b):
        socks = [a, b]
        try:
            while True:
                ready, _, _ = select.select(socks, [], [], 0.2)
                if self.stopped:
                    break
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        raise OSError("eof")
                    (b if s is a else a).sendall(data)
        except (OSError, ValueError):
            pass
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def drop(self):
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for s in pair:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.stopped = True
        self.drop()
        self.lsock.close()


# ---------------------------------------------------------------- kazoo

def kazoo_client(hosts, timeout=10.0, start=True, **kw):
    import pytest
    pytest.importorskip("kazoo", reason="python3-kazoo not installed")
    from kazoo.client import KazooClient
    from kazoo.retry import KazooRetry
    c = KazooClient(hosts=hosts, timeout=timeout,
                    connection_retry=KazooRetry(max_tries=-1, delay=0.05, max_delay=0.5),
                    **kw)
    if start:
        c.start(timeout=10)
    return c


def stop_client(c):
    try:
        c.stop()
    except Exception:  # noqa: BLE001 - teardown must not mask the test result
        pass
    try:
        c.close()
    except Exception:  # noqa: BLE001
        pass


def run_cli(port, args, stdin=None, timeout=60):
    """Runs Apache zkCli.sh; returns (exit status, stdout, stderr)."""
    p = subprocess.run([ZKCLI, "-server", f"127.0.0.1:{port}"] + list(args),
                       input=stdin, capture_output=True, text=True, timeout=timeout,
                       env=dict(os.environ, CLIENT_JVMFLAGS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"))
    return p.returncode, p.stdout, p.stderr

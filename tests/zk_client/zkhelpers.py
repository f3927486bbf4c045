"""Helpers for the ZooKeeper client tests: Apache ZooKeeper 3.8 standalone, a
TCP proxy that can cut or refuse connections, and the line-driven C++ driver."""
import os
import queue
import select
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import testlib  # noqa: E402

ZK_JAR = "/usr/share/java/zookeeper.jar"  # its manifest Class-Path lists the deps
JAVA = "/usr/bin/java"


def four_letter(port, cmd, timeout=1.0):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(cmd.encode())
        chunks = []
        while True:
            b = s.recv(4096)
            if not b:
                break
            chunks.append(b)
        return b"".join(chunks).decode(errors="replace")


class ApacheZooKeeper:
    """One standalone server (tickTime 1000, so session timeouts are 2-20 s).
    With ours=True it is this project's zookeeper-server, same zoo.cfg."""

    def __init__(self, procs, workdir, ours=False):
        self.port = testlib.free_port()
        data = os.path.join(workdir, "data")
        os.makedirs(data, exist_ok=True)
        self.cfg = os.path.join(workdir, "zoo.cfg")
        with open(self.cfg, "w") as f:
            f.write("tickTime=1000\n"
                    f"dataDir={data}\n"
                    f"clientPort={self.port}\n"
                    "clientPortAddress=127.0.0.1\n"
                    "maxClientCnxns=0\n"
                    "4lw.commands.whitelist=*\n"
                    "admin.enableServer=false\n")
        if ours:
            cmd = [testlib.binary("daemon/zookeeper/zookeeper-server"), self.cfg]
        else:
            cmd = [JAVA, "-Xmx256m", "-cp", ZK_JAR,
                   "org.apache.zookeeper.server.ZooKeeperServerMain", self.cfg]
        self.proc = procs.start(cmd, log_path=os.path.join(workdir, "zk.log"))
        testlib.wait_for(lambda: self.proc.poll() is None and four_letter(self.port, "ruok") == "imok",
                         timeout=60, interval=0.05, what="the ZooKeeper server to answer ruok")

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"


def apache_zk_available():
    return os.path.exists(ZK_JAR) and os.access(JAVA, os.X_OK)


class Proxy:
    """Forwards 127.0.0.1:<port> to a target port. drop_all() cuts every open
    connection; while `refuse` is set new connections are closed at once."""

    def __init__(self, target_port):
        self.target = target_port
        self.refuse = False
        self.lsock = socket.socket()
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(16)
        self.port = self.lsock.getsockname()[1]
        self.conns = []
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def _accept(self):
        while not self.closed:
            try:
                c, _ = self.lsock.accept()
            except OSError:
                return
            if self.refuse:
                c.close()
                continue
            try:
                u = socket.create_connection(("127.0.0.1", self.target), timeout=2)
            except OSError:
                c.close()
                continue
            with self.lock:
                self.conns.append((c, u))
            threading.Thread(target=self._pump, args=(c, u), daemon=True).start()

    def _pump(self, a, b):
        socks = [a, b]
        try:
            while True:
                r, _, _ = select.select(socks, [], [], 0.2)
                for s in r:
                    data = s.recv(65536)
                    if not data:
                        raise OSError("closed")
                    (b if s is a else a).sendall(data)
        except (OSError, ValueError):
            pass
        finally:
            for s in socks:
                try:
                    s.close()
                except OSError:
                    pass

    def drop_all(self):
        with self.lock:
            conns, self.conns = self.conns, []
        for pair in conns:
            for s in pair:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def close(self):
        self.closed = True
        self.lsock.close()
        self.drop_all()


class Driver:
    """The C++ line-driven client (tests/zk_client/zk_client_driver)."""

    def __init__(self, procs):
        self.proc = subprocess.Popen([testlib.binary("tests/zk_client/zk_client_driver")],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, bufsize=1,
                                     start_new_session=True)
        procs.procs.append(self.proc)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def cmd(self, line, timeout=20):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        try:
            out = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"driver did not answer {line!r} within {timeout}s")
        if out is None:
            raise RuntimeError(f"driver exited on {line!r}")
        return out

    def ok(self, line, timeout=20):
        out = self.cmd(line, timeout)
        assert out.startswith("ok"), f"{line!r} -> {out!r}"
        return out[3:]

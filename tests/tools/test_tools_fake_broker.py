"""Version negotiation and time bounds against a scripted fake broker: a
broker that only knows ApiVersions v0-2 answers our v3 with error 35 and a v0
body, and we must step down to v2; a broker that accepts connections but
never answers must not hold a tool for more than about ten seconds."""
import socket
import struct
import threading
import time

import pytest

from tools import run

pytestmark = pytest.mark.timeout(60)


def read_n(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


class FakeBroker:
    """Answers ApiVersions (v3 -> error 35, v0-2 -> a short list) and
    Metadata v0-1 with one broker and no topics; records request versions."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.seen = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.conn, args=(c,), daemon=True).start()

    def conn(self, c):
        with c:
            while True:
                size = read_n(c, 4)
                if size is None:
                    return
                frame = read_n(c, struct.unpack(">i", size)[0])
                key, ver, corr = struct.unpack(">hhi", frame[:8])
                self.seen.append((key, ver))
                if key == 18:
                    apis = [(18, 0, 2), (3, 0, 1)]
                    err = 35 if ver > 2 else 0
                    body = struct.pack(">hi", err, len(apis)) + b"".join(
                        struct.pack(">hhh", *a) for a in apis)
                    if 1 <= ver <= 2:
                        body += struct.pack(">i", 0)  # throttle
                elif key == 3:
                    host = b"127.0.0.1"
                    broker = struct.pack(">ih", 7, len(host)) + host + struct.pack(">i", self.port)
                    if ver >= 1:
                        broker += struct.pack(">h", -1)  # null rack
                    body = struct.pack(">i", 1) + broker
                    if ver >= 1:
                        body += struct.pack(">i", 7)  # controller
                    body += struct.pack(">i", 0)  # no topics
                else:
                    return
                out = struct.pack(">i", corr) + body
                c.sendall(struct.pack(">i", len(out)) + out)

    def close(self):
        self.sock.close()


def test_steps_down_from_apiversions_v3():
    fake = FakeBroker()
    try:
        r = run("kafka-broker-api-versions", "--bootstrap-server", f"127.0.0.1:{fake.port}")
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith(f"127.0.0.1:{fake.port} (id: 7 rack: null) -> (\n")
        assert "\tMetadata(3): 0 to 1 [usable: 1]," in r.stdout
        assert "\tApiVersions(18): 0 to 2 [usable: 2]," in r.stdout
        assert "\tProduce(0): UNSUPPORTED," in r.stdout
        assert fake.seen[:3] == [(18, 3), (18, 2), (3, 1)]
        r = run("kafka-topics", "--bootstrap-server", f"127.0.0.1:{fake.port}", "--list")
        assert (r.returncode, r.stdout) == (0, ""), r.stderr
    finally:
        fake.close()


def test_silent_broker_is_bounded():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)  # accepts (via the backlog) but never answers
    port = s.getsockname()[1]
    try:
        t0 = time.monotonic()
        r = run("kafka-topics", "--bootstrap-server", f"127.0.0.1:{port}", "--list", timeout=30)
        elapsed = time.monotonic() - t0
        assert r.returncode == 1
        assert f"Error: could not connect to any bootstrap server (127.0.0.1:{port}: no answer" in r.stderr
        assert elapsed < 12
    finally:
        s.close()

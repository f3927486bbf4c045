"""Shared helpers for integration tests (pytest, run with /usr/bin/python3).

Every server a test starts runs on 127.0.0.1 with a free port and a temp dir, is
tracked by PID and killed at teardown; waiting is polling with a deadline, never a
bare sleep used as synchronisation.
"""
import os
import signal
import socket
import subprocess
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BAZEL_BIN = os.environ.get("KAFKA_CPP_BIN", os.path.join(REPO, "bazel-bin"))


def binary(label_path):
    """Path of a built binary, e.g. binary('daemon/zookeeper/zookeeper-server')."""
    path = os.path.join(BAZEL_BIN, label_path)
    if not os.access(path, os.X_OK):
        raise FileNotFoundError(f"{path} not built (run bazel build //...)")
    return path


def free_port():
    """A loopback TCP port that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout=10.0, interval=0.02, what="condition"):
    """Polls predicate() until it returns a truthy value or the deadline passes."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 - retried until the deadline
            last_exc = e
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}" +
                       (f" (last error: {last_exc!r})" if last_exc else ""))


def port_open(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


class Processes:
    """Starts processes and guarantees they are killed (by PID) at cleanup."""

    def __init__(self):
        self.procs = []

    def start(self, args, log_path=None, env=None, stdin=subprocess.DEVNULL, **kw):
        out = open(log_path, "ab") if log_path else subprocess.DEVNULL
        p = subprocess.Popen(args, stdin=stdin, stdout=out, stderr=subprocess.STDOUT if log_path else subprocess.DEVNULL,
                             env=env, start_new_session=True, **kw)
        self.procs.append(p)
        return p

    def kill(self, p, sig=signal.SIGKILL, wait=True):
        if p.poll() is None:
            try:
                os.kill(p.pid, sig)
            except ProcessLookupError:
                pass
        if wait and sig in (signal.SIGKILL, signal.SIGTERM):
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait(timeout=5)

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.kill(p.pid, signal.SIGCONT)
                    os.kill(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
        self.procs.clear()

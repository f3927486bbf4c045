"""zookeeper-shell against Apache ZooKeeper 3.8, compared with zkCli.sh where cheap."""
import os
import subprocess
import time

import pytest

import zkhelpers
from zkhelpers import testlib

ZKCLI = "/usr/share/zookeeper/bin/zkCli.sh"
PREAMBLE_END = "WatchedEvent state:SyncConnected type:None path:null\n"


def shell(address, *args, stdin=None, timeout=30):
    exe = testlib.binary("tools/zookeeper_shell/zookeeper-shell")
    return subprocess.run([exe, address, *args], input=stdin, capture_output=True, text=True,
                          timeout=timeout)


def result(proc):
    """stdout after zkCli's connection preamble."""
    out = proc.stdout
    assert PREAMBLE_END in out, out
    return out.split(PREAMBLE_END, 1)[1]


NOISE = ("Connecting to ", "WATCHER::", "WatchedEvent state:", "Welcome to ZooKeeper!",
         "JLine support is")


def result_lines(stdout):
    """Output lines without the connection chatter. zkCli's watcher thread prints
    concurrently with the command, so its lines can land anywhere."""
    return [l for l in stdout.split("\n") if l and not l.startswith(NOISE)]


def zkcli(address, *args):
    p = subprocess.run(["timeout", "60", ZKCLI, "-server", address, *args], capture_output=True,
                       text=True, timeout=70)
    return p


@pytest.mark.timeout(60)
def test_one_shot_commands(apache_zk):
    a = apache_zk.address
    p = shell(a, "create", "/sh", "hello")
    assert p.returncode == 0 and "Created /sh" in p.stderr
    assert p.stdout.startswith(f"Connecting to {a}\n\nWATCHER::\n\n{PREAMBLE_END}")
    p = shell(a, "create", "/sh", "again")
    assert p.returncode == 1 and "Node already exists: /sh" in p.stderr
    assert result(shell(a, "get", "/sh")) == "hello\n"
    assert shell(a, "set", "/sh", "world").returncode == 0
    p = shell(a, "set", "/sh", "x", "7")
    assert p.returncode == 1 and "version No is not valid : /sh" in p.stderr
    assert shell(a, "set", "-v", "1", "/sh", "w2").returncode == 0
    assert shell(a, "create", "/sh/empty").returncode == 0
    assert result(shell(a, "get", "/sh/empty")) == "null\n"
    p = shell(a, "create", "-s", "/sh/q-", "d")
    assert "Created /sh/q-0000000001" in p.stderr
    assert result(shell(a, "ls", "/sh")) == "[empty, q-0000000001]\n"
    stat = result(shell(a, "stat", "/sh"))
    lines = stat.splitlines()
    assert [l.split(" = ")[0] for l in lines] == [
        "cZxid", "ctime", "mZxid", "mtime", "pZxid", "cversion", "dataVersion", "aclVersion",
        "ephemeralOwner", "dataLength", "numChildren"]
    assert "dataVersion = 2" in lines and "numChildren = 2" in lines and "dataLength = 2" in lines
    got = result(shell(a, "get", "-s", "/sh"))
    assert got == "w2\n" + stat
    assert result(shell(a, "ls", "-s", "/sh")) == "[empty, q-0000000001]\n" + stat
    assert result(shell(a, "getAcl", "/sh")) == "'world,'anyone\n: cdrwa\n"
    p = shell(a, "get", "/nope")
    assert p.returncode == 1 and "Node does not exist: /nope" in p.stderr
    p = shell(a, "delete", "/sh")
    assert p.returncode == 1 and "Node not empty: /sh" in p.stderr
    p = shell(a, "ls", "nope")
    assert p.returncode == 1 and "Path must start with / character" in p.stderr
    p = shell(a, "frobnicate")
    assert p.returncode == 1 and "Command not found" in p.stderr
    assert result(shell(a, "ls", "-R", "/sh")) == "/sh\n/sh/empty\n/sh/q-0000000001\n"
    assert shell(a, "deleteall", "/sh").returncode == 0
    assert shell(a, "stat", "/sh").returncode == 1


@pytest.mark.timeout(60)
def test_one_shot_ephemeral_outlives_the_command(apache_zk):
    a = apache_zk.address
    assert shell(a, "-timeout", "4000", "create", "-e", "/sh-eph", "x").returncode == 0
    # As with zkCli, the one-shot session is left to time out.
    assert "ephemeralOwner = 0x0\n" not in result(shell(a, "stat", "/sh-eph"))
    testlib.wait_for(lambda: shell(a, "stat", "/sh-eph").returncode == 1, timeout=20,
                     interval=0.3, what="ephemeral to expire")


@pytest.mark.timeout(60)
def test_stdin_mode(apache_zk):
    a = apache_zk.address
    p = shell(a, stdin="create /in a\nget /in\nls /in\nget /missing\n"
                       "create -e /in/e \"two words\"\nget /in/e\ndelete /in/e\ndelete /in\nquit\nls /\n")
    assert p.returncode == 0
    assert p.stdout.startswith(f"Connecting to {a}\nWelcome to ZooKeeper!\n"
                               "JLine support is disabled\n\nWATCHER::\n\n")
    # quit closes the session, which zkCli's watcher reports.
    assert result(p) == ("a\n[]\ntwo words\n"
                         "\nWATCHER::\n\nWatchedEvent state:Closed type:None path:null\n")
    assert "Created /in" in p.stderr and "Node does not exist: /missing" in p.stderr
    assert "[zk:" not in p.stdout  # no prompt when stdin is not a terminal
    assert shell(a, "stat", "/in").returncode == 1


@pytest.mark.timeout(30)
def test_unreachable_server(procs):
    dead = testlib.free_port()
    t0 = time.monotonic()
    p = shell(f"127.0.0.1:{dead}", "ls", "/")
    assert p.returncode != 0
    assert time.monotonic() - t0 < 10
    assert "ConnectionLoss" in p.stderr
    t0 = time.monotonic()
    p = shell(f"127.0.0.1:{dead}", "-timeout", "1000", "ls", "/")
    assert p.returncode != 0 and time.monotonic() - t0 < 4


@pytest.mark.timeout(30)
def test_usage():
    exe = testlib.binary("tools/zookeeper_shell/zookeeper-shell")
    p = subprocess.run([exe], capture_output=True, text=True, timeout=10)
    assert p.returncode == 1 and "USAGE" in p.stderr


@pytest.mark.timeout(60)
def test_chroot_and_server_flag(apache_zk):
    a = apache_zk.address
    assert shell(a, "create", "/chr").returncode == 0
    assert shell(a + "/chr", "create", "/x", "1").returncode == 0
    assert result(shell(a, "ls", "/chr")) == "[x]\n"
    exe = testlib.binary("tools/zookeeper_shell/zookeeper-shell")
    p = subprocess.run([exe, "-server", a + "/chr", "get", "/x"], capture_output=True, text=True,
                       timeout=30)
    assert result(p) == "1\n"
    assert shell(a, "deleteall", "/chr").returncode == 0


@pytest.mark.timeout(120)
@pytest.mark.skipif(not os.path.exists(ZKCLI), reason="zkCli.sh is not installed")
def test_same_output_as_zkcli(apache_zk):
    a = apache_zk.address
    assert shell(a, "create", "/cmp", "data").returncode == 0
    assert shell(a, "create", "/cmp/k", "v").returncode == 0
    for args in (["ls", "/cmp"], ["get", "-s", "/cmp"], ["stat", "/cmp/k"], ["ls", "-s", "/cmp"]):
        ours = shell(a, *args)
        theirs = zkcli(a, *args)
        assert ours.returncode == theirs.returncode == 0
        assert result_lines(ours.stdout) == result_lines(theirs.stdout), args
    ours, theirs = shell(a, "get", "/cmp/none"), zkcli(a, "get", "/cmp/none")
    assert ours.returncode == theirs.returncode == 1
    assert "Node does not exist: /cmp/none" in ours.stderr
    assert "Node does not exist: /cmp/none" in theirs.stderr
    assert shell(a, "deleteall", "/cmp").returncode == 0


@pytest.mark.timeout(60)
def test_interactive_watch_is_printed(apache_zk, procs):
    import queue
    import threading
    a = apache_zk.address
    assert shell(a, "create", "/shw", "v").returncode == 0
    exe = testlib.binary("tools/zookeeper_shell/zookeeper-shell")
    p = subprocess.Popen([exe, a], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, bufsize=1, start_new_session=True)
    procs.procs.append(p)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l.rstrip("\n")) for l in p.stdout],
                     daemon=True).start()

    def wait_line(want, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line == want:
                return
        raise AssertionError(f"no line {want!r} within {timeout}s")

    wait_line("WatchedEvent state:SyncConnected type:None path:null")
    p.stdin.write("get -w /shw\n")
    p.stdin.flush()
    wait_line("v")
    assert shell(a, "set", "/shw", "v2").returncode == 0
    wait_line("WatchedEvent state:SyncConnected type:NodeDataChanged path:/shw")
    p.stdin.write("quit\n")
    p.stdin.flush()
    wait_line("WatchedEvent state:Closed type:None path:null")
    assert p.wait(timeout=10) == 0
    assert shell(a, "delete", "/shw").returncode == 0

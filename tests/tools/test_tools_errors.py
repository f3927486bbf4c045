"""Error paths that need no broker: bad options, unreachable or unresolvable
bootstrap servers (a clear message and a non-zero exit, quickly)."""
import time

import pytest

import testlib
from tools import run

pytestmark = pytest.mark.timeout(60)

COMMANDS = {
    "kafka-topics": ["--list"],
    "kafka-console-producer": ["--topic", "t"],
    "kafka-console-consumer": ["--topic", "t"],
    "kafka-broker-api-versions": [],
}


@pytest.mark.parametrize("tool", sorted(COMMANDS))
def test_refused_bootstrap(tool):
    port = testlib.free_port()
    t0 = time.monotonic()
    r = run(tool, "--bootstrap-server", f"127.0.0.1:{port}", *COMMANDS[tool], input="x\n")
    assert time.monotonic() - t0 < 10
    assert r.returncode == 1
    assert (f"Error: could not connect to any bootstrap server (127.0.0.1:{port}: "
            "Connection refused)") in r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize("tool", sorted(COMMANDS))
def test_unresolvable_bootstrap(tool):
    t0 = time.monotonic()
    r = run(tool, "--bootstrap-server", "no-such-host.invalid:9092", *COMMANDS[tool], input="x\n")
    assert time.monotonic() - t0 < 12
    assert r.returncode == 1
    assert "Error: could not connect to any bootstrap server (no-such-host.invalid:9092: " in r.stderr


def test_several_bootstrap_servers_all_named():
    a, b = testlib.free_port(), testlib.free_port()
    r = run("kafka-topics", "--bootstrap-server", f"127.0.0.1:{a},127.0.0.1:{b}", "--list")
    assert r.returncode == 1
    assert f"127.0.0.1:{a}: Connection refused, 127.0.0.1:{b}: Connection refused" in r.stderr


def test_bad_bootstrap_syntax():
    r = run("kafka-topics", "--bootstrap-server", "localhost", "--list")
    assert r.returncode == 1
    assert "Invalid url in bootstrap.servers: localhost" in r.stderr


def test_typo_suggests_the_option():
    r = run("kafka-topics", "--bootstrap-server", "127.0.0.1:1", "--create", "--topic", "x",
            "--patitions", "3")
    assert r.returncode == 1
    assert "Did you mean '--partitions'?" in r.stderr
    r = run("kafka-console-consumer", "--bootstrap-server", "127.0.0.1:1", "--topic", "x",
            "--from-begining")
    assert r.returncode == 1
    assert "Did you mean '--from-beginning'?" in r.stderr


def test_option_rules_with_kafkas_messages():
    r = run("kafka-topics", "--bootstrap-server", "127.0.0.1:1")
    assert r.returncode == 1
    assert ("Command must include exactly one action: --list, --describe, --create, --alter or "
            "--delete") in r.stderr
    r = run("kafka-topics", "--bootstrap-server", "127.0.0.1:1", "--create")
    assert r.returncode == 1 and 'Missing required argument "[topic]"' in r.stderr
    r = run("kafka-console-consumer", "--bootstrap-server", "127.0.0.1:1", "--topic", "x",
            "--offset", "5")
    assert r.returncode == 1 and "The partition is required when offset is specified." in r.stderr
    r = run("kafka-console-consumer", "--bootstrap-server", "127.0.0.1:1", "--topic", "x",
            "--partition", "0", "--offset", "abc")
    assert r.returncode == 1 and "The provided offset value 'abc' is incorrect." in r.stderr
    r = run("kafka-console-producer", "--bootstrap-server", "127.0.0.1:1")
    assert r.returncode == 1 and 'Missing required argument "[topic]"' in r.stderr
    r = run("kafka-topics", "--bootstrap-server", "127.0.0.1:1", "--create", "--topic", "x",
            "--partitions", "0")
    assert r.returncode == 1
    assert r.stdout == "Error while executing topic command : The partitions must be greater than 0\n"


def test_help_goes_to_stdout():
    r = run("kafka-topics", "--help")
    assert r.returncode == 0
    assert "--bootstrap-server <String: server to" in r.stdout
    assert "REQUIRED: The Kafka server to connect" in r.stdout

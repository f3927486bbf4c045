"""Helpers for the replication tools' tests: run our tools (bazel-bin), parse
their JSON event lines, and check a verifiable producer's report (every value
exactly once, offsets per partition in value order)."""
import json
import os
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "broker"))
import broker_cluster  # noqa: E402

TOOLS = {
    "producer": "tools/verifiable_producer/kafka-verifiable-producer",
    "consumer": "tools/verifiable_consumer/kafka-verifiable-consumer",
    "leader-election": "tools/leader_election/kafka-leader-election",
    "dump-log": "tools/dump_log/kafka-dump-log",
    "topics": "tools/kafka_topics/kafka-topics",
}


def path(tool):
    return broker_cluster.find_binary(TOOLS[tool])


def run(tool, *args, timeout=60, input=None):
    return subprocess.run([path(tool), *args], capture_output=True, text=True, timeout=timeout,
                          input=input)


def start(tool, *args):
    """Starts a tool with stdout on a pipe (read it with readline(), then
    finish()) and stderr in a temporary file."""
    err = tempfile.TemporaryFile(mode="w+")
    p = subprocess.Popen([path(tool), *args], stdout=subprocess.PIPE, stderr=err, text=True,
                         start_new_session=True)
    p.errfile = err
    return p


def finish(p, timeout=60):
    """The rest of stdout (communicate() would skip what readline() already
    buffered) and stderr, once the tool exits; kills it after `timeout`."""
    box = []
    t = threading.Thread(target=lambda: box.append(p.stdout.read()), daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        p.kill()
        t.join(5)
        raise TimeoutError(f"{p.args[0]} still running after {timeout}s")
    p.wait(timeout=10)
    p.errfile.seek(0)
    return box[0] if box else "", p.errfile.read()


def events(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def check_producer_report(evs, expect_sent=None):
    """Asserts Kafka's event sequence and that every value was reported exactly
    once; returns (acked: value -> (partition, offset), errors: list)."""
    names = [e["name"] for e in evs]
    assert names[0] == "startup_complete", names[:3]
    assert names[-2:] == ["shutdown_complete", "tool_data"], names[-3:]
    for e in evs:
        assert list(e)[:2] == ["timestamp", "name"], e
    sends = [e for e in evs if e["name"] in ("producer_send_success", "producer_send_error")]
    values = [e["value"] for e in sends]
    assert len(values) == len(set(values)), "a value was reported twice"
    tool = evs[-1]
    assert tool["sent"] == len(sends), (tool, len(sends))
    if expect_sent is not None:
        assert tool["sent"] == expect_sent
    acked = {}
    errors = []
    for e in sends:
        if e["name"] == "producer_send_success":
            assert list(e)[2:] == ["key", "value", "topic", "partition", "offset"], e
            acked[e["value"]] = (e["partition"], e["offset"])
        else:
            assert list(e)[2:] == ["exception", "message", "topic", "key", "value"], e
            assert e["exception"].startswith("class org.apache.kafka.common."), e
            errors.append(e)
    assert tool["acked"] == len(acked)
    # Order within a partition is the order of the values (max.in.flight 1).
    by_part = {}
    for v, (p, off) in sorted(acked.items(), key=lambda kv: int(kv[0].split(".")[-1])):
        by_part.setdefault(p, []).append(off)
    for p, offs in by_part.items():
        assert offs == sorted(offs) and len(set(offs)) == len(offs), (p, offs)
    return acked, errors


def consume_all(bootstrap, topic, count, timeout=60):
    """Reads `count` records with the verifiable consumer in assign mode;
    returns {(partition, offset): value}."""
    r = run("consumer", "--bootstrap-server", bootstrap, "--topic", topic, "--max-messages",
            str(count), "--verbose", timeout=timeout)
    assert r.returncode == 0, r.stderr
    out = {}
    for e in events(r.stdout):
        if e["name"] == "record_data":
            key = (e["partition"], e["offset"])
            assert key not in out, f"offset {key} seen twice"
            out[key] = e["value"]
    return out


def read_until(bootstrap, topic, wanted, timeout=60):
    """Runs the verifiable consumer in assign mode until every (partition,
    offset) in `wanted` has been read (the log may hold more: sends reported
    as indeterminate errors can have been written); returns what it read."""
    import time
    p = start("consumer", "--bootstrap-server", bootstrap, "--topic", topic, "--verbose")
    out = {}
    missing = set(wanted)
    deadline = time.monotonic() + timeout
    try:
        while missing and time.monotonic() < deadline:
            line = p.stdout.readline()
            if not line:
                break
            e = json.loads(line)
            if e["name"] == "record_data":
                key = (e["partition"], e["offset"])
                assert key not in out, f"offset {key} seen twice"
                out[key] = e["value"]
                missing.discard(key)
    finally:
        p.kill()
        p.wait(timeout=10)
    assert not missing, f"{len(missing)} offsets never read, e.g. {sorted(missing)[:5]}"
    return out

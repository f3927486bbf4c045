"""kafka-topics --describe filters (--under-replicated-partitions,
--unavailable-partitions, --under-min-isr-partitions, --at-min-isr-partitions,
--exclude-internal) against a scripted broker whose metadata holds exactly the
ISR shapes to tell them apart (librdkafka's mock always reports ISR =
replicas), plus the mock cluster with a partition that has no leader."""
import socket
import struct
import threading
import uuid

import pytest

from repl_tools import run

pytestmark = pytest.mark.timeout(60)


def read_n(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def string(s):
    b = s.encode()
    return struct.pack(">h", len(b)) + b


def int_array(ids):
    return struct.pack(">i", len(ids)) + b"".join(struct.pack(">i", i) for i in ids)


# topic -> (internal, configs, [(partition, leader, replicas, isr)])
TOPICS = {
    "r": (False, {"min.insync.replicas": "2"}, [
        (0, 1, [1, 2, 3], [1, 2, 3]),   # healthy
        (1, 2, [1, 2, 3], [2, 3]),      # under-replicated, at min ISR
        (2, 3, [1, 2, 3], [3]),         # under-replicated, under min ISR
        (3, -1, [1, 2, 3], [1]),        # offline
        (4, 4, [4, 1, 2], [4, 1, 2]),   # leader is not a live broker
    ]),
    "__consumer_offsets": (True, {}, [(0, 1, [1, 2], [1])]),
}


class ScriptedBroker:
    """ApiVersions v0-2, Metadata v1 (brokers 1-3, all on this port) and
    DescribeConfigs v1 answering TOPICS."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.conn, args=(c,), daemon=True).start()

    def metadata(self):
        body = struct.pack(">i", 3)
        for b in (1, 2, 3):
            body += struct.pack(">i", b) + string("127.0.0.1") + struct.pack(">i", self.port)
            body += struct.pack(">h", -1)
        body += struct.pack(">i", 1)  # controller
        body += struct.pack(">i", len(TOPICS))
        for name, (internal, _, parts) in TOPICS.items():
            body += struct.pack(">h", 0) + string(name) + struct.pack(">?", internal)
            body += struct.pack(">i", len(parts))
            for p, leader, replicas, isr in parts:
                body += struct.pack(">hii", 0, p, leader) + int_array(replicas) + int_array(isr)
        return body

    def configs(self):
        body = struct.pack(">ii", 0, len(TOPICS))
        for name, (_, cfg, _) in TOPICS.items():
            body += struct.pack(">hh", 0, -1) + struct.pack(">b", 2) + string(name)
            body += struct.pack(">i", len(cfg))
            for k, v in cfg.items():
                # v1: read_only, config_source (1 = dynamic topic config), is_sensitive, synonyms
                body += string(k) + string(v) + struct.pack(">?b?i", False, 1, False, 0)
        return body

    def conn(self, c):
        with c:
            while True:
                size = read_n(c, 4)
                if size is None:
                    return
                frame = read_n(c, struct.unpack(">i", size)[0])
                key, ver, corr = struct.unpack(">hhi", frame[:8])
                if key == 18:
                    apis = [(18, 0, 2), (3, 1, 1), (32, 1, 1)]
                    body = struct.pack(">hi", 35 if ver > 2 else 0, len(apis)) + b"".join(
                        struct.pack(">hhh", *a) for a in apis)
                    if 1 <= ver <= 2:
                        body += struct.pack(">i", 0)
                elif key == 3:
                    body = self.metadata()
                elif key == 32:
                    body = self.configs()
                else:
                    return
                out = struct.pack(">i", corr) + body
                c.sendall(struct.pack(">i", len(out)) + out)

    def close(self):
        self.sock.close()


@pytest.fixture(scope="module")
def scripted():
    b = ScriptedBroker()
    yield f"127.0.0.1:{b.port}"
    b.close()


def describe(bootstrap, *extra):
    r = run("topics", "--bootstrap-server", bootstrap, "--describe", *extra, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def parts(text):
    out = []
    for line in text.splitlines():
        assert line.startswith("\tTopic: "), line
        f = dict(x.split(": ", 1) for x in line.strip("\t").split("\t"))
        out.append((f["Topic"], int(f["Partition"])))
    return out


def test_full_describe_shows_true_leader_replicas_isr(scripted):
    text = describe(scripted, "--topic", "r")
    lines = text.splitlines()
    assert lines[0] == "Topic: r\tPartitionCount: 5\tReplicationFactor: 3\tConfigs: min.insync.replicas=2"
    assert lines[2] == "\tTopic: r\tPartition: 1\tLeader: 2\tReplicas: 1,2,3\tIsr: 2,3"
    assert lines[4] == "\tTopic: r\tPartition: 3\tLeader: none\tReplicas: 1,2,3\tIsr: 1"
    # Broker 4 is not live: Kafka's admin client has no node for it.
    assert lines[5] == "\tTopic: r\tPartition: 4\tLeader: none\tReplicas: 4,1,2\tIsr: 4,1,2"


def test_under_replicated(scripted):
    text = describe(scripted, "--under-replicated-partitions")
    assert parts(text) == [("__consumer_offsets", 0), ("r", 1), ("r", 2), ("r", 3)]
    assert "PartitionCount" not in text  # no topic lines with a filter
    text = describe(scripted, "--under-replicated-partitions", "--exclude-internal")
    assert parts(text) == [("r", 1), ("r", 2), ("r", 3)]
    assert parts(describe(scripted, "--under-replicated-partitions", "--topic", "r")) == \
        [("r", 1), ("r", 2), ("r", 3)]


def test_unavailable(scripted):
    assert parts(describe(scripted, "--unavailable-partitions")) == [("r", 3), ("r", 4)]


def test_min_isr_filters(scripted):
    assert parts(describe(scripted, "--under-min-isr-partitions")) == [("r", 2), ("r", 3), ("r", 4)]
    assert parts(describe(scripted, "--at-min-isr-partitions")) == [("r", 1)]


def test_topics_with_overrides_prints_topic_lines_only(scripted):
    text = describe(scripted, "--topics-with-overrides")
    assert text == "Topic: r\tPartitionCount: 5\tReplicationFactor: 3\tConfigs: min.insync.replicas=2\n"


def test_filters_are_exclusive(scripted):
    r = run("topics", "--bootstrap-server", scripted, "--describe", "--under-replicated-partitions",
            "--at-min-isr-partitions")
    assert r.returncode == 1
    assert r.stderr.startswith('Error: Option "[under-replicated-partitions]" can\'t be used with '
                               'option "[at-min-isr-partitions]"')
    r = run("topics", "--bootstrap-server", scripted, "--list", "--unavailable-partitions")
    assert r.returncode == 1 and "can't be used with option \"[list]\"" in r.stderr


def test_mock_partition_without_leader(mock):
    topic = "u-" + uuid.uuid4().hex[:8]
    mock.cmd("topic", topic, 3, 3)
    mock.cmd("leader", topic, 1, -1)
    try:
        assert parts(describe(mock.bootstrap, "--topic", topic, "--unavailable-partitions")) == [(topic, 1)]
        assert parts(describe(mock.bootstrap, "--topic", topic, "--under-min-isr-partitions")) == [(topic, 1)]
        assert describe(mock.bootstrap, "--topic", topic, "--under-replicated-partitions") == ""
    finally:
        mock.cmd("leader", topic, 1, 1)
    assert describe(mock.bootstrap, "--topic", topic, "--unavailable-partitions") == ""

"""Consumer groups with the Node clients: one scenario run by kafkajs 2.2.4 and by
@platformatic/kafka 1.35.0 members (tests/groups_node/*_member.*) against our
kafka-server.

A member is a node process printing JSON lines (assigned / msg / commit / crash)
to stdout, which goes to a log file the test polls. Records are produced with
confluent-kafka to explicit partitions; committed offsets are read back with
kafka-python's admin client (and our kafka-consumer-groups --describe when built).
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
for _p in (TESTS, os.path.join(TESTS, "broker")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import testlib  # noqa: E402

NODE_MODULES = os.path.join(TESTS, "node", "node_modules")
TOPIC = "node-orders"
PARTS = {0, 1, 2}
SESSION_MS = 6000
# After a SIGKILL the coordinator notices the member's silence once the session
# timeout has passed since its last heartbeat; the survivor learns of the
# rebalance from its next heartbeat (500 ms) and rejoins. Kafka itself needs the
# same; the slack covers the rejoin round trips on a loaded 2-core machine.
HANDOVER_SLACK_S = 4.0

SCRIPTS = {
    "kafkajs": ("kafkajs_member.js", os.path.join(NODE_MODULES, "kafkajs")),
    "platformatic": ("platformatic_member.mjs", os.path.join(NODE_MODULES, "@platformatic", "kafka")),
}
ADMIN_SCRIPTS = {"kafkajs": "kafkajs_admin.js", "platformatic": "platformatic_admin.mjs"}


def client_available(client):
    return shutil.which("node") is not None and os.path.isdir(SCRIPTS[client][1])


class Member:
    """One node group member; its stdout JSON lines are parsed from a log file.
    `instance`: group.instance.id (static membership; platformatic only)."""

    def __init__(self, procs, tmp_path, client, name, bootstrap, group, topic=TOPIC, instance=None):
        self.procs = procs
        self.name = name
        self.log = tmp_path / f"{client}-{name}.out"
        env = dict(os.environ, KAFKA_NODE_MODULES=NODE_MODULES, KAFKAJS_NO_PARTITIONER_WARNING="1")
        self.proc = procs.start(["node", os.path.join(HERE, SCRIPTS[client][0]), bootstrap, group,
                                 topic, str(SESSION_MS)] + ([instance] if instance else []),
                                log_path=str(self.log), env=env)

    def events(self):
        evs = []
        with open(self.log, errors="replace") as f:
            for line in f:
                if line.startswith("{"):
                    try:
                        evs.append(json.loads(line))
                    except ValueError:  # a line still being written
                        pass
        crashes = [e for e in evs if e["ev"] == "crash"]
        assert not crashes, f"{self.name} crashed: {crashes[0]['error']}\n{self.tail()}"
        return evs

    def tail(self, n=3000):
        return self.log.read_text(errors="replace")[-n:]

    def assignment(self):
        """The partitions of the member's latest SyncGroup, or None before the first."""
        got = [e for e in self.events() if e["ev"] == "assigned"]
        return set(got[-1]["partitions"]) if got else None

    def msgs(self):
        return [e for e in self.events() if e["ev"] == "msg"]

    def values(self):
        return [e["v"] for e in self.msgs()]

    def kill(self, sig=signal.SIGKILL):
        self.procs.kill(self.proc, sig)
        return self.proc.returncode


def run_admin(client, bootstrap, ops, timeout=60):
    """The client's admin peer (tests/groups_node/*_admin.*): one JSON result per op."""
    env = dict(os.environ, KAFKA_NODE_MODULES=NODE_MODULES)
    r = subprocess.run(["node", os.path.join(HERE, ADMIN_SCRIPTS[client]), bootstrap, json.dumps(ops)],
                       capture_output=True, text=True, timeout=timeout, env=env)
    assert r.returncode == 0, f"{client} admin failed: {r.stderr[-3000:]}"
    return json.loads(r.stdout.strip().splitlines()[-1])


def int_keys(d):
    return {int(k): v for k, v in d.items()}


def create_topic(bootstrap, name=TOPIC, partitions=3):
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(name, partitions, 1)], operation_timeout=10)[name].result(timeout=15)


def produce(bootstrap, start, n, name=TOPIC):
    """Values m<start>..m<start+n-1>, round robin over partitions 0, 1, 2."""
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": bootstrap, "linger.ms": 0, "acks": "all"})
    sent = []
    for i in range(start, start + n):
        p.produce(name, value=f"m{i}".encode(), partition=i % 3)
        sent.append(f"m{i}")
    assert p.flush(15) == 0
    return sent


def end_offsets(bootstrap, name=TOPIC):
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "end-offsets-probe"})
    try:
        return {p: c.get_watermark_offsets(TopicPartition(name, p), timeout=5)[1] for p in PARTS}
    finally:
        c.close()


def committed(bootstrap, group, name=TOPIC):
    from kafka.admin import KafkaAdminClient
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        return {tp.partition: om.offset
                for tp, om in admin.list_consumer_group_offsets(group).items() if tp.topic == name}
    finally:
        admin.close()


def wait_committed_at_end(bootstrap, group, timeout=20):
    ends = end_offsets(bootstrap)
    testlib.wait_for(lambda: committed(bootstrap, group) == ends, timeout, interval=0.2,
                     what=f"group {group} committed {ends}")
    return ends


def describe_lag(bootstrap, group):
    """Our kafka-consumer-groups --describe rows for TOPIC as {partition: (current, end, lag)},
    or None when the tool is not built."""
    import broker_cluster
    try:
        tool = broker_cluster.find_binary("tools/consumer_groups/kafka-consumer-groups")
    except FileNotFoundError:
        return None
    r = subprocess.run([tool, "--bootstrap-server", bootstrap, "--describe", "--group", group],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    rows = {}
    for line in r.stdout.splitlines():
        cols = line.split()
        if len(cols) >= 6 and cols[1] == TOPIC and cols[2].isdigit():
            rows[int(cols[2])] = tuple(cols[3:6])
    return rows


def poll(predicate, timeout, what):
    """testlib.wait_for, except that an AssertionError (a member crashed) ends the
    wait at once instead of being retried until the deadline."""
    def checked():
        try:
            return predicate()
        except AssertionError as e:
            return e
    value = testlib.wait_for(checked, timeout, interval=0.05, what=what)
    if isinstance(value, AssertionError):
        raise value
    return value


def split_complete(members):
    parts = [m.assignment() for m in members]
    if any(not p for p in parts):
        return False
    union = set().union(*parts)
    return union == PARTS and sum(len(p) for p in parts) == len(PARTS)


def wait_values(members, want, timeout):
    """Waits until the members together consumed every value in `want`."""
    want = set(want)

    def done():
        return want <= {v for m in members for v in m.values()}
    try:
        poll(done, timeout, what=f"{len(want)} records consumed")
    except TimeoutError:
        got = {v for m in members for v in m.values()}
        raise AssertionError(f"missing {sorted(want - got)[:10]}; tails:\n" +
                             "\n".join(m.tail(1500) for m in members))


def run_scenario(cluster, procs, tmp_path, client):
    """Two members split and consume, commits reach the end offsets, a SIGKILLed
    member's partitions move to the survivor, and a new member resumes at the
    commits without re-reading. Returns the measured handover time in seconds."""
    bs = cluster.bootstrap()
    group = f"{client}-group"
    create_topic(bs)
    a = Member(procs, tmp_path, client, "a", bs, group)
    b = Member(procs, tmp_path, client, "b", bs, group)

    # 1. Disjoint assignments covering every partition.
    try:
        poll(lambda: split_complete([a, b]), 40, what="two-member split")
    except TimeoutError:
        raise AssertionError(f"no split: {a.assignment()} {b.assignment()}\n{a.tail()}\n{b.tail()}")
    pa, pb = a.assignment(), b.assignment()

    # 2. Everything produced is consumed exactly once, each record by its partition's
    # owner (the members drop records of partitions they do not own: see
    # platformatic_member.mjs).
    first = produce(bs, 0, 30)
    wait_values([a, b], first, 30)
    assert sorted(a.values() + b.values()) == sorted(first)
    for m, parts in ((a, pa), (b, pb)):
        assert {e["p"] for e in m.msgs()} <= parts, (m.name, parts)
    assert a.assignment() == pa and b.assignment() == pb, "unexpected rebalance"

    # 3. Committed offsets equal the end offsets (and our tool shows lag 0).
    ends = wait_committed_at_end(bs, group)
    assert ends == {0: 10, 1: 10, 2: 10}
    lag = describe_lag(bs, group)
    if lag is not None:
        assert lag == {p: (str(ends[p]), str(ends[p]), "0") for p in PARTS}, lag

    # ... and the client's own admin API sees the same group (ListGroups,
    # DescribeGroups with the members' assignments, OffsetFetch; platformatic upper-cases
    # the state).
    listed, desc, offsets = run_admin(client, bs, [
        {"op": "list"}, {"op": "describe", "group": group},
        {"op": "offsets", "group": group, "topic": TOPIC}])
    assert {"group": group, "protocolType": "consumer"} in listed, listed
    assert desc["state"].lower() == "stable" and desc["protocolType"] == "consumer", desc
    assert sorted(m["partitions"] for m in desc["members"]) == sorted([sorted(pa), sorted(pb)]), desc
    assert {m["clientHost"] for m in desc["members"]} == {"/127.0.0.1"}, desc
    assert int_keys(offsets) == ends

    # 4. SIGKILL b: a gets every partition within the session timeout (plus rejoin).
    a_seen = len(a.msgs())
    b.kill(signal.SIGKILL)
    killed = time.monotonic()
    try:
        poll(lambda: a.assignment() == PARTS, SESSION_MS / 1000 + HANDOVER_SLACK_S,
             what="survivor owns every partition")
    except TimeoutError:
        raise AssertionError(f"no handover: {a.assignment()}\n{a.tail()}")
    handover = time.monotonic() - killed

    # ... and consumes what is produced afterwards, nothing older.
    second = produce(bs, 100, 15)
    wait_values([a], second, 30)
    assert sorted(e["v"] for e in a.msgs()[a_seen:]) == sorted(second)
    ends = wait_committed_at_end(bs, group)
    assert ends == {0: 15, 1: 15, 2: 15}

    # 5. The group restarts: a leaves, records are produced while nobody is
    # consuming, and a new member reads exactly those, from the commits.
    assert a.kill(signal.SIGTERM) == 0, a.tail()
    third = produce(bs, 200, 9)
    c = Member(procs, tmp_path, client, "c", bs, group)
    wait_values([c], third, 40)
    wait_committed_at_end(bs, group)
    assert c.assignment() == PARTS
    assert sorted(c.values()) == sorted(third), c.values()
    first_offsets = {}
    for e in c.msgs():
        first_offsets.setdefault(e["p"], e["o"])
    assert first_offsets == {0: 15, 1: 15, 2: 15}
    assert c.kill(signal.SIGTERM) == 0, c.tail()

    # 6. Admin on the empty group: describe, move an offset (OffsetCommit with
    # generation -1), drop one partition's offset (OffsetDelete, platformatic
    # only: kafkajs has no call for it), delete the group.
    ops = [{"op": "describe", "group": group},
           {"op": "set", "group": group, "topic": TOPIC, "offsets": {"0": 3}},
           {"op": "offsets", "group": group, "topic": TOPIC}]
    if client == "platformatic":
        ops += [{"op": "delete_offsets", "group": group, "topic": TOPIC, "partitions": [1]},
                {"op": "offsets", "group": group, "topic": TOPIC}]
    res = run_admin(client, bs, ops)
    assert res[0]["state"].lower() == "empty" and res[0]["members"] == [], res[0]
    assert int_keys(res[2]) == {0: 3, 1: 18, 2: 18}
    if client == "platformatic":
        assert int_keys(res[4]) == {0: 3, 2: 18}
        assert committed(bs, group) == {0: 3, 2: 18}
    else:
        assert committed(bs, group) == {0: 3, 1: 18, 2: 18}
    _, listed = run_admin(client, bs, [{"op": "delete", "group": group}, {"op": "list"}])
    assert group not in {g["group"] for g in listed}, listed
    assert committed(bs, group) == {}
    return handover


def _uvarint(data, pos):
    shift = value = 0
    while True:
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, pos
        shift += 7


def fetch_v12_partition_tags(port, topic):
    """Number of tagged fields on partition 0 in a Fetch v12 answer for an empty
    partition, by hand; None when this broker answers with an error (not the leader). Kafka writes none there (CurrentLeader, tag 1, only on
    NOT_LEADER_OR_FOLLOWER / FENCED_LEADER_EPOCH since KIP-951)."""
    import socket
    import struct
    import broker_cluster
    name = topic.encode()
    part = struct.pack(">iiqiqi", 0, -1, 0, -1, -1, 1 << 20) + b"\0"
    body = (struct.pack(">iiiibii", -1, 0, 0, 1 << 20, 0, 0, -1) + b"\x02" +
            bytes([len(name) + 1]) + name + b"\x02" + part + b"\0" + b"\x01" + b"\x01" + b"\0")
    frame = struct.pack(">hhih", 1, 12, 1, 5) + b"probe" + b"\0" + body
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(struct.pack(">i", len(frame)) + frame)
        r = broker_cluster.read_frame(s)
    pos = 4 + 1 + 4 + 2 + 4  # correlation id, header tags, throttle, error, session
    ntopics, pos = _uvarint(r, pos)
    assert ntopics == 2, r.hex()
    n, pos = _uvarint(r, pos)
    pos += n - 1  # topic name
    nparts, pos = _uvarint(r, pos)
    assert nparts == 2, r.hex()
    (error,) = struct.unpack_from(">h", r, pos + 4)
    if error != 0:
        return None
    pos += 4 + 2 + 8 + 8 + 8
    naborted, pos = _uvarint(r, pos)
    assert naborted <= 1, r.hex()  # null or empty
    pos += 4  # preferred read replica
    nrecords, pos = _uvarint(r, pos)
    pos += max(nrecords - 1, 0)
    ntags, pos = _uvarint(r, pos)
    return ntags

"""Consumer groups end to end: real clients (confluent-kafka / librdkafka,
kafka-python, kcat) in groups against one kafka-server."""
import os
import signal
import subprocess
import sys
import time

import pytest
import testlib
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


TOPIC = "orders"
PARTS = [0, 1, 2]


def create_topic(cluster, name=TOPIC, partitions=3):
    admin = AdminClient({"bootstrap.servers": cluster.bootstrap()})
    futs = admin.create_topics([NewTopic(name, partitions, 1)], operation_timeout=10)
    futs[name].result(timeout=15)


def produce(cluster, n, start=0, name=TOPIC):
    p = Producer({"bootstrap.servers": cluster.bootstrap(), "linger.ms": 0})
    sent = []
    for i in range(start, start + n):
        v = f"m{i}".encode()
        p.produce(name, value=v, partition=i % 3)
        sent.append(v)
    assert p.flush(15) == 0
    return sent


def ck_consumer(cluster, group, **extra):
    conf = {"bootstrap.servers": cluster.bootstrap(), "group.id": group,
            "auto.offset.reset": "earliest", "enable.auto.commit": False,
            "session.timeout.ms": 6000, "heartbeat.interval.ms": 500}
    conf.update(extra)
    return Consumer(conf)


def end_offsets(consumer, name=TOPIC):
    return {p: consumer.get_watermark_offsets(TopicPartition(name, p), timeout=5)[1] for p in PARTS}


def poll_all(consumers, want, deadline_s, stop=None):
    """Polls the consumers in turn until `want` values are seen (and stop() holds)."""
    got = []
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        for c in consumers:
            m = c.poll(0.1)
            if m is not None and m.error() is None:
                got.append(m.value())
                c.commit(message=m, asynchronous=False)
        if len(got) >= want and (stop is None or stop()):
            return got
    raise AssertionError(f"timed out: got {len(got)} of {want}")


def parts_of(c):
    return {tp.partition for tp in c.assignment()}


@pytest.mark.timeout(90)
def test_confluent_two_members_split_and_commit(cluster):
    create_topic(cluster)
    sent = produce(cluster, 30)
    a, b = ck_consumer(cluster, "g1"), ck_consumer(cluster, "g1")
    try:
        a.subscribe([TOPIC])
        b.subscribe([TOPIC])

        def split():
            pa, pb = parts_of(a), parts_of(b)
            return pa and pb and not (pa & pb) and pa | pb == set(PARTS)
        got = poll_all([a, b], len(sent), 45, stop=split)
        assert sorted(got) == sorted(sent)
        ends = end_offsets(a)
        for c in (a, b):
            committed = c.committed([TopicPartition(TOPIC, p) for p in parts_of(c)], timeout=10)
            for tp in committed:
                assert tp.offset == ends[tp.partition]
    finally:
        a.close()
        b.close()


@pytest.mark.timeout(90)
def test_kafka_python_two_members(cluster):
    # kafka-python blocks inside poll() while its group rebalances, so each
    # member runs in its own thread.
    import threading
    from kafka import KafkaConsumer
    from kafka import TopicPartition as KTP
    create_topic(cluster)
    sent = produce(cluster, 30)
    conf = dict(bootstrap_servers=cluster.bootstrap(), group_id="kp", auto_offset_reset="earliest",
                enable_auto_commit=False, session_timeout_ms=6000, heartbeat_interval_ms=500,
                max_poll_interval_ms=20000)
    got, lock, stop = [], threading.Lock(), threading.Event()
    consumers = [KafkaConsumer(TOPIC, **conf) for _ in range(2)]
    errors = []

    def run(c):
        try:
            while not stop.is_set():
                recs = c.poll(timeout_ms=100)
                with lock:
                    for msgs in recs.values():
                        got.extend(m.value for m in msgs)
                if recs:
                    c.commit()
        except Exception as e:  # noqa: BLE001 - reported by the test
            errors.append(e)
    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in consumers]
    for t in threads:
        t.start()

    def done():
        with lock:
            n = len(got)
        pa, pb = ({tp.partition for tp in c.assignment()} for c in consumers)
        return n >= len(sent) and pa and pb and not (pa & pb) and pa | pb == set(PARTS)
    try:
        testlib.wait_for(done, 60, interval=0.1, what="kafka-python split and consume")
        stop.set()
        for t in threads:
            t.join(10)
        assert not errors, errors
        assert sorted(got) == sorted(sent)
        ends = consumers[0].end_offsets([KTP(TOPIC, p) for p in PARTS])
        for c in consumers:
            for tp in c.assignment():
                assert c.committed(tp) == ends[tp]
    finally:
        stop.set()
        for c in consumers:
            c.close()


MEMBER = r"""
import sys, time
from confluent_kafka import Consumer
c = Consumer({"bootstrap.servers": sys.argv[1], "group.id": sys.argv[2],
              "auto.offset.reset": "earliest", "session.timeout.ms": 6000,
              "heartbeat.interval.ms": 500})
c.subscribe([sys.argv[3]])
while True:
    c.poll(0.2)
    if c.assignment():
        print("assigned", flush=True)
"""


@pytest.mark.timeout(90)
def test_killed_member_partitions_move(cluster, procs, tmp_path):
    create_topic(cluster)
    produce(cluster, 9)
    script = tmp_path / "member.py"
    script.write_text(MEMBER)
    out = tmp_path / "member.out"
    member = procs.start(["/usr/bin/python3", str(script), cluster.bootstrap(), "gk", TOPIC],
                         log_path=str(out))
    b = ck_consumer(cluster, "gk")
    try:
        b.subscribe([TOPIC])
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            b.poll(0.1)
            pb = parts_of(b)
            if pb and pb != set(PARTS) and "assigned" in out.read_text():
                break
        else:
            raise AssertionError(f"no split: {parts_of(b)}")
        procs.kill(member, signal.SIGKILL)
        killed = time.monotonic()
        while parts_of(b) != set(PARTS):
            assert time.monotonic() - killed < 6 + 12, "partitions did not move"
            b.poll(0.1)
    finally:
        b.close()


@pytest.mark.timeout(120)
def test_restarted_group_resumes_after_broker_restart(cluster, group_overrides):
    create_topic(cluster)
    first = produce(cluster, 12)
    c = ck_consumer(cluster, "gr")
    c.subscribe([TOPIC])
    try:
        assert sorted(poll_all([c], len(first), 45)) == sorted(first)
    finally:
        c.close()
    # The broker reloads the group's commits from __consumer_offsets.
    cluster.kill(0, signal.SIGTERM)
    cluster.start_broker(0, overrides=group_overrides)
    second = produce(cluster, 6, start=100)
    c = ck_consumer(cluster, "gr")
    c.subscribe([TOPIC])
    try:
        got = poll_all([c], len(second), 45)
        # Nothing old comes back, even after a little more polling.
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            m = c.poll(0.1)
            if m is not None and m.error() is None:
                got.append(m.value())
        assert sorted(got) == sorted(second)
    finally:
        c.close()


@pytest.mark.timeout(90)
def test_kcat_balanced_consumers(cluster, procs, tmp_path):
    create_topic(cluster)
    sent = produce(cluster, 30)
    outs = [tmp_path / f"kcat{i}.out" for i in range(2)]
    members = [procs.start(["kcat", "-u", "-b", cluster.bootstrap(), "-G", "gkc", "-o", "beginning",
                            "-X", "session.timeout.ms=6000", "-f", "%s\\n", TOPIC],
                           log_path=str(o)) for o in outs]

    def lines():
        return [ln for o in outs for ln in o.read_text().splitlines()
                if ln.startswith("m") and ln[1:].isdigit()]
    testlib.wait_for(lambda: len(lines()) >= len(sent), 20, what="kcat consumed everything")
    assert sorted(lines()) == sorted(v.decode() for v in sent)
    for m in members:
        procs.kill(m, signal.SIGTERM)


@pytest.mark.timeout(90)
def test_list_and_describe_groups(cluster):
    from kafka.admin import KafkaAdminClient
    create_topic(cluster)
    sent = produce(cluster, 6)
    c = ck_consumer(cluster, "gd", **{"client.id": "describer"})
    c.subscribe([TOPIC])
    try:
        poll_all([c], len(sent), 45, stop=lambda: parts_of(c) == set(PARTS))
        admin = KafkaAdminClient(bootstrap_servers=cluster.bootstrap())
        try:
            assert ("gd", "consumer") in admin.list_consumer_groups()
            (desc,) = admin.describe_consumer_groups(["gd"])
            assert desc.state == "Stable" and desc.protocol_type == "consumer"
            assert len(desc.members) == 1
            assert desc.members[0].client_id == "describer"
            assert desc.members[0].client_host == "/127.0.0.1"
            offsets = admin.list_consumer_group_offsets("gd")
            assert {tp.partition: o.offset for tp, o in offsets.items()} == {0: 2, 1: 2, 2: 2}
        finally:
            admin.close()
    finally:
        c.close()


@pytest.mark.timeout(90)
def test_two_brokers_coordinators_on_both(procs, tmp_path):
    """With two brokers __consumer_offsets (default 50 partitions, replication
    factor min(3, live brokers)) is led by both; groups on either coordinator work
    whichever broker the client bootstraps from."""
    import broker_cluster
    c2 = broker_cluster.Cluster(procs, tmp_path)
    c2.start_zookeeper()
    overrides = {"group.initial.rebalance.delay.ms": "0"}
    c2.start_broker(0, overrides=overrides)
    c2.start_broker(1, overrides=overrides)
    create_topic(c2)
    sent = produce(c2, 9)
    coordinators = set()
    for i in range(6):
        group = f"multi{i}"
        c = Consumer({"bootstrap.servers": c2.bootstrap(0), "group.id": group,
                      "auto.offset.reset": "earliest", "enable.auto.commit": False})
        c.subscribe([TOPIC])
        try:
            assert sorted(poll_all([c], len(sent), 45)) == sorted(sent)
            committed = c.committed([TopicPartition(TOPIC, p) for p in PARTS], timeout=10)
            assert [tp.offset for tp in committed] == [3, 3, 3]
        finally:
            c.close()
        coordinators.add(coordinator_of(c2.port(0), group))
    assert coordinators == {0, 1}


def coordinator_of(port, group):
    """FindCoordinator v0 by hand: the node id answering for `group`."""
    import struct
    import broker_cluster
    g = group.encode()
    resp = broker_cluster.kafka_request(port, 10, 0, struct.pack(">h", len(g)) + g)
    error, node = struct.unpack(">hi", resp[4:10])
    assert error == 0
    return node


@pytest.mark.timeout(90)
def test_static_member_restart_keeps_assignment(cluster):
    """group.instance.id (KIP-345): a static member that comes back within the
    session timeout takes over its old id; the other member is not rebalanced."""
    create_topic(cluster)
    produce(cluster, 6)
    a = ck_consumer(cluster, "gs", **{"group.instance.id": "a"})
    b = ck_consumer(cluster, "gs", **{"group.instance.id": "b"})
    a.subscribe([TOPIC])
    b.subscribe([TOPIC])
    try:
        def split():
            pa, pb = parts_of(a), parts_of(b)
            return pa and pb and not (pa & pb) and pa | pb == set(PARTS)
        poll_all([a, b], 6, 45, stop=split)
        before_a, before_b = parts_of(a), parts_of(b)
        a.close()  # static members send no LeaveGroup
        a = ck_consumer(cluster, "gs", **{"group.instance.id": "a"})
        a.subscribe([TOPIC])
        deadline = time.monotonic() + 20
        while parts_of(a) != before_a:
            assert time.monotonic() < deadline, (parts_of(a), before_a)
            a.poll(0.1)
            b.poll(0.1)
        for _ in range(10):
            b.poll(0.1)
        assert parts_of(b) == before_b
    finally:
        a.close()
        b.close()

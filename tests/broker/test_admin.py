"""Admin APIs of kafka-server: CreateTopics validation, re-creation right after
deletion, CreatePartitions, DescribeConfigs, auto-creation switches."""
import pytest

import testlib
from broker_cluster import kcat


def admin_client(bs):
    from confluent_kafka.admin import AdminClient
    return AdminClient({"bootstrap.servers": bs})


def wait_all(futures):
    out = {}
    for k, f in futures.items():
        try:
            f.result()
            out[k] = None
        except Exception as e:  # noqa: BLE001 - the error is the result
            out[k] = e.args[0].name() if e.args and hasattr(e.args[0], "name") else str(e)
    return out


@pytest.mark.timeout(60)
def test_create_topics_validation(one_broker):
    from confluent_kafka.admin import NewTopic
    a = admin_client(one_broker.bootstrap())
    res = wait_all(a.create_topics([
        NewTopic("ok1", 2, 1, config={"retention.ms": "1000"}),
        NewTopic("bad name!", 1, 1),
        NewTopic("zero", 0, 1),
        NewTopic("rf2", 1, 2),
        NewTopic("badcfg", 1, 1, config={"no.such.config": "x"}),
    ], operation_timeout=10))
    assert res == {"ok1": None, "bad name!": "TOPIC_EXCEPTION",
                   "zero": "INVALID_PARTITIONS", "rf2": "INVALID_REPLICATION_FACTOR",
                   "badcfg": "INVALID_CONFIG"}
    res = wait_all(a.create_topics([NewTopic("ok1", 1, 1)], operation_timeout=10))
    assert res == {"ok1": "TOPIC_ALREADY_EXISTS"}
    res = wait_all(a.create_topics([NewTopic("vo", 1, 1)], validate_only=True))
    assert res == {"vo": None}
    assert "vo" not in a.list_topics(timeout=10).topics


@pytest.mark.timeout(60)
def test_delete_then_recreate_at_once_starts_empty(one_broker):
    from confluent_kafka.admin import NewTopic
    bs = one_broker.bootstrap()
    a = admin_client(bs)
    for round_ in range(3):
        assert wait_all(a.create_topics([NewTopic("again", 1, 1)], operation_timeout=10)) == \
            {"again": None}
        r = kcat("-b", bs, "-P", "-t", "again", input=f"r{round_}\n".encode())
        assert r.returncode == 0
        r = kcat("-b", bs, "-C", "-t", "again", "-o", "beginning", "-e")
        assert r.stdout.decode().split() == [f"r{round_}"]
        assert wait_all(a.delete_topics(["again"], operation_timeout=10)) == {"again": None}
    assert wait_all(a.delete_topics(["never"], operation_timeout=10)) == \
        {"never": "UNKNOWN_TOPIC_OR_PART"}


@pytest.mark.timeout(60)
def test_create_partitions_and_describe_configs(one_broker):
    from confluent_kafka.admin import ConfigResource, NewPartitions, NewTopic
    bs = one_broker.bootstrap()
    a = admin_client(bs)
    assert wait_all(a.create_topics([NewTopic("grow", 1, 1, config={"segment.bytes": "1048576"})],
                                    operation_timeout=10)) == {"grow": None}
    assert wait_all(a.create_partitions([NewPartitions("grow", 4)], operation_timeout=10)) == \
        {"grow": None}
    assert wait_all(a.create_partitions([NewPartitions("grow", 2)], operation_timeout=10)) == \
        {"grow": "INVALID_PARTITIONS"}
    testlib.wait_for(lambda: len(a.list_topics("grow", timeout=5).topics["grow"].partitions) == 4,
                     10, what="4 partitions")
    r = kcat("-b", bs, "-P", "-t", "grow", "-p", "3", input=b"p3\n")
    assert r.returncode == 0, r.stderr
    r = kcat("-b", bs, "-C", "-t", "grow", "-p", "3", "-o", "beginning", "-e")
    assert r.stdout.decode().split() == ["p3"]

    fut = a.describe_configs([ConfigResource("topic", "grow")])
    entries = list(fut.values())[0].result()
    assert entries["segment.bytes"].value == "1048576"
    assert not entries["segment.bytes"].is_default
    assert entries["retention.ms"].value == str(7 * 24 * 3600 * 1000)
    assert entries["retention.ms"].is_default
    fut = a.describe_configs([ConfigResource("broker", "0")])
    entries = list(fut.values())[0].result()
    assert entries["broker.id"].value == "0"


@pytest.mark.timeout(60)
def test_auto_create_can_be_disabled(cluster):
    cluster.start_broker(0, overrides={"auto.create.topics.enable": "false"})
    bs = cluster.bootstrap()
    r = kcat("-b", bs, "-P", "-t", "noauto", "-X", "message.timeout.ms=1500", input=b"x\n")
    assert r.returncode != 0 or b"Unknown topic" in r.stderr or b"UNKNOWN" in r.stderr
    from confluent_kafka.admin import AdminClient
    assert "noauto" not in AdminClient({"bootstrap.servers": bs}).list_topics(timeout=5).topics


@pytest.mark.timeout(60)
def test_log_append_time_topic(one_broker):
    import time
    from confluent_kafka import TIMESTAMP_LOG_APPEND_TIME, Consumer, Producer, TopicPartition
    from confluent_kafka.admin import NewTopic
    bs = one_broker.bootstrap()
    a = admin_client(bs)
    assert wait_all(a.create_topics(
        [NewTopic("lat", 1, 1, config={"message.timestamp.type": "LogAppendTime"})],
        operation_timeout=10)) == {"lat": None}
    before = int(time.time() * 1000)
    p = Producer({"bootstrap.servers": bs})
    p.produce("lat", value=b"v", timestamp=1000)
    assert p.flush(10) == 0
    c = Consumer({"bootstrap.servers": bs, "group.id": "x", "enable.auto.commit": False})
    c.assign([TopicPartition("lat", 0, 0)])
    m = None
    deadline = time.monotonic() + 10
    while m is None and time.monotonic() < deadline:
        got = c.poll(0.5)
        if got is not None and not got.error():
            m = got
    c.close()
    assert m is not None
    kind, ts = m.timestamp()
    assert kind == TIMESTAMP_LOG_APPEND_TIME
    assert before - 1000 <= ts <= int(time.time() * 1000) + 1000

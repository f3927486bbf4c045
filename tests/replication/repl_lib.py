"""Helpers for the replication tests: a 3-broker cluster (tests/broker's
broker_cluster with our ZooKeeper), partition state from ZooKeeper (kazoo),
replica segment bytes, and a few raw Kafka requests."""
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "broker"))
import broker_cluster  # noqa: E402
import testlib  # noqa: E402

BASE = {
    "num.partitions": "1",
    "default.replication.factor": "3",
    "offsets.topic.replication.factor": "3",
    "auto.create.topics.enable": "false",
    "log.segment.bytes": str(1 << 20),
    "replica.lag.time.max.ms": "10000",
}


def start(procs, tmp, overrides=None, n=3):
    c = broker_cluster.Cluster(procs, tmp)
    c.start_zookeeper()
    merged = dict(BASE, **(overrides or {}))
    for b in range(n):
        c.start_broker(b, overrides=merged)
    return c


def zk(cluster):
    from kazoo.client import KazooClient
    z = KazooClient(hosts=cluster.zk_connect, timeout=10)
    z.start(timeout=10)
    return z


def partition_state(z, topic, partition):
    data, _ = z.get(f"/brokers/topics/{topic}/partitions/{partition}/state")
    return json.loads(data)


def create_topic(cluster, topic, partitions=1, rf=3, config=None):
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": cluster.bootstrap()})
    fs = admin.create_topics([NewTopic(topic, partitions, rf, config=config or {})],
                             operation_timeout=20)
    fs[topic].result(30)

    def ready():
        md = admin.list_topics(topic, timeout=5).topics.get(topic)
        return md is not None and not md.error and len(md.partitions) == partitions and all(
            p.leader >= 0 for p in md.partitions.values())
    testlib.wait_for(ready, 30, what=f"topic {topic} has leaders")


def segment_bytes(cluster, broker_id, topic, partition):
    d = os.path.join(cluster.brokers[broker_id]["logdir"], f"{topic}-{partition}")
    out = b""
    for name in sorted(os.listdir(d)):
        if name.endswith(".log"):
            with open(os.path.join(d, name), "rb") as f:
                out += f.read()
    return out


def wait_identical(cluster, topic, partition, brokers, timeout=30):
    def same():
        data = [segment_bytes(cluster, b, topic, partition) for b in brokers]
        return len(data[0]) > 0 and all(d == data[0] for d in data)
    testlib.wait_for(same, timeout, what=f"identical replicas of {topic}-{partition}")


def produce(bootstrap, topic, values, acks="all", partition=0, timeout=30, **conf):
    """Produces `values` one by one in order; returns [(err_code or None, offset)]."""
    from confluent_kafka import Producer
    results = [None] * len(values)
    cfg = {"bootstrap.servers": bootstrap, "acks": acks, "linger.ms": 0,
           "max.in.flight.requests.per.connection": 1}
    cfg.update(conf)
    p = Producer(cfg)

    def cb(i):
        def report(err, msg):
            results[i] = (err.code() if err else None, None if err else msg.offset())
        return report
    for i, v in enumerate(values):
        p.produce(topic, value=v, partition=partition, on_delivery=cb(i))
    p.flush(timeout)
    return results


# -- raw requests --------------------------------------------------------

def _str(s):
    b = s.encode()
    return struct.pack(">h", len(b)) + b


def list_offsets_latest(port, topic, partition):
    """ListOffsets v1 latest for one partition: (error_code, offset)."""
    body = struct.pack(">i", -1) + struct.pack(">i", 1) + _str(topic) + struct.pack(
        ">i", 1) + struct.pack(">iq", partition, -1)
    r = broker_cluster.kafka_request(port, 2, 1, body)[4:]  # after the correlation id
    # response v1: topics[name, partitions[partition, error, timestamp, offset]]
    pos = 4
    (ln,) = struct.unpack_from(">h", r, pos)
    pos += 2 + ln + 4
    partition_, err, _ts, off = struct.unpack_from(">ihqq", r, pos)
    return err, off


def offset_for_leader_epoch(port, topic, partition, leader_epoch, current_leader_epoch=-1,
                            replica_id=None):
    """OffsetForLeaderEpoch v2 (v3 with `replica_id`): (error_code, leader_epoch, end_offset)."""
    body = struct.pack(">i", 1) + _str(topic) + struct.pack(">i", 1) + struct.pack(
        ">iii", partition, current_leader_epoch, leader_epoch)
    version = 2
    if replica_id is not None:
        body = struct.pack(">i", replica_id) + body
        version = 3
    r = broker_cluster.kafka_request(port, 23, version, body)[4:]
    pos = 4 + 4  # throttle, topics count
    (ln,) = struct.unpack_from(">h", r, pos)
    pos += 2 + ln + 4
    err, _p, epoch, end = struct.unpack_from(">hiiq", r, pos)
    return err, epoch, end

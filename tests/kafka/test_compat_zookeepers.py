"""kafka-server runs against Apache ZooKeeper 3.8 (Debian package, as tests/zookeeper
starts it) as well as against our zookeeper-server: one test each, creating a
3-partition topic, round-tripping 1,000 keyed records and deleting the topic."""
import os

import pytest

import testlib
from kafkalib import (consume_confluent, create_topic_confluent, kcat, make_records,
                      skip_unless_built, start_cluster, verify_exact)


@pytest.mark.timeout(150)
@pytest.mark.parametrize("zk", ["apache", "ours"])
def test_broker_on_zookeeper(procs, tmp_path, zk):
    skip_unless_built()
    if zk == "apache":
        import zkharness
        zkharness.skip_if_missing("apache")
    cluster = start_cluster(procs, tmp_path, zk=zk)
    bs = cluster.bootstrap()
    topic = f"on-{zk}"
    create_topic_confluent(bs, topic, 3)
    meta = kcat("-b", bs, "-L", "-t", topic)
    assert meta.returncode == 0 and b"3 partitions" in meta.stdout, meta.stdout

    from confluent_kafka import Producer
    sent = make_records(topic, 1000)
    index = {k: i for i, (k, _, _) in enumerate(sent)}
    placement = {}
    p = Producer({"bootstrap.servers": bs, "acks": "all", "linger.ms": 5})
    for k, v, h in sent:
        p.produce(topic, key=k, value=v, headers=h,
                  on_delivery=lambda err, m: err or placement.__setitem__(
                      index[m.key()], (m.partition(), m.offset())))
    assert p.flush(30) == 0
    got, marks = consume_confluent(bs, topic, 3, len(sent))
    verify_exact(sent, got, marks=marks, placement=placement)

    # The broker's state lives in that ZooKeeper under the /kafka chroot.
    from kazoo.client import KazooClient
    zkc = KazooClient(hosts=f"127.0.0.1:{cluster.zk_port}", timeout=10)
    zkc.start(timeout=15)
    try:
        assert zkc.exists("/kafka/brokers/ids/0")
        assert zkc.exists(f"/kafka/brokers/topics/{topic}")
        from confluent_kafka.admin import AdminClient
        admin = AdminClient({"bootstrap.servers": bs})
        for f in admin.delete_topics([topic], operation_timeout=15).values():
            f.result(30)
        testlib.wait_for(lambda: not zkc.exists(f"/kafka/brokers/topics/{topic}"), 20,
                         what="topic removed from ZooKeeper")
        testlib.wait_for(lambda: not os.path.exists(
            os.path.join(cluster.brokers[0]["logdir"], f"{topic}-0")), 20,
            what="partition dirs deleted")
    finally:
        zkc.stop()
        zkc.close()

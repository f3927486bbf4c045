import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "broker"))
import broker_cluster  # noqa: E402

# Small and quick: few __consumer_offsets partitions, no initial rebalance delay.
GROUP_OVERRIDES = {
    "offsets.topic.num.partitions": "5",
    "offsets.topic.replication.factor": "1",
    "group.initial.rebalance.delay.ms": "0",
}


def binaries_built():
    try:
        for rel in ("daemon/broker/kafka-server", "daemon/zookeeper/zookeeper-server"):
            broker_cluster.find_binary(rel)
        return True
    except FileNotFoundError:
        return False


@pytest.fixture
def cluster(procs, tmp_path):
    """ZooKeeper and two kafka-servers: the topic's partitions and the group's
    coordinator are spread over both."""
    if not binaries_built():
        pytest.skip("kafka-server/zookeeper-server not built")
    c = broker_cluster.Cluster(procs, tmp_path)
    c.start_zookeeper()
    c.start_broker(0, overrides=GROUP_OVERRIDES, wait=False)
    c.start_broker(1, overrides=GROUP_OVERRIDES, wait=False)
    c.wait_started(0)
    c.wait_started(1)
    return c

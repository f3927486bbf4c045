import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "broker"))
import broker_cluster  # noqa: E402

# Small and quick: few __consumer_offsets partitions, no initial rebalance delay.
GROUP_OVERRIDES = {
    "offsets.topic.num.partitions": "5",
    "offsets.topic.replication.factor": "1",
    "group.initial.rebalance.delay.ms": "0",
}


@pytest.fixture
def group_overrides():
    # A fixture, not `import conftest`: every tests/*/conftest.py shares that module
    # name, so an import picks whichever one pytest loaded first.
    return dict(GROUP_OVERRIDES)


@pytest.fixture
def cluster(procs, tmp_path):
    c = broker_cluster.Cluster(procs, tmp_path)
    c.start_zookeeper()
    c.start_broker(0, overrides=GROUP_OVERRIDES)
    return c

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import broker_cluster  # noqa: E402


@pytest.fixture
def cluster(procs, tmp_path):
    c = broker_cluster.Cluster(procs, tmp_path)
    c.start_zookeeper()
    return c


@pytest.fixture
def one_broker(cluster):
    cluster.start_broker(0)
    return cluster

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chaos_cluster  # noqa: E402


@pytest.fixture
def chaos(procs, tmp_path):
    """A started tier-A cluster: ZooKeeper ensemble (CHAOS_ZK=single for one server) and
    brokers 0, 1, 2; killed by PID at teardown (procs)."""
    c = chaos_cluster.ChaosCluster(procs, tmp_path)
    try:
        c.start()
        yield c
    finally:
        c.close()

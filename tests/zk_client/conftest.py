import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402
import zkhelpers  # noqa: E402


@pytest.fixture(scope="module")
def apache_zk(tmp_path_factory):
    """One Apache ZooKeeper 3.8 standalone server shared by a test module.
    ZK_CLIENT_TEST_SERVER=ours runs the same tests against zookeeper-server."""
    ours = os.environ.get("ZK_CLIENT_TEST_SERVER") == "ours"
    if not ours and not zkhelpers.apache_zk_available():
        pytest.skip("Apache ZooKeeper (Debian package zookeeper) or Java is not installed")
    procs = testlib.Processes()
    try:
        yield zkhelpers.ApacheZooKeeper(procs, str(tmp_path_factory.mktemp("zk")), ours=ours)
    finally:
        procs.cleanup()

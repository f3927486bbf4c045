import os
import sys

import pytest

from groups_env import MockCluster, TESTS, run

sys.path.insert(0, os.path.join(TESTS, "broker"))
import testlib  # noqa: E402

try:
    import broker_cluster
    HAVE_BROKER = all(os.access(os.path.join(testlib.BAZEL_BIN, p), os.X_OK) for p in (
        "daemon/broker/kafka-server", "daemon/zookeeper/zookeeper-server"))
except ImportError:  # tests/broker not there
    HAVE_BROKER = False


class Env:
    """A cluster under test: bootstrap string, how to make a 4-partition topic,
    and which admin APIs it has."""

    def __init__(self, name, bootstrap, create_topics):
        self.name = name
        self.bootstrap = bootstrap
        self.create_topics = create_topics
        versions = run("kafka-broker-api-versions", "--bootstrap-server", bootstrap).stdout
        self.has_groups = "JoinGroup(11): UNSUPPORTED" not in versions and "JoinGroup(11)" in versions
        self.has_admin = all(f"{api}: UNSUPPORTED" not in versions and api in versions
                             for api in ("DescribeGroups(15)", "ListGroups(16)"))

    def topic(self, name):
        if self.create_topics:
            r = run("kafka-topics", "--bootstrap-server", self.bootstrap, "--create", "--topic", name,
                    "--partitions", "4", "--replication-factor", "1")
            assert r.returncode == 0, r.stderr
        return name


@pytest.fixture(scope="module", params=["mock", "ours"])
def env(request, tmp_path_factory):
    """librdkafka's mock cluster (3 brokers, auto-creates 4-partition topics),
    or three of our kafka-server (skipped until they serve consumer groups)."""
    if request.param == "mock":
        m = MockCluster(3)
        try:
            yield Env("mock", m.bootstrap, create_topics=False)
        finally:
            m.close()
        return
    if not HAVE_BROKER:
        pytest.skip("kafka-server/zookeeper-server not built")
    procs = testlib.Processes()
    try:
        c = broker_cluster.Cluster(procs, tmp_path_factory.mktemp("cluster"))
        c.start_zookeeper()
        for i in (1, 2, 3):
            c.start_broker(i)
        e = Env("ours", c.bootstrap(1), create_topics=True)
        if not e.has_groups:
            pytest.skip("our kafka-server does not advertise JoinGroup yet (group coordinator "
                        "not wired into the broker)")
        yield e
    finally:
        procs.cleanup()

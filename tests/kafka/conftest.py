"""Fixtures for tests/kafka: our zookeeper-server plus kafka-server on free ports.

`kafka_cluster` is module-scoped (one ZooKeeper + NUM_BROKERS brokers, default 1);
a module may set BROKER_OVERRIDES (dict of broker config keys). Every process is
tracked by PID (testlib.Processes) and killed at module teardown. Skips with
"kafka-server not built" when the binaries are missing.
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kafkalib  # noqa: E402  (also puts tests/, tests/broker, tests/zookeeper on sys.path)
import testlib  # noqa: E402

@pytest.fixture(scope="module")
def kafka_cluster(request, tmp_path_factory):
    kafkalib.skip_unless_built()
    procs = testlib.Processes()
    try:
        yield kafkalib.start_cluster(procs, tmp_path_factory.mktemp("kafka"),
                            getattr(request.module, "NUM_BROKERS", 1),
                            getattr(request.module, "BROKER_OVERRIDES", None))
    finally:
        procs.cleanup()

"""Our codec against a real peer: librdkafka's built-in mock broker (started in
process by confluent-kafka with test.mock.num.brokers) exchanges ApiVersions,
Metadata, Produce (gzip batch), Fetch (records decoded, CRC checked),
ListOffsets, the group APIs and InitProducerId v4 (flexible) with mock_probe.

Run by Bazel as //common/protocol:mock_interop_test (MOCK_PROBE points at the
binary), or by hand after `bazel build //common/protocol:mock_probe`:
/usr/bin/python3 -m pytest common/protocol/test_mock_interop.py
"""
import os
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROBE = os.environ.get("MOCK_PROBE",
                       os.path.join(REPO, "bazel-bin", "common", "protocol", "mock_probe"))


def test_mock_broker_round_trips():
    confluent_kafka = pytest.importorskip("confluent_kafka")
    producer = confluent_kafka.Producer({"test.mock.num.brokers": 1, "log_level": 0})
    brokers = list(producer.list_topics(timeout=10).brokers.values())
    assert brokers, "mock cluster did not start"
    out = subprocess.run([PROBE, brokers[0].host, str(brokers[0].port)],
                         capture_output=True, text=True, timeout=60)
    print(out.stdout)
    assert "FAIL" not in out.stdout
    assert out.stdout.strip().endswith("ALL OK"), out.stdout + out.stderr
    assert out.returncode == 0

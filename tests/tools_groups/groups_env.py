"""Helpers for the consumer-group tool tests: librdkafka's mock cluster (which
implements the group protocol), our tools from bazel-bin, topic seeding."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
sys.path.insert(0, TESTS)
import testlib  # noqa: E402

TOOLS = {
    "kafka-console-consumer": "tools/console_consumer/kafka-console-consumer",
    "kafka-console-producer": "tools/console_producer/kafka-console-producer",
    "kafka-consumer-groups": "tools/consumer_groups/kafka-consumer-groups",
    "kafka-topics": "tools/kafka_topics/kafka-topics",
    "kafka-broker-api-versions": "tools/broker_api_versions/kafka-broker-api-versions",
}


def tool(name):
    return testlib.binary(TOOLS[name])


def run(name, *args, input=None, timeout=60):
    return subprocess.run([tool(name), *args], input=input, capture_output=True, text=True,
                          timeout=timeout)


class MockCluster:
    """tests/tools/mock_cluster.py in a helper process (exits when stdin closes)."""

    def __init__(self, brokers=3):
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", os.path.join(TESTS, "tools", "mock_cluster.py"), str(brokers)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            start_new_session=True)
        self.bootstrap = self.proc.stdout.readline().strip()
        assert self.bootstrap, "mock cluster did not start"

    def close(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)


def produce_numbered(bootstrap, topic, n, partitions=None):
    """Messages "1".."n" with confluent-kafka (the mock auto-creates the topic
    with 4 partitions). partitions=None: all to partition 0, else round-robin
    over that many partitions (each holds an increasing run)."""
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": bootstrap, "log_level": 0})
    for i in range(1, n + 1):
        p.produce(topic, str(i).encode(), partition=0 if not partitions else (i - 1) % partitions)
    assert p.flush(15) == 0

"""Runs our console tools (bazel-bin) with a deadline and captures their output."""
import subprocess

import testlib

TOOLS = {
    "kafka-topics": "tools/kafka_topics/kafka-topics",
    "kafka-console-producer": "tools/console_producer/kafka-console-producer",
    "kafka-console-consumer": "tools/console_consumer/kafka-console-consumer",
    "kafka-broker-api-versions": "tools/broker_api_versions/kafka-broker-api-versions",
}


def run(tool, *args, input=None, timeout=30):
    return subprocess.run([testlib.binary(TOOLS[tool]), *args], input=input, capture_output=True,
                          text=True, timeout=timeout)

"""Starts librdkafka's built-in mock cluster (a second, independent Kafka
protocol implementation) and keeps it alive until stdin closes.

Prints one line: the bootstrap servers (host:port,...). Optional argv[1]:
number of brokers (default 3). Optional argv[2:]: topics to create as
name:partitions (the mock creates them through a producer's metadata request
with auto-creation; partitions via topic.metadata / default)."""
import sys

from confluent_kafka import Producer


def main():
    brokers = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    conf = {"test.mock.num.brokers": brokers, "log_level": 0}
    p = Producer(conf)
    md = p.list_topics(timeout=10)
    servers = ",".join(f"{b.host}:{b.port}" for b in sorted(md.brokers.values(), key=lambda b: b.id))
    print(servers, flush=True)
    sys.stdin.read()
    p.flush(1)


if __name__ == "__main__":
    main()

"""Verifying consumer on librdkafka (confluent-kafka) for the chaos tests: assign mode,
every partition from offset 0 for the whole run, one kafka-verifiable-consumer
`record_data` line per polled record (plus `offset_reset` when librdkafka resets a
position, which the checker treats as a seek). SIGTERM ends it.

  chaos_consumer.py BOOTSTRAP TOPIC OUT [--partitions 3] [--name c1]
"""
import argparse
import json
import signal
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bootstrap")
    ap.add_argument("topic")
    ap.add_argument("out")
    ap.add_argument("--partitions", type=int, default=3)
    ap.add_argument("--name", default="c1")
    a = ap.parse_args()

    from confluent_kafka import Consumer, KafkaError, TopicPartition
    stop = {"flag": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__("flag", True))
    out = open(a.out, "a", buffering=1)

    def emit(obj):
        out.write(json.dumps(obj) + "\n")

    c = Consumer({"bootstrap.servers": a.bootstrap, "group.id": f"chaos-{a.name}",
                  "enable.auto.commit": False, "auto.offset.reset": "error",
                  "fetch.wait.max.ms": 100, "topic.metadata.refresh.interval.ms": 1000,
                  "reconnect.backoff.max.ms": 500})
    c.assign([TopicPartition(a.topic, p, 0) for p in range(a.partitions)])
    emit({"name": "startup_complete", "timestamp": int(time.time() * 1000)})
    last = {}
    while not stop["flag"]:
        # One message at a time: a seek below must not be followed by messages of a
        # batch fetched before it.
        m = c.poll(0.2)
        if m is None:
            continue
        if m.error():
            err = m.error()
            if err.code() == KafkaError._AUTO_OFFSET_RESET and m.partition() is not None \
                    and m.partition() >= 0:
                # Out of range: note it as a seek and go on after the last record read.
                p = m.partition()
                emit({"name": "offset_reset", "partitions": [{"topic": a.topic, "partition": p}],
                      "message": err.str(), "timestamp": int(time.time() * 1000)})
                tp = TopicPartition(a.topic, p, last.get(p, -1) + 1)
                try:
                    c.seek(tp)
                except Exception:  # noqa: BLE001 - the partition is in error state: re-add it
                    try:
                        c.incremental_unassign([TopicPartition(a.topic, p)])
                        c.incremental_assign([tp])
                    except Exception as e:  # noqa: BLE001 - noted in the history
                        emit({"name": "seek_failed", "partition": p, "message": str(e)})
            continue
        last[m.partition()] = m.offset()
        emit({"name": "record_data", "topic": m.topic(), "partition": m.partition(),
              "offset": m.offset(), "key": None, "value": m.value().decode(errors="replace"),
              "timestamp": int(time.time() * 1000)})
    c.close()
    emit({"name": "shutdown_complete", "timestamp": int(time.time() * 1000)})
    out.close()


if __name__ == "__main__":
    main()

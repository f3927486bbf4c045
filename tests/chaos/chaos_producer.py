"""Verifying producer on librdkafka (confluent-kafka), run as a process by the chaos
tests while our `kafka-verifiable-producer` is not built (and as the librdkafka oracle
afterwards). One JSON line per outcome in kafka-verifiable-producer's shapes:

  {"name":"startup_complete", ...}
  {"name":"producer_send_success","topic","partition","offset","value","key":null,
   "timestamp": ack ms, "sent_ts": send ms}
  {"name":"producer_send_error","topic","partition","value","exception","message",
   "error": librdkafka error name, "definite": bool, "timestamp", "sent_ts"}
  {"name":"shutdown_complete"} then {"name":"tool_data","sent","acked","unresolved"}

Record k goes to partition k % partitions with the value make_value(pid, k): the
per-partition sequence order is checkable (max.in.flight 1 with retries).
SIGTERM stops sending, flushes (bounded) and exits.

  chaos_producer.py BOOTSTRAP TOPIC OUT [--partitions 3] [--rate 400] [--size 100]
                    [--pid p] [--retries 1000000] [--acks all] [--max-records N]
"""
import argparse
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chaos_checker import make_value  # noqa: E402

# Only these leave nothing behind, and only when no earlier attempt of the same
# record could have been written (no retries configured).
DEFINITE = {"NOT_ENOUGH_REPLICAS", "CORRUPT_MESSAGE", "MSG_SIZE_TOO_LARGE",
            "MESSAGE_TOO_LARGE", "INVALID_RECORD", "RECORD_LIST_TOO_LARGE"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bootstrap")
    ap.add_argument("topic")
    ap.add_argument("out")
    ap.add_argument("--partitions", type=int, default=3)
    ap.add_argument("--rate", type=float, default=400)
    ap.add_argument("--size", type=int, default=100)
    ap.add_argument("--pid", default="p")
    ap.add_argument("--retries", type=int, default=1000000)
    ap.add_argument("--acks", default="all")
    ap.add_argument("--max-records", type=int, default=0)
    ap.add_argument("--message-timeout-ms", type=int, default=40000)
    a = ap.parse_args()

    from confluent_kafka import Producer
    stop = {"flag": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__("flag", True))
    out = open(a.out, "a", buffering=1)

    def emit(obj):
        out.write(json.dumps(obj) + "\n")

    p = Producer({"bootstrap.servers": a.bootstrap, "acks": a.acks,
                  "max.in.flight.requests.per.connection": 1,
                  "message.send.max.retries": a.retries, "retry.backoff.ms": 100,
                  "message.timeout.ms": a.message_timeout_ms, "request.timeout.ms": 15000,
                  "linger.ms": 5, "compression.type": "none",
                  "topic.metadata.refresh.interval.ms": 1000,
                  "reconnect.backoff.max.ms": 500})
    counts = {"sent": 0, "acked": 0, "errors": 0}
    sent_ts = {}

    def report(err, msg):
        v = msg.value().decode()
        now = int(time.time() * 1000)
        rec = {"topic": msg.topic(), "partition": msg.partition(), "value": v, "key": None,
               "timestamp": now, "sent_ts": sent_ts.pop(v, None)}
        if err is None:
            counts["acked"] += 1
            emit({"name": "producer_send_success", "offset": msg.offset(), **rec})
        else:
            counts["errors"] += 1
            name = err.name()
            emit({"name": "producer_send_error", "exception": f"KafkaError.{name}",
                  "message": err.str(), "error": name,
                  "definite": name in DEFINITE and a.retries == 0 and
                  name != "NOT_ENOUGH_REPLICAS_AFTER_APPEND", **rec})

    emit({"name": "startup_complete", "timestamp": int(time.time() * 1000), "pid": a.pid})
    interval = 1.0 / a.rate
    next_t = time.monotonic()
    k = 0
    while not stop["flag"] and (not a.max_records or k < a.max_records):
        now = time.monotonic()
        if now < next_t:
            p.poll(min(next_t - now, 0.05))
            continue
        next_t += interval
        if next_t < now - 1:  # fell behind (a stall): do not burst to catch up
            next_t = now
        v = make_value(a.pid, k, a.size)
        try:
            sent_ts[v.decode()] = int(time.time() * 1000)
            p.produce(a.topic, value=v, partition=k % a.partitions, on_delivery=report)
            k += 1
            counts["sent"] += 1
        except BufferError:
            sent_ts.pop(v.decode(), None)
            p.poll(0.1)
        p.poll(0)
    unresolved = p.flush(20)
    emit({"name": "shutdown_complete", "timestamp": int(time.time() * 1000)})
    emit({"name": "tool_data", "sent": counts["sent"], "acked": counts["acked"],
          "errors": counts["errors"], "unresolved": unresolved,
          "timestamp": int(time.time() * 1000)})
    out.close()


if __name__ == "__main__":
    main()

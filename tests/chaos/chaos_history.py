"""Histories of a chaos run (RELIABILITY.md §7.3): what the producers were told, what
the consumers polled, the final drain and the replicas' batches.

Producer and consumer files are JSON lines in the shapes of Kafka's
kafka-verifiable-producer / kafka-verifiable-consumer (`producer_send_success` with
topic, partition, offset, value; `producer_send_error` with exception/message; the
consumer's `record_data` lines with `--verbose`), plus optional fields of our own
Python clients (`sent_ts`, `error`, `definite`) that other tools may omit.
"""
import collections
import json
import os
import time

import chaos_logs


def read_jsonl(path):
    out = []
    if not os.path.exists(path):
        return out
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                out.append(json.loads(line))
            except ValueError:
                pass  # a line cut by SIGKILL
    return out


class History:
    def __init__(self):
        self.producers = {}  # name -> list of events
        self.polls = {}  # consumer name -> list of events
        self.drain = {}  # partition -> [(offset, value)]
        self.drain_hw = {}  # partition -> high watermark at the drain
        self.drain_seconds = None
        self.drain_incomplete = []  # partitions the drain could not read to their HW
        self.replica_batches = {}  # partition -> (hw, {broker: [Batch]})
        self.replica_values = {}  # broker -> {partition: [(offset, value)]}
        self.torn_bytes = {}  # (broker, partition) -> bytes after the last whole batch

    # -- producers ---------------------------------------------------------------
    def add_producer(self, name, events):
        self.producers[name] = events

    def add_consumer(self, name, events):
        self.polls[name] = events

    def _events(self, kind):
        for name, events in self.producers.items():
            for e in events:
                if e.get("name") == kind:
                    yield dict(e, producer=name)

    def acked(self):
        return list(self._events("producer_send_success"))

    def errors(self):
        return list(self._events("producer_send_error"))

    def send_counts(self):
        """attempted / acked / definitely failed / indeterminate over every producer."""
        import chaos_checker
        acked = len(self.acked())
        errs = self.errors()
        definite = sum(1 for e in errs if chaos_checker.is_definite(e))
        attempted = 0
        for events in self.producers.values():
            data = [e for e in events if e.get("name") == "tool_data"]
            if data and "sent" in data[-1]:
                attempted += int(data[-1]["sent"])
            else:
                attempted += sum(1 for e in events if e.get("name") in (
                    "producer_send_success", "producer_send_error"))
        return {"attempted": attempted, "acked": acked, "failed": definite,
                "indeterminate": attempted - acked - definite}

    def ack_times(self, partition=None):
        """Sorted wall-clock times (s) at which acks arrived."""
        return sorted(e["timestamp"] / 1000.0 for e in self.acked()
                      if "timestamp" in e and (partition is None or e["partition"] == partition))

    def ack_latency_ms(self):
        lat = sorted(e["timestamp"] - e["sent_ts"] for e in self.acked()
                     if "sent_ts" in e and "timestamp" in e)
        if not lat:
            return {}

        def pct(q):
            return lat[min(len(lat) - 1, int(q * len(lat)))]
        return {"p50": pct(0.50), "p99": pct(0.99), "max": lat[-1]}

    def produce_gap(self, t_fault, partitions=None, in_flight=0.1):
        """Seconds from `t_fault` (wall clock) to the first ack after it on each of
        `partitions` (max over them), None if some partition got none. Acks within
        `in_flight` seconds of the fault were answered before it (the delivery callback
        runs a little later) and do not end the gap."""
        parts = partitions if partitions is not None else [None]
        worst = 0.0
        for p in parts:
            after = [t for t in self.ack_times(p) if t > t_fault + in_flight]
            if not after:
                return None
            worst = max(worst, after[0] - t_fault)
        return round(worst, 3)

    def silence(self, start, end, partitions):
        """The longest time without an ack on any of `partitions` within [start, end]."""
        worst = 0.0
        for p in partitions:
            ts = [start] + [t for t in self.ack_times(p) if start < t < end] + [end]
            worst = max(worst, max(b - a for a, b in zip(ts, ts[1:])))
        return round(worst, 3)

    def max_ack_gap(self, start=None, end=None, partition=None):
        ts = [t for t in self.ack_times(partition)
              if (start is None or t >= start) and (end is None or t <= end)]
        return round(max((b - a for a, b in zip(ts, ts[1:])), default=0.0), 3)


def drain(bootstrap, topic, partitions, deadline=60.0):
    """Fresh consumer reading every partition from 0 to its high watermark.
    Returns ({partition: [(offset, value)]}, {partition: hw}, seconds, incomplete):
    `incomplete` lists the partitions not read to their HW (or without a HW) by the
    deadline; their records so far are returned."""
    from confluent_kafka import Consumer, TopicPartition
    t0 = time.monotonic()
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": f"chaos-drain-{os.getpid()}",
                  "enable.auto.commit": False, "auto.offset.reset": "earliest",
                  "enable.partition.eof": True, "fetch.wait.max.ms": 100,
                  "topic.metadata.refresh.interval.ms": 1000})
    try:
        hw = {}
        for p in range(partitions):
            while time.monotonic() - t0 < deadline:
                try:
                    hw[p] = c.get_watermark_offsets(TopicPartition(topic, p), timeout=5)[1]
                    break
                except Exception:  # noqa: BLE001 - leader moving: retried until the deadline
                    time.sleep(0.2)
        out = {p: [] for p in range(partitions)}
        todo = {p for p in hw if hw[p] > 0}
        if todo:
            c.assign([TopicPartition(topic, p, 0) for p in todo])
        while todo and time.monotonic() - t0 < deadline:
            m = c.poll(0.5)
            if m is None or m.error():
                continue
            p = m.partition()
            if m.offset() < hw[p]:
                out[p].append((m.offset(), m.value()))
            if m.offset() >= hw[p] - 1:
                todo.discard(p)
        incomplete = sorted(todo | {p for p in range(partitions) if p not in hw})
        return out, hw, round(time.monotonic() - t0, 3), incomplete
    finally:
        c.close()


def collect_replicas(history, cluster, topic, partitions, with_values=True):
    """Every replica's batches (and values) of `topic`, into the history. The high
    watermark per partition is the drain's."""
    for p in range(partitions):
        replicas = {}
        for b in sorted(cluster.brokers):
            d = cluster.partition_dir(b, topic, p)
            batches, torn = chaos_logs.read_replica(d, with_values=with_values, check_crc=True)
            replicas[b] = batches
            history.torn_bytes[(b, p)] = torn
            if with_values:
                vals = history.replica_values.setdefault(b, {}).setdefault(p, [])
                for x in batches:
                    if x.values is not None:
                        vals.extend((x.base + i, v) for i, v in enumerate(x.values))
        history.replica_batches[p] = (history.drain_hw.get(p, 0), replicas)


def cross_check_dump_tool(history, cluster, topic, partitions, tool):
    """Mismatches between the Python parse and `kafka-dump-log` below the HW (a bug
    in one of the two readers): list of strings, empty when they agree."""
    problems = []
    for p in range(partitions):
        hw, replicas = history.replica_batches.get(p, (0, {}))
        for b, batches in replicas.items():
            keys = chaos_logs.dump_with_tool(tool, cluster.partition_dir(b, topic, p))
            if keys is None:
                problems.append(f"broker {b} partition {p}: kafka-dump-log failed")
                continue
            mine = [(x.base, x.last, x.epoch, x.crc) for x in batches if x.last < hw]
            theirs = [k for k in keys if k[1] < hw]
            if [k[:3] for k in theirs] != [k[:3] for k in mine] or any(
                    t[3] is not None and t[3] != m[3] for t, m in zip(theirs, mine)):
                problems.append(f"broker {b} partition {p}: dump-log {len(theirs)} batches, "
                                f"parser {len(mine)}")
    return problems


def summarize_polls(events):
    per = collections.Counter(e["partition"] for e in events if e.get("name") == "record_data")
    return dict(per)

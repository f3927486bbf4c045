"""One chaos run: workload processes, fault bookkeeping, heal, final drain, replica
collection, the checker and the §7.9 summary (one printed line plus a JSON file).

The producer is our `kafka-verifiable-producer` (tools/verifiable_producer) when it is
built and CHAOS_PRODUCER=tool, otherwise chaos_producer.py on librdkafka (the oracle);
both write the same JSON lines.
"""
import json
import os
import signal
import subprocess
import sys
import time

import chaos_checker
import chaos_cluster
import chaos_history
import testlib

HERE = os.path.dirname(os.path.abspath(__file__))
TOPIC = "chaos"
PARTITIONS = 3
RATE = int(os.environ.get("CHAOS_RATE", "400"))
VALUE_SIZE = 100
SUMMARY_DIR = os.environ.get("CHAOS_SUMMARY_DIR")
NODE_MODULES = os.path.join(os.path.dirname(HERE), "node", "node_modules")


def kafkajs_available():
    import shutil
    return shutil.which("node") is not None and os.path.isdir(os.path.join(NODE_MODULES,
                                                                          "kafkajs"))


def verifiable_producer_tool():
    return chaos_cluster.optional_binary("tools/verifiable_producer/kafka-verifiable-producer")


def verifiable_consumer_tool():
    return chaos_cluster.optional_binary("tools/verifiable_consumer/kafka-verifiable-consumer")


def dump_log_tool():
    return chaos_cluster.optional_binary("tools/dump_log/kafka-dump-log")


def git_commit():
    try:
        return subprocess.run(["git", "-C", testlib.REPO, "rev-parse", "--short", "HEAD"],
                              capture_output=True, timeout=10).stdout.decode().strip()
    except Exception:  # noqa: BLE001 - informational
        return "?"


class Run:
    def __init__(self, scenario, cluster, tmp_path, topic=TOPIC, partitions=PARTITIONS):
        self.scenario = scenario
        self.cluster = cluster
        self.tmp = tmp_path
        self.topic = topic
        self.partitions = partitions
        self.t0 = time.time()
        self.workers = {}  # name -> (Popen, out path, kind)
        self.faults = []  # dicts: type, target, t, partitions, heal_t
        self.numbers = {}
        self.history = chaos_history.History()
        self.producer_kind = None

    # -- workload ------------------------------------------------------------------
    def start_producer(self, name="p", rate=RATE, retries=1000000, extra=(), kind=None):
        """kind: "tool" (kafka-verifiable-producer, the default when built), "python"
        (chaos_producer.py on librdkafka; CHAOS_PRODUCER=python makes it the default) or
        "kafkajs" (node/chaos_kafkajs_producer.js)."""
        out = str(self.tmp / f"producer-{name}.jsonl")
        tool = verifiable_producer_tool()
        kind = kind or os.environ.get("CHAOS_PRODUCER", "tool" if tool else "python")
        self.kinds = getattr(self, "kinds", []) + [kind]
        if kind == "kafkajs":
            self.producer_kind = "kafkajs"
            env = dict(os.environ, KAFKA_NODE_MODULES=NODE_MODULES,
                       KAFKAJS_NO_PARTITIONER_WARNING="1")
            args = ["node", os.path.join(HERE, "node", "chaos_kafkajs_producer.js"),
                    self.cluster.bootstrap(), self.topic, out, str(self.partitions), str(rate),
                    name]
            p = self.cluster.procs.start(args, log_path=str(self.tmp / f"producer-{name}.log"),
                                         env=env)
        elif kind == "tool" and tool:
            self.producer_kind = "kafka-verifiable-producer"
            args = [tool, "--bootstrap-server", self.cluster.bootstrap(), "--topic", self.topic,
                    "--throughput", str(rate), "--acks", "-1", "--value-prefix",
                    str(1 + len(self.workers)),
                    "--max-messages", "-1", *extra]
            p = self.cluster.procs.start(args, log_path=out)  # stderr lines are not JSON
        else:
            self.producer_kind = "chaos_producer.py (librdkafka)"
            args = [sys.executable, os.path.join(HERE, "chaos_producer.py"),
                    self.cluster.bootstrap(), self.topic, out, "--partitions",
                    str(self.partitions), "--rate", str(rate), "--size", str(VALUE_SIZE),
                    "--pid", name, "--retries", str(retries), *extra]
            p = self.cluster.procs.start(args, log_path=str(self.tmp / f"producer-{name}.log"))
        self.workers[name] = (p, out, "producer")
        return p

    def start_consumer(self, name="c1", kind="python"):
        """kind "python": chaos_consumer.py (librdkafka, assign mode from 0); "tool": our
        kafka-verifiable-consumer --verbose without a group (every partition from 0);
        "tool-group": the same tool as a member of group chaos-<name>, committing after
        each poll (its group coordinator moves with the offsets topic's leaders)."""
        out = str(self.tmp / f"consumer-{name}.jsonl")
        if kind in ("tool", "tool-group"):
            args = [verifiable_consumer_tool(), "--bootstrap-server", self.cluster.bootstrap(),
                    "--topic", self.topic, "--verbose"]
            if kind == "tool-group":
                args += ["--group-id", f"chaos-{name}", "--reset-policy", "earliest"]
            p = self.cluster.procs.start(args, log_path=out)  # stderr lines are not JSON
        else:
            args = [sys.executable, os.path.join(HERE, "chaos_consumer.py"),
                    self.cluster.bootstrap(), self.topic, out, "--partitions",
                    str(self.partitions), "--name", name]
            p = self.cluster.procs.start(args, log_path=str(self.tmp / f"consumer-{name}.log"))
        self.workers[name] = (p, out, "consumer")
        return p

    def producers(self):
        return [n for n, (_, _, kind) in self.workers.items() if kind == "producer"]

    def acked(self, name=None, partition=None):
        """Acks so far of producer `name` (None: of every producer)."""
        total = 0
        for n in ([name] if name else self.producers()):
            _, out, _ = self.workers[n]
            total += sum(1 for e in chaos_history.read_jsonl(out)
                         if e.get("name") == "producer_send_success" and
                         (partition is None or e["partition"] == partition))
        return total

    def wait_acks(self, n, name=None, partition=None, timeout=30):
        """Waits until `n` more acks than now arrived (for `partition` if given)."""
        start = self.acked(name, partition)

        def more():
            for w in ([name] if name else self.producers()):
                p, _, _ = self.workers[w]
                if p.poll() is not None:
                    raise RuntimeError(f"producer {w} exited {p.returncode}: "
                                       f"{self.worker_log(w)[-2000:]}")
            return self.acked(name, partition) >= start + n
        testlib.wait_for(more, timeout, interval=0.1,
                         what=f"{n} acks{'' if partition is None else f' on partition {partition}'}")

    def start_workload(self):
        """Our kafka-verifiable-producer and the librdkafka producer at half the rate each
        when the tool is built (both histories are checked), else librdkafka alone; plus
        the assign-mode consumer."""
        if verifiable_producer_tool() and os.environ.get("CHAOS_PRODUCER") in (None, "both"):
            self.start_producer("p", rate=RATE // 2, kind="tool")
            self.start_producer("q", rate=RATE // 2, kind="python")
        else:
            self.start_producer("p")
        self.start_consumer()
        if verifiable_consumer_tool() and os.environ.get("CHAOS_CONSUMER") in (None, "both"):
            self.start_consumer("c2", kind="tool")
        if verifiable_consumer_tool() and os.environ.get("CHAOS_GROUP", "1") != "0":
            self.start_consumer("g1", kind="tool-group")

    def worker_log(self, name):
        path = self.tmp / f"producer-{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop_workers(self, timeout=40):
        for name, (p, _, _) in self.workers.items():
            if p.poll() is None:
                os.kill(p.pid, signal.SIGTERM)
        for name, (p, _, _) in self.workers.items():
            try:
                p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.cluster.procs.kill(p)

    # -- faults ------------------------------------------------------------------
    def fault(self, kind, target, partitions=None):
        """Notes a fault; its produce gap is measured over `partitions` (default: all,
        since with RF 3 on three brokers every partition has a replica on the target)."""
        parts = list(range(self.partitions)) if partitions is None else list(partitions)
        f = {"type": kind, "target": target, "t": time.time(), "partitions": parts}
        self.faults.append(f)
        return f

    def healed(self, f, wait_isr=True, restarted=()):
        """The fault is over: notes the time (for restarted brokers: when their processes
        were started) and by default waits for every partition to have a leader and a
        full ISR again, recording how long after the heal that was (§7.4 budget: 30 s)."""
        starts = [self.cluster.brokers[b]["start_t"] for b in restarted]
        f["heal_t"] = min(starts) if starts else time.time()
        if wait_isr:
            self.cluster.wait_full_isr(self.topic, self.partitions, timeout=30)
            f["full_isr_after_heal_s"] = round(time.time() - f["heal_t"], 3)

    # -- the end -----------------------------------------------------------------------
    def finish(self, heal_timeout=30, drain_deadline=60, check_dumps=True, quiet=False):
        """Heal check, stop the workload, drain, collect replicas, check. Returns the
        checker result merged into the summary (also written as JSON)."""
        c = self.cluster
        heal_t = time.time()
        try:
            self.numbers["time_to_full_isr_s"] = c.wait_full_isr(self.topic, self.partitions,
                                                                 timeout=heal_timeout)
        except TimeoutError as e:
            self.numbers["time_to_full_isr_s"] = None
            self.numbers["full_isr_error"] = str(e)[:500]
        self.stop_workers()
        h = self.history
        for name, (_, out, kind) in self.workers.items():
            events = chaos_history.read_jsonl(out)
            if kind == "producer":
                h.add_producer(name, events)
            else:
                h.add_consumer(name, events)
        try:
            h.drain, h.drain_hw, h.drain_seconds, h.drain_incomplete = chaos_history.drain(
                c.bootstrap([b for b in sorted(c.brokers) if c.alive(b)]), self.topic,
                self.partitions, deadline=drain_deadline)
            self.numbers["drain_s"] = h.drain_seconds
            if h.drain_incomplete:
                self.numbers["drain_error"] = (f"partitions {h.drain_incomplete} not drained to "
                                               f"their high watermark in {drain_deadline}s")
            else:
                self.numbers["drain_complete_after_heal_s"] = round(time.time() - heal_t, 3)
        except Exception as e:  # noqa: BLE001 - reported; nothing drained is then checked
            self.numbers["drain_error"] = repr(e)[:500]
            h.drain_incomplete = list(range(self.partitions))
        if check_dumps:
            # Followers may still be fetching the last batches: wait (bounded) until every
            # replica holds the batches below the drain's high watermark.
            def caught_up():
                for p in range(self.partitions):
                    hw = h.drain_hw.get(p, 0)
                    for b in c.brokers:
                        batches, _ = chaos_history.chaos_logs.read_replica(
                            c.partition_dir(b, self.topic, p))
                        if hw and (not batches or batches[-1].last < hw - 1):
                            return False
                return True
            try:
                testlib.wait_for(caught_up, 15, interval=0.2, what="replicas at the HW")
            except TimeoutError:
                pass
            chaos_history.collect_replicas(h, c, self.topic, self.partitions)
            tool = dump_log_tool()
            if tool:
                self.numbers["dump_log_cross_check"] = chaos_history.cross_check_dump_tool(
                    h, c, self.topic, self.partitions, tool) or "agree"
        res = chaos_checker.check(h)
        self.write_summary(res, quiet=quiet)
        return res

    def report_failure(self, exc):
        """Best effort when a scenario step failed before finish(): stop the workload,
        check what there is (short deadlines) and print the summary line with the error,
        so a broker bug still leaves its numbers behind."""
        if getattr(self, "summary", None) is not None:
            return
        self.numbers["scenario_error"] = repr(exc)[:800]
        try:
            self.finish(heal_timeout=5, drain_deadline=15)
        except Exception as e:  # noqa: BLE001 - the original failure is what matters
            print(f"\nCHAOS {self.scenario}: step failed ({exc!r}); report failed too: {e!r}")

    def write_summary(self, res, quiet=False):
        h = self.history
        faults = []
        end = time.time()
        for i, f in enumerate(self.faults):
            gap = h.produce_gap(f["t"], f["partitions"])
            until = self.faults[i + 1]["t"] if i + 1 < len(self.faults) else end
            faults.append({"type": f["type"], "target": f["target"],
                           "t": round(f["t"] - self.t0, 3),
                           "heal_t": round(f["heal_t"] - self.t0, 3) if "heal_t" in f else None,
                           "produce_gap_s": gap,
                           "max_ack_silence_s": h.silence(f["t"], until, f["partitions"]),
                           **{k: v for k, v in f.items() if k not in (
                               "type", "target", "t", "heal_t", "partitions")}})
        gaps = [f["produce_gap_s"] for f in faults if f["produce_gap_s"] is not None]
        acks = h.ack_times()
        summary = {
            "scenario": self.scenario, "commit": git_commit(),
            "duration_s": round(time.time() - self.t0, 1),
            "config": {"partitions": self.partitions, "rf": 3, "min_isr": 2, "acks": "all",
                       "idempotence": False, "clients": getattr(self, "kinds", []),
                       "zookeeper": self.cluster.zk_kind,
                       "session_timeout_ms": chaos_cluster.SESSION_TIMEOUT_MS,
                       "replica_lag_ms": chaos_cluster.REPLICA_LAG_MS},
            "sends": h.send_counts(),
            "invariants": {k: v for k, v in res.items() if k.startswith("I") or k in
                           ("corrupt_values", "unchecked_acked", "ok")},
            "faults": faults,
            "max_produce_gap_s": max(gaps) if gaps else None,
            "max_ack_gap_s": h.max_ack_gap(partition=0),
            "acks_per_s": round(len(acks) / (acks[-1] - acks[0]), 1) if len(acks) > 1 else 0,
            "ack_latency_ms": h.ack_latency_ms(),
            "crashes": self.cluster.crash_report(),
            "timeline": [(round(t - self.t0, 3), what) for t, what in self.cluster.events
                         if t >= self.t0],
            **self.numbers,
            "examples": res.get("examples", {}),
        }
        self.summary = summary
        path = self.save_summary()
        if quiet:
            return summary
        inv = summary["invariants"]
        bad = {k: v for k, v in inv.items() if k.startswith("I") and v}
        print(f"\nCHAOS {self.scenario}: sends {summary['sends']} invariants "
              f"{'clean' if not bad else bad} gaps {[f['produce_gap_s'] for f in faults]} "
              f"silence {[f['max_ack_silence_s'] for f in faults]} heal->full-ISR "
              f"{[f.get('full_isr_after_heal_s') for f in faults]} drain "
              f"{self.numbers.get('drain_s')}s acks/s {summary['acks_per_s']} "
              f"latency {summary['ack_latency_ms']}"
              f"{' DRAIN: ' + self.numbers['drain_error'] if self.numbers.get('drain_error') else ''}"
              f"{' UNCHECKED acked: %d' % inv['unchecked_acked'] if inv.get('unchecked_acked') else ''}"
              f"{' STEP FAILED: ' + self.numbers['scenario_error'] if self.numbers.get('scenario_error') else ''}"
              f" summary {path}")
        return summary

    def save_summary(self):
        path = self.tmp / f"summary-{self.scenario}.json"
        path.write_text(json.dumps(self.summary, indent=1, default=str))
        if SUMMARY_DIR:
            os.makedirs(SUMMARY_DIR, exist_ok=True)
            with open(os.path.join(SUMMARY_DIR, f"{self.scenario}.json"), "w") as f:
                json.dump(self.summary, f, indent=1, default=str)
        return path

    def assert_gaps_within(self, budget_s, margin=1.5):
        """I10 liveness: every fault's produce gap within the §7.4 budget. The budget is
        recorded; the assertion allows `margin` x the budget so a loaded CI machine does
        not fail the suite on a number that is reported anyway."""
        gaps = [f["produce_gap_s"] for f in self.summary["faults"]]
        self.summary["gap_budget_s"] = budget_s
        self.summary["gaps_within_budget"] = all(g is not None and g <= budget_s for g in gaps)
        self.save_summary()
        assert all(g is not None for g in gaps), f"producing never resumed after a fault: {gaps}"
        assert max(gaps) <= budget_s * margin, f"produce gaps {gaps} over {budget_s}s x {margin}"

    def assert_safe(self, res, allow=()):
        """The safety invariants are all zero (I6 duplicates are allowed)."""
        # Reported, not failed: librdkafka's own reorders (README.md).
        allow = set(allow) | {"I4_client_retry_reorder"}
        bad = {k: v for k, v in res.items() if k.startswith("I") and not k.startswith("I6")
               and v and k not in allow}
        assert not bad, f"{self.scenario}: {bad}; examples {res['examples']}"
        assert not self.numbers.get("drain_error"), self.numbers["drain_error"]
        assert not self.summary["crashes"], f"I11: {self.summary['crashes']}"

#!/usr/bin/python3
"""Turns run.sh's results.jsonl into the side-by-side markdown table.

Input lines (one JSON object each):
  zkbench phases: {"server","config","rep","phase","ops_per_s","p50_us",...}
  server metrics: {"server","rep","start_ms","rss_start_kib","hwm_kib"}
                  (--ensemble: sums over 3 nodes, plus "hwm_max_kib")
  failures:       {"server","rep","failed"} or {"server","rep","bench_rc"}
Values are medians over repetitions; ratio = ours / apache.
Exit status: 0, or 1 if any run had errors or failed.
"""

import argparse
import json
import os
import statistics
import sys

SERVERS = ("apache", "ours")
CONFIGS = ("pipelined", "unloaded")
RATE_PHASES = ("create", "get_data", "set_data", "exists", "get_children",
               "delete", "sess_cycle", "watch_rtt")
LAT_PHASES = ("create", "get_data", "set_data", "exists", "get_children",
              "delete", "sess_cycle", "sess_connect", "eph_create",
              "sess_close", "watch_rtt")
# The ops/s target applies to the pipelined request phases; sess_cycle and
# watch_rtt are one-at-a-time per thread and are shown for information.
TARGET_PHASES = ("create", "get_data", "set_data", "exists", "get_children",
                 "delete")
# With --ensemble (three-node ensembles) the ops/s target covers the writes,
# which go through the quorum; peak RSS is the sum over the three servers.
ENSEMBLE_TARGET_PHASES = ("create", "set_data", "delete")
TARGET_OPS_RATIO = 3.0
TARGET_RSS_RATIO = 1 / 20
TARGET_START_RATIO = 1 / 25


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    print(f"report.py: bad line: {line[:120]}", file=sys.stderr)
    return rows


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def pos(values):
    """Drops unknown (None or negative) measurements."""
    return [v for v in values if v is not None and v >= 0]


def fmt(v, digits=0):
    if v is None:
        return "n/a"
    return f"{v:.{digits}f}"


def fmt_range(values, digits=0):
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    m = fmt(statistics.median(values), digits)
    if len(values) > 1:
        return f"{m} ({fmt(min(values), digits)}-{fmt(max(values), digits)})"
    return m


def ratio(ours, apache, digits=2):
    if ours is None or apache is None or apache == 0:
        return "n/a"
    r = ours / apache
    return f"{r:.{digits}f}x" if r >= 0.1 else f"{r:.3f}x"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--reps", default="?")
    ap.add_argument("--repo-commit", default="?")
    ap.add_argument("--ours-commit", default="?")
    ap.add_argument("--pipelined", default="")
    ap.add_argument("--unloaded", default="")
    ap.add_argument("--ensemble", action="store_true",
                    help="results are from 3-node ensembles (run.sh --ensemble)")
    args = ap.parse_args()
    rows = load(args.results)

    phase = {}    # (server, config, phase) -> [row per rep]
    metric = {}   # server -> [row per rep]
    problems = []
    for r in rows:
        s = r.get("server")
        if "phase" in r:
            phase.setdefault((s, r["config"], r["phase"]), []).append(r)
            if r.get("errors", 0) or r.get("timed_out"):
                problems.append(f"{s} {r['config']} rep {r['rep']} "
                                f"{r['phase']}: {r.get('errors')} errors"
                                f"{' (timed out)' if r.get('timed_out') else ''}"
                                f"{' ' + r['note'] if r.get('note') else ''}")
        elif "failed" in r:
            problems.append(f"{s} rep {r['rep']}: {r['failed']}")
        elif "bench_rc" in r:
            problems.append(f"{s} rep {r['rep']} {r['config']}: "
                            f"zkbench exit {r['bench_rc']}")
        elif "start_ms" in r:
            metric.setdefault(s, []).append(r)

    def series(server, config, ph, key):
        return [r.get(key) for r in phase.get((server, config, ph), [])]

    def mvals(server, key, scale=1.0):
        return [r[key] / scale if r.get(key) is not None else None
                for r in metric.get(server, [])]

    out = []
    w = out.append
    ens = args.ensemble
    target_phases = ENSEMBLE_TARGET_PHASES if ens else TARGET_PHASES
    if ens:
        w("## ZooKeeper 3-node ensembles side by side: Apache ZooKeeper 3.8 "
          "vs zookeeper-server")
    else:
        w("## ZooKeeper side by side: Apache ZooKeeper 3.8 vs zookeeper-server")
    w("")
    if ens:
        w("- three servers each on 127.0.0.1 (fsync on), all 3 launched at "
          "once; zkbench uses the 3-host connect string; start time includes "
          "leader election; RSS summed over the 3 servers")
    w(f"- repo at {args.repo_commit}; zookeeper-server (daemon/zookeeper) at "
      f"{args.ours_commit}; {os.cpu_count()} cores, load "
      f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at report time")
    w(f"- {args.reps} repetition(s), medians; ops/s and start also as "
      "median (min-max)")
    w(f"- pipelined: `zkbench {args.pipelined}`; unloaded: "
      f"`zkbench {args.unloaded}`")
    w("- ratio = ours / apache: higher is better for ops/s, lower for "
      "latency, RSS and start time")
    w("")
    w("| metric | apache | ours | ratio |")
    w("|---|---|---|---|")

    def row(name, a_vals, o_vals, digits=0, show_range=False):
        f = fmt_range if show_range else (lambda v, d: fmt(med(v), d))
        w(f"| {name} | {f(a_vals, digits)} | {f(o_vals, digits)} | "
          f"{ratio(med(o_vals), med(a_vals))} |")

    sum3 = ", sum of 3" if ens else ""
    row("start (all 3 launched) to first session (ms)" if ens
        else "start to first session (ms)", mvals("apache", "start_ms"),
        mvals("ours", "start_ms"), 1, True)
    row("  of which: launch to first port open (ms)" if ens
        else "  of which: launch to port open (ms)", mvals("apache", "tcp_ms"),
        mvals("ours", "tcp_ms"), 1)
    row(f"RSS right after start{sum3} (MiB)",
        mvals("apache", "rss_start_kib", 1024),
        mvals("ours", "rss_start_kib", 1024), 1)
    row(f"peak RSS, VmHWM after both runs{sum3} (MiB)",
        mvals("apache", "hwm_kib", 1024), mvals("ours", "hwm_kib", 1024), 1)
    if ens:
        row("peak RSS, largest server (MiB)",
            mvals("apache", "hwm_max_kib", 1024),
            mvals("ours", "hwm_max_kib", 1024), 1)
    for cfg in CONFIGS:
        for ph in LAT_PHASES:
            if ph in RATE_PHASES:
                row(f"{cfg} {ph} ops/s", series("apache", cfg, ph, "ops_per_s"),
                    series("ours", cfg, ph, "ops_per_s"), 0, True)
            a50, o50 = (med(series(s, cfg, ph, "p50_us")) for s in SERVERS)
            a99, o99 = (med(series(s, cfg, ph, "p99_us")) for s in SERVERS)
            w(f"| {cfg} {ph} p50 / p99 (µs) | {fmt(a50)} / {fmt(a99)} | "
              f"{fmt(o50)} / {fmt(o99)} | {ratio(o50, a50)} / "
              f"{ratio(o99, a99)} |")
    # CPU per op does not depend on how fast the shared client is, and the
    # client's own CPU per op shows when it, not the server, is the limit.
    for ph in () if ens else RATE_PHASES:  # no --server-pid for 3 nodes
        row(f"pipelined {ph} server CPU µs/op",
            pos(series("apache", "pipelined", ph, "server_cpu_us_per_op")),
            pos(series("ours", "pipelined", ph, "server_cpu_us_per_op")), 1)
    row("pipelined zkbench (client) CPU µs/op, median over CRUD phases",
        [med(pos(series("apache", "pipelined", ph, "client_cpu_us_per_op")))
         for ph in TARGET_PHASES],
        [med(pos(series("ours", "pipelined", ph, "client_cpu_us_per_op")))
         for ph in TARGET_PHASES], 1)
    errs = {s: sum(r.get("errors", 0) for (srv, _, _), rs in phase.items()
                   if srv == s for r in rs) for s in SERVERS}
    w(f"| errors + failed checks (all runs) | "
      f"{errs['apache'] if phase_has(phase, 'apache') else 'n/a'} | "
      f"{errs['ours'] if phase_has(phase, 'ours') else 'n/a'} | |")

    w("")
    w("### Targets")
    w("")
    w("| target | measured | met |")
    w("|---|---|---|")
    worst = None
    for ph in target_phases:
        a = med(series("apache", "pipelined", ph, "ops_per_s"))
        o = med(series("ours", "pipelined", ph, "ops_per_s"))
        if a and o is not None:
            r = o / a
            if worst is None or r < worst[0]:
                worst = (r, ph)
    ratios = []
    for ph in target_phases:
        a = med(series("apache", "pipelined", ph, "ops_per_s"))
        o = med(series("ours", "pipelined", ph, "ops_per_s"))
        ratios.append(f"{ph} {ratio(o, a, 1)}")
    met = lambda ok: "n/a" if ok is None else ("yes" if ok else "**no**")
    which = "every write phase" if ens else "every request phase"
    w(f"| pipelined ops/s >= {TARGET_OPS_RATIO:g}x Apache, {which} "
      f"| {', '.join(ratios)} | "
      f"{met(None if worst is None else worst[0] >= TARGET_OPS_RATIO)} |")
    size_targets = [("peak RSS <= 1/20 of Apache", "hwm_kib", 1024,
                     TARGET_RSS_RATIO),
                    ("start time <= 1/25 of Apache", "start_ms", 1,
                     TARGET_START_RATIO)]
    if ens:
        size_targets = [("peak RSS, sum of 3 servers, <= 1/20 of Apache's",
                         "hwm_kib", 1024, TARGET_RSS_RATIO)]
    for name, key, scale, target in size_targets:
        a = med(mvals("apache", key, scale))
        o = med(mvals("ours", key, scale))
        ok = None if a is None or o is None or a == 0 else o / a <= target
        w(f"| {name} | {ratio(o, a)} (target {target:.3f}x) | {met(ok)} |")

    if problems:
        w("")
        w("### Problems")
        w("")
        for p in problems:
            w(f"- {p}")
    print("\n".join(out))
    return 1 if problems else 0


def phase_has(phase, server):
    return any(srv == server for (srv, _, _) in phase)


if __name__ == "__main__":
    sys.exit(main())

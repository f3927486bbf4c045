"""A seeded random nemesis over the tier-A process faults (RELIABILITY.md §7.5's
randomised schedule, restricted to signals): every few seconds it picks SIGKILL,
SIGTERM or SIGSTOP of a random broker (sometimes the leader of partition 0 or the
controller), holds it for a random time, heals it, and after the schedule checks the
whole history like the fixed scenarios. At most one broker is faulty at a time, so
nothing acknowledged may be lost and every fault must heal.

CHAOS_SEEDS=1,2,3 (default 1) and CHAOS_NEMESIS_S (default 45) change the runs; the
seed, the timeline and the histories are kept in the summary so a failure replays.
"""
import os
import random
import time

import pytest

import chaos_cluster
import testlib
from chaos_run import PARTITIONS, TOPIC, Run

SEEDS = [int(s) for s in os.environ.get("CHAOS_SEEDS", "1").split(",") if s]
DURATION_S = float(os.environ.get("CHAOS_NEMESIS_S", "45"))
# Developer runs: the probability that a second broker is faulted while the first one
# still is (two of three down: partitions may become unavailable, nothing may be lost).
OVERLAP = float(os.environ.get("CHAOS_NEMESIS_OVERLAP", "0"))
SESSION_S = chaos_cluster.SESSION_TIMEOUT_MS / 1000.0


def pick_target(rng, chaos):
    roll = rng.random()
    if roll < 0.4:
        return chaos.zk_leader(TOPIC, 0), "leader-p0"
    if roll < 0.55:
        return chaos.controller_id(), "controller"
    return rng.choice(sorted(chaos.brokers)), "any"


@pytest.mark.timeout(60 + DURATION_S * 3)
@pytest.mark.parametrize("seed", SEEDS)
def test_random_process_faults(chaos, tmp_path, seed):
    rng = random.Random(seed)
    chaos.create_topic(TOPIC, PARTITIONS, 3)
    chaos.wait_full_isr(TOPIC, PARTITIONS)
    run = Run(f"random-seed{seed}", chaos, tmp_path)
    run.numbers["seed"] = seed
    run.start_workload()
    try:
        run.wait_acks(300, timeout=30)
        end = time.time() + DURATION_S
        while time.time() < end:
            target, why = pick_target(rng, chaos)
            if target < 0:
                target = rng.choice(sorted(chaos.brokers))
            kind = rng.choice(["kill", "kill", "term", "stop-short", "stop-long"])
            f = run.fault(f"{kind} ({why})", target)
            second = None
            if OVERLAP and rng.random() < OVERLAP:
                second = rng.choice([b for b in sorted(chaos.brokers) if b != target])
                f["second"] = second
            for b in [target] + ([second] if second is not None else []):
                if kind == "kill":
                    chaos.kill(b)
                elif kind == "term":
                    chaos.term(b, timeout=30)
                else:
                    chaos.stop(b)
            if kind == "kill":
                hold = rng.uniform(0.5, SESSION_S + 2)  # >= 0.5 s: see README (registration race)
            elif kind == "term":
                hold = 0
            elif kind == "stop-short":
                hold = rng.uniform(0.5, SESSION_S - 1.5)
            else:
                hold = rng.uniform(SESSION_S + 1, 2 * SESSION_S)
            testlib.wait_for(lambda: time.time() - f["t"] >= hold, hold + 35, interval=0.1,
                             what="hold")
            for b in [target] + ([second] if second is not None else []):
                if kind in ("kill", "term"):
                    chaos.start_broker(b)
                else:
                    chaos.cont(b)
            f["hold_s"] = round(time.time() - f["t"], 3)
            run.healed(f, restarted=[b for b in [target, second] if b is not None]
                       if kind in ("kill", "term") else ())
            # Producing on every partition again before the next fault.
            for p in range(PARTITIONS):
                run.wait_acks(10, partition=p, timeout=SESSION_S + 20)
            pause = rng.uniform(0, 3)
            testlib.wait_for(lambda: time.time() - f["heal_t"] >= pause, pause + 5,
                             interval=0.1, what="pause")
        res = run.finish()
    except BaseException as e:
        run.report_failure(e)
        raise
    run.assert_safe(res)

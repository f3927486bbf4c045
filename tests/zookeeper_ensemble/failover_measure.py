"""Failover measurement (not a test): time from a leader's SIGKILL or SIGSTOP to
the first acknowledged write through the two survivors, for Apache ZooKeeper
3.8 or zookeeper-server, three nodes on loopback with tickTime=200,
initLimit=10, syncLimit=5 (tests/zookeeper/zkharness.py configs).

    /usr/bin/python3 tests/zookeeper_ensemble/failover_measure.py ours|apache kill|stop [reps]

The client holds a session on the survivors' connect string and retries a
create every ~10 ms (1 s per attempt) from the moment the signal is sent.
"""
import os
import signal
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "zookeeper"))
import testlib  # noqa: E402
import zkharness  # noqa: E402
from kazoo.client import KazooClient  # noqa: E402


def measure(kind, how):
    procs = testlib.Processes()
    try:
        ens = zkharness.ZkEnsemble(kind, tempfile.mkdtemp(prefix="zk-failover-"), tick_time=200)
        ens.start(procs)
        modes = [zkharness.server_mode(p) for p in ens.ports]
        li = modes.index("leader")
        survivors = [m for i, m in enumerate(ens.members) if i != li]
        zk = KazooClient(hosts=",".join(m.hosts for m in survivors), timeout=4,
                         connection_retry={"max_tries": -1, "delay": 0.02, "max_delay": 0.1})
        zk.start(20)
        try:
            zk.create("/f", b"")
            for _ in range(20):
                zk.create("/f/w", b"", sequence=True)
            leader = ens.members[li]
            t0 = time.monotonic()
            leader.proc.send_signal(signal.SIGKILL if how == "kill" else signal.SIGSTOP)
            deadline = t0 + 30
            while time.monotonic() < deadline:
                try:
                    zk.create_async("/f/after", b"", sequence=True).get(timeout=1)
                    break
                except Exception:  # noqa: BLE001 - not yet: failover in progress
                    time.sleep(0.01)
            else:
                raise TimeoutError("no write acknowledged within 30 s")
            elapsed = time.monotonic() - t0
            if how == "stop":
                leader.proc.send_signal(signal.SIGCONT)
            return elapsed
        finally:
            zk.stop()
            zk.close()
    finally:
        procs.cleanup()


def main():
    kind, how = sys.argv[1], sys.argv[2]
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    results = []
    for rep in range(reps):
        results.append(measure(kind, how))
        print(f"{kind} {how} rep {rep}: first acked write after {results[-1] * 1000:.0f} ms",
              flush=True)
    ms = [r * 1000 for r in results]
    print(f"{kind} {how}: median {statistics.median(ms):.0f} ms, min {min(ms):.0f}, "
          f"max {max(ms):.0f} (n={len(ms)})")


if __name__ == "__main__":
    main()

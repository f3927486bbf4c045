"""Tier-A harness smoke: the cluster starts, the workload runs, nothing is faulted, and
the checker finds a clean history with identical replicas."""
import pytest

from chaos_run import PARTITIONS, TOPIC, Run


@pytest.mark.timeout(120)
def test_no_fault_baseline(chaos, tmp_path):
    chaos.create_topic(TOPIC, PARTITIONS, 3)
    chaos.wait_full_isr(TOPIC, PARTITIONS)
    run = Run("baseline", chaos, tmp_path)
    run.start_workload()
    run.wait_acks(2000, timeout=40)
    res = run.finish()
    run.assert_safe(res)
    assert run.summary["sends"]["acked"] >= 2000

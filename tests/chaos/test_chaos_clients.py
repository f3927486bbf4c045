"""Real clients see failover (issue 6 acceptance): confluent-kafka (librdkafka) and
kafkajs producers at acks=all keep producing through a SIGKILL of the leader of
partition 0 and lose nothing they were told was written (I1-I9 as in the fault
scenarios)."""
import pytest

import chaos_cluster
from chaos_run import PARTITIONS, TOPIC, Run, kafkajs_available

SESSION_S = chaos_cluster.SESSION_TIMEOUT_MS / 1000.0


def failover(chaos, tmp_path, kind, rate):
    chaos.create_topic(TOPIC, PARTITIONS, 3)
    chaos.wait_full_isr(TOPIC, PARTITIONS)
    run = Run(f"client-{kind}-leader-kill", chaos, tmp_path)
    run.start_producer(kind=kind, rate=rate)
    run.start_consumer()
    try:
        run.wait_acks(300, timeout=30)
        victim = chaos.zk_leader(TOPIC, 0)
        led = [p for p in range(PARTITIONS) if chaos.zk_leader(TOPIC, p) == victim]
        f = run.fault("SIGKILL leader of partition 0", victim, led)
        chaos.kill(victim)
        chaos.wait_leader(TOPIC, 0, not_in=[victim], timeout=SESSION_S + 15)
        for p in led:
            run.wait_acks(50, partition=p, timeout=SESSION_S + 20)
        chaos.restart(victim)
        run.healed(f, restarted=[victim])
        run.wait_acks(300, timeout=30)
        res = run.finish()
    except BaseException as e:
        run.report_failure(e)
        raise
    run.assert_safe(res)
    run.assert_gaps_within(SESSION_S + 5)


@pytest.mark.timeout(120)
def test_confluent_kafka_producer_through_leader_kill(chaos, tmp_path):
    failover(chaos, tmp_path, "python", rate=400)


@pytest.mark.timeout(120)
def test_kafkajs_producer_through_leader_kill(chaos, tmp_path):
    if not kafkajs_available():
        pytest.skip("node or tests/node/node_modules/kafkajs missing (scripts/deps.sh)")
    failover(chaos, tmp_path, "kafkajs", rate=300)

"""kafkajs 2.2.4 consumers ×2 in one group on a 3-partition topic (two brokers):
split, consume, commit to the end, SIGKILL handover, resume from commits
(scenario in groups_node_lib.run_scenario)."""
import pytest

from groups_node_lib import client_available, run_scenario


@pytest.mark.timeout(120)
def test_kafkajs_group(cluster, procs, tmp_path):
    if not client_available("kafkajs"):
        pytest.skip("node or tests/node/node_modules/kafkajs missing (scripts/deps.sh)")
    handover = run_scenario(cluster, procs, tmp_path, "kafkajs")
    print(f"kafkajs handover after SIGKILL: {handover:.1f}s")

"""Leader elections on request and on a timer: after a leader was killed and
restarted (and caught up into the ISR again), kafka-leader-election
--election-type preferred moves leadership back to the preferred replica;
auto.leader.rebalance.enable does the same by itself; an unclean election is
refused while a live leader exists."""
import subprocess

import pytest

import ctrl_util as cu

TOPIC = "elect"
SESSION_S = 6.0


def tool():
    return cu.broker_cluster.find_binary("tools/leader_election/kafka-leader-election")


def bounce_preferred_leader(c, partition):
    """Kills the leader of `partition` (its preferred replica), waits for the
    failover, restarts it and waits until it is back in every ISR. Returns the
    preferred broker id."""
    _, parts, _ = cu.metadata(c.port(1), TOPIC)
    preferred = parts[partition][1][0]
    assert parts[partition][0] == preferred
    others = [b for b in (1, 2, 3) if b != preferred]
    c.kill(preferred)
    cu.wait_metadata(c, others, TOPIC,
                     lambda m: m[1][partition][0] in others, SESSION_S + 10, "failover")
    c.start_broker(preferred, overrides=c.overrides)
    cu.wait_metadata(c, [1, 2, 3], TOPIC, cu.fully_replicated(3, 3), 40,
                     f"broker {preferred} back in every ISR")
    return preferred


@pytest.mark.timeout(120)
def test_preferred_election_tool_moves_leadership_back(procs, tmp_path):
    c = cu.start_cluster(procs, tmp_path, overrides={"auto.leader.rebalance.enable": "false"})
    cu.create_topic(c.port(1), TOPIC, partitions=3, rf=3)
    cu.wait_metadata(c, [1, 2, 3], TOPIC, cu.fully_replicated(3, 3), 30, "topic ready")
    preferred = bounce_preferred_leader(c, 0)
    _, parts, _ = cu.metadata(c.port(1), TOPIC)
    assert parts[0][0] != preferred  # no automatic rebalance here

    out = subprocess.run([tool(), "--bootstrap-server", c.bootstrap(), "--election-type",
                          "unclean", "--topic", TOPIC, "--partition", "0"],
                         capture_output=True, text=True, timeout=30)
    assert "Successfully completed leader election" not in out.stdout, out.stdout

    out = subprocess.run([tool(), "--bootstrap-server", c.bootstrap(), "--election-type",
                          "preferred", "--all-topic-partitions"],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Successfully completed leader election (PREFERRED)" in out.stdout, out.stdout
    assert f"{TOPIC}-0" in out.stdout
    cu.wait_metadata(c, [1, 2, 3], TOPIC, lambda m: m[1][0][0] == preferred, 10,
                     "preferred leader back")


@pytest.mark.timeout(120)
def test_auto_rebalance_moves_leadership_back(procs, tmp_path):
    c = cu.start_cluster(procs, tmp_path,
                         overrides={"leader.imbalance.check.interval.seconds": "2"})
    cu.create_topic(c.port(1), TOPIC, partitions=3, rf=3)
    cu.wait_metadata(c, [1, 2, 3], TOPIC, cu.fully_replicated(3, 3), 30, "topic ready")
    preferred = bounce_preferred_leader(c, 0)
    cu.wait_metadata(c, [1, 2, 3], TOPIC, lambda m: m[1][0][0] == preferred, 15,
                     "preferred leader back by the rebalance timer")

"""@platformatic/kafka 1.35.0 consumers ×2 in one group on a 3-partition topic (two
brokers): split, consume, commit to the end, SIGKILL handover, resume from
commits (scenario in groups_node_lib.run_scenario); static members (KIP-345)."""
import signal

import pytest
import testlib

from groups_node_lib import (Member, client_available, create_topic, fetch_v12_partition_tags, poll,
                             produce, run_scenario, split_complete, wait_committed_at_end,
                             wait_values)

# @platformatic/kafka reads a tagged-field section as "signed varint byte length,
# skip that many bytes" instead of "count, then (tag, size, data) per field"
# (protocol/reader.js readTaggedFields), so a Fetch v12 partition carrying any
# tagged field shifts its parser: the rest of the answer is misread, and with two
# partitions on one broker the second one is never consumed. Kafka sends
# CurrentLeader (tag 1) only with NOT_LEADER_OR_FOLLOWER / FENCED_LEADER_EPOCH.
CURRENT_LEADER_REASON = (
    "kafka-server's Fetch v12 sets CurrentLeader (tagged field 1) on every partition "
    "(daemon/broker/handlers/fetch.cc), which Kafka sends only with NOT_LEADER_OR_FOLLOWER/"
    "FENCED_LEADER_EPOCH; @platformatic/kafka 1.35's tagged-field reader then misparses the "
    "answer and never consumes a member's second partition")


def require_platformatic(cluster):
    if not client_available("platformatic"):
        pytest.skip("node or tests/node/node_modules/@platformatic/kafka missing (scripts/deps.sh)")
    create_topic(cluster.bootstrap(), "tag-probe", 1)

    def leader_tags():
        answers = [fetch_v12_partition_tags(cluster.port(i), "tag-probe") for i in cluster.brokers]
        return [t for t in answers if t is not None]
    (tags,) = testlib.wait_for(leader_tags, 10, what="tag-probe leader answers Fetch v12")
    if tags:
        pytest.xfail(CURRENT_LEADER_REASON)


@pytest.mark.timeout(120)
def test_platformatic_group(cluster, procs, tmp_path):
    require_platformatic(cluster)
    handover = run_scenario(cluster, procs, tmp_path, "platformatic")
    print(f"@platformatic/kafka handover after SIGKILL: {handover:.1f}s")


@pytest.mark.timeout(90)
def test_platformatic_static_member_returns(cluster, procs, tmp_path):
    """group.instance.id (KIP-345): a static member SIGKILLed and restarted within
    the session timeout takes its old place (new member id, same generation and
    assignment) and the other member is not rebalanced."""
    require_platformatic(cluster)
    bs, group = cluster.bootstrap(), "platformatic-static"
    create_topic(bs)
    a = Member(procs, tmp_path, "platformatic", "a", bs, group, instance="ia")
    b = Member(procs, tmp_path, "platformatic", "b", bs, group, instance="ib")
    poll(lambda: split_complete([a, b]), 40, what="two-member split")
    first = produce(bs, 0, 30)
    wait_values([a, b], first, 30)
    wait_committed_at_end(bs, group)
    joins_of_a = [e for e in a.events() if e["ev"] == "assigned"]
    (b_join,) = [e for e in b.events() if e["ev"] == "assigned"][-1:]

    b.kill(signal.SIGKILL)
    b2 = Member(procs, tmp_path, "platformatic", "b2", bs, group, instance="ib")
    poll(lambda: b2.assignment() is not None, 20, what="restarted static member assigned")
    (b2_join,) = [e for e in b2.events() if e["ev"] == "assigned"]
    assert b2_join["partitions"] == b_join["partitions"]
    assert b2_join["gen"] == b_join["gen"] and b2_join["member"] != b_join["member"]

    # It resumes at b's commits; a keeps its partitions without a rebalance.
    second = produce(bs, 100, 15)
    wait_values([a, b2], second, 30)
    assert sorted(a.values() + b.values() + b2.values()) == sorted(first + second)
    assert [e for e in a.events() if e["ev"] == "assigned"] == joins_of_a
    wait_committed_at_end(bs, group)

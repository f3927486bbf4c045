"""ISR maintenance by the partition leader (replica.lag.time.max.ms=3000): a
stopped follower leaves the ISR in ZooKeeper and rejoins once resumed, with an
/isr_change_notification for the controller; min.insync.replicas=2 with both
followers stopped refuses acks=all with NOT_ENOUGH_REPLICAS and loses nothing."""
import signal

import pytest

import repl_lib
import testlib

NOT_ENOUGH_REPLICAS = 19


@pytest.fixture
def cluster(procs, tmp_path):
    return repl_lib.start(procs, tmp_path, {"replica.lag.time.max.ms": "3000"})


def leader_and_followers(cluster, topic):
    z = repl_lib.zk(cluster)
    try:
        st = repl_lib.partition_state(z, topic, 0)
    finally:
        z.stop()
    return st["leader"], [b for b in (0, 1, 2) if b != st["leader"]]


def wait_isr(cluster, topic, want, timeout=20):
    z = repl_lib.zk(cluster)
    try:
        testlib.wait_for(lambda: sorted(repl_lib.partition_state(z, topic, 0)["isr"]) == want,
                         timeout, what=f"ISR {want}")
        return repl_lib.partition_state(z, topic, 0), z.get_children("/isr_change_notification")
    finally:
        z.stop()


@pytest.mark.timeout(120)
def test_stopped_follower_leaves_and_rejoins_isr(cluster):
    topic = "isr"
    repl_lib.create_topic(cluster, topic, config={"min.insync.replicas": "2"})
    leader, followers = leader_and_followers(cluster, topic)
    slow = followers[0]
    assert all(e is None for e, _ in repl_lib.produce(cluster.bootstrap(), topic, [b"a"] * 3))
    cluster.kill(slow, signal.SIGSTOP)
    try:
        st, _ = wait_isr(cluster, topic, sorted([leader, followers[1]]))
        assert st["leader"] == leader
        # Two in sync >= min.insync.replicas: acks=all goes on without the slow one.
        res = repl_lib.produce(cluster.bootstrap(leader), topic, [b"b"] * 5)
        assert [e for e, _ in res] == [None] * 5, res
        assert [o for _, o in res] == [3, 4, 5, 6, 7]
    finally:
        cluster.kill(slow, signal.SIGCONT)
    st, notes = wait_isr(cluster, topic, [0, 1, 2])
    assert st["leader"] == leader
    repl_lib.wait_identical(cluster, topic, 0, [0, 1, 2])
    assert "ISR" in cluster.log(leader)


@pytest.mark.timeout(120)
def test_min_insync_replicas_refuses_acks_all(cluster):
    topic = "minisr"
    repl_lib.create_topic(cluster, topic, config={"min.insync.replicas": "2"})
    leader, followers = leader_and_followers(cluster, topic)
    assert all(e is None for e, _ in repl_lib.produce(cluster.bootstrap(), topic, [b"a"] * 2))
    for b in followers:
        cluster.kill(b, signal.SIGSTOP)
    try:
        wait_isr(cluster, topic, [leader])
        res = repl_lib.produce(cluster.bootstrap(leader), topic, [b"refused"], retries=0,
                               timeout=15)
        assert res[0][0] == NOT_ENOUGH_REPLICAS, res
        # acks=1 does not need the ISR.
        res = repl_lib.produce(cluster.bootstrap(leader), topic, [b"one"], acks=1)
        assert res == [(None, 2)], res
    finally:
        for b in followers:
            cluster.kill(b, signal.SIGCONT)
    wait_isr(cluster, topic, [0, 1, 2])
    res = repl_lib.produce(cluster.bootstrap(), topic, [b"after"])
    assert res == [(None, 3)], res
    repl_lib.wait_identical(cluster, topic, 0, [0, 1, 2])

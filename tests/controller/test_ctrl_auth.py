"""Inter-broker APIs from client connections (RELIABILITY.md B12,
CVE-2018-1288): LeaderAndIsr, UpdateMetadata, StopReplica and
ControlledShutdown sent by a plain client are refused with
CLUSTER_AUTHORIZATION_FAILED and change nothing; a wrong secret fails the
inter-broker handshake; an authenticated request from a stale controller epoch
gets STALE_CONTROLLER_EPOCH and changes nothing either."""
import pytest

import ctrl_util as cu

TOPIC = "auth"
CLUSTER_AUTHORIZATION_FAILED = 31
STALE_CONTROLLER_EPOCH = 11
SASL_AUTHENTICATION_FAILED = 58
LEADER_AND_ISR, STOP_REPLICA, UPDATE_METADATA, CONTROLLED_SHUTDOWN = 4, 5, 6, 7


@pytest.fixture
def cluster(procs, tmp_path):
    c = cu.start_cluster(procs, tmp_path)
    cu.create_topic(c.port(1), TOPIC, partitions=1, rf=3)
    last = cu.wait_metadata(c, [1, 2, 3], TOPIC, cu.fully_replicated(1, 3), 30,
                            "topic fully replicated")
    return c, last


def hijack_requests(state, target):
    """Requests that would make `target` (not the leader) lead alone, or drop
    the partition, if they were obeyed."""
    leader, replicas, _ = state
    return [
        (LEADER_AND_ISR, 4, cu.leader_and_isr_body(target, 999, -1, TOPIC, 0, target, 999,
                                                   [target], replicas)),
        (UPDATE_METADATA, 6, cu.update_metadata_body(target, 999, -1, TOPIC, 0, target, 999,
                                                     [target], replicas)),
        (STOP_REPLICA, 3, cu.stop_replica_body(target, 999, -1, TOPIC, 0)),
    ]


def assert_unchanged(c, before):
    for b in (1, 2, 3):
        m = cu.metadata(c.port(b), TOPIC)
        assert m is not None
        assert m[1] == before[b][1], (b, m, before[b])
        assert c.brokers[b]["proc"].poll() is None


@pytest.mark.timeout(90)
def test_inter_broker_apis_refused_from_client_connections(cluster):
    c, before = cluster
    state = before[1][1][0]
    leader = state[0]
    target = [b for b in (1, 2, 3) if b != leader][0]
    for b in (1, 2, 3):
        conn = cu.Conn(c.port(b))
        try:
            for key, version, body in hijack_requests(state, target):
                resp = conn.call(key, version, body)
                assert resp is not None, (b, key)
                assert cu.error_code(resp) == CLUSTER_AUTHORIZATION_FAILED, (b, key)
            resp = conn.call(CONTROLLED_SHUTDOWN, 3,
                             b"\x00\x00\x00" + bytes([b]) + b"\xff" * 8 + cu.TAGS)
            assert cu.error_code(resp) == CLUSTER_AUTHORIZATION_FAILED
        finally:
            conn.close()
    assert_unchanged(c, before)
    for b in (1, 2, 3):
        assert "shutting down" not in c.log(b)


@pytest.mark.timeout(90)
def test_wrong_secret_is_refused(cluster):
    c, before = cluster
    state = before[1][1][0]
    target = [b for b in (1, 2, 3) if b != state[0]][0]
    conn = cu.Conn(c.port(target))
    try:
        assert conn.authenticate(target, "not-the-secret") == SASL_AUTHENTICATION_FAILED
        for key, version, body in hijack_requests(state, target):
            resp = conn.call(key, version, body)
            assert cu.error_code(resp) == CLUSTER_AUTHORIZATION_FAILED, key
    finally:
        conn.close()
    assert_unchanged(c, before)


@pytest.mark.timeout(90)
def test_stale_controller_epoch_is_rejected(cluster):
    c, before = cluster
    state = before[1][1][0]
    leader, replicas, _ = state
    target = [b for b in (1, 2, 3) if b != leader][0]
    secret = cu.read_secret(c.zk_port)
    conn = cu.Conn(c.port(target))
    try:
        assert conn.authenticate(leader, secret) == 0
        # Controller epoch 0 is older than the running controller's (>= 1).
        resp = conn.call(LEADER_AND_ISR, 4, cu.leader_and_isr_body(
            leader, 0, -1, TOPIC, 0, target, 999, [target], replicas))
        assert cu.error_code(resp) == STALE_CONTROLLER_EPOCH
        resp = conn.call(UPDATE_METADATA, 6, cu.update_metadata_body(
            leader, 0, -1, TOPIC, 0, target, 999, [target], replicas))
        assert cu.error_code(resp) == STALE_CONTROLLER_EPOCH
    finally:
        conn.close()
    assert_unchanged(c, before)

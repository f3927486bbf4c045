"""kafka-verifiable-producer / -consumer against librdkafka's mock cluster
(three brokers, replication factor 3): Kafka's event shapes, every value
reported exactly once, leader moves and a downed leader followed, injected
broker errors retried or reported, SIGTERM, and group consumption."""
import signal
import time
import uuid

import pytest

import testlib
from repl_tools import check_producer_report, events, finish, read_until, run, start

pytestmark = pytest.mark.timeout(120)


def new_topic(mock, partitions=3):
    t = "v-" + uuid.uuid4().hex[:10]
    mock.cmd("topic", t, partitions, 3)
    return t


def produce(mock, topic, *extra, timeout=60):
    r = run("producer", "--bootstrap-server", mock.bootstrap, "--topic", topic, *extra,
            timeout=timeout)
    assert r.returncode == 0, r.stderr
    return events(r.stdout)


def check_log_matches(mock, topic, acked):
    """Every acknowledged value is in the log at its reported offset."""
    stored = read_until(mock.bootstrap, topic, set(acked.values()))
    for v, key in acked.items():
        assert stored.get(key) == v, (v, key, stored.get(key))


def test_events_and_values(mock):
    topic = new_topic(mock)
    evs = produce(mock, topic, "--max-messages", "200", "--acks", "-1")
    acked, errors = check_producer_report(evs, expect_sent=200)
    assert not errors
    assert sorted(acked, key=int) == [str(i) for i in range(200)]
    tool = evs[-1]
    assert list(tool) == ["timestamp", "name", "sent", "acked", "target_throughput", "avg_throughput"]
    assert tool["target_throughput"] == -1 and isinstance(tool["avg_throughput"], float)
    check_log_matches(mock, topic, acked)


def test_value_prefix_repeating_keys_and_create_time(mock):
    topic = new_topic(mock, partitions=1)
    evs = produce(mock, topic, "--max-messages", "10", "--value-prefix", "7", "--repeating-keys",
                  "3", "--message-create-time", "1600000000000", "--acks", "1")
    acked, _ = check_producer_report(evs, expect_sent=10)
    sends = [e for e in evs if e["name"] == "producer_send_success"]
    assert [e["value"] for e in sends] == [f"7.{i}" for i in range(10)]
    assert [e["key"] for e in sends] == [str(i % 3) for i in range(10)]
    assert [e["offset"] for e in sends] == list(range(10))


def test_throughput_is_throttled(mock):
    topic = new_topic(mock)
    t0 = time.monotonic()
    evs = produce(mock, topic, "--max-messages", "100", "--throughput", "100")
    elapsed = time.monotonic() - t0
    check_producer_report(evs, expect_sent=100)
    assert elapsed >= 0.9, elapsed
    assert evs[-1]["target_throughput"] == 100


def test_follows_leader_moves(mock):
    topic = new_topic(mock)
    p = start("producer", "--bootstrap-server", mock.bootstrap, "--topic", topic,
              "--max-messages", "1500", "--throughput", "500")
    try:
        # Move every leader around while the producer runs (~3 s).
        for rnd in range(6):
            time.sleep(0.3)
            for part in range(3):
                mock.cmd("leader", topic, part, (part + rnd) % 3 + 1)
        out, err = finish(p, 60)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0, err
    acked, errors = check_producer_report(events(out), expect_sent=1500)
    # A leader move answers NOT_LEADER_OR_FOLLOWER, nothing appended: retried.
    assert not errors, errors[:3]
    check_log_matches(mock, topic, acked)


def test_downed_leader_then_moved(mock):
    topic = new_topic(mock, partitions=1)
    mock.cmd("leader", topic, 0, 1)
    p = start("producer", "--bootstrap-server", mock.bootstrap, "--topic", topic,
              "--max-messages", "600", "--throughput", "300")
    try:
        time.sleep(0.5)
        mock.cmd("down", 1)
        time.sleep(0.5)
        mock.cmd("leader", topic, 0, 2)
        out, err = finish(p, 60)
    finally:
        mock.cmd("up", 1)
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0, err
    acked, errors = check_producer_report(events(out), expect_sent=600)
    # Requests in flight when the broker went down are indeterminate (reported
    # as errors); everything else reaches the new leader.
    assert len(acked) + len(errors) == 600
    assert len(acked) >= 500, (len(acked), errors[:3])
    for e in errors:
        assert e["exception"].endswith(("NetworkException", "TimeoutException")), e
    check_log_matches(mock, topic, acked)


def test_slow_leader_holds_only_its_partitions(mock, tmp_path):
    topic = new_topic(mock)
    for part in range(3):
        mock.cmd("leader", topic, part, part + 1)
    cfg = tmp_path / "p.properties"
    cfg.write_text("request.timeout.ms=1000\n")
    p = start("producer", "--bootstrap-server", mock.bootstrap, "--topic", topic,
              "--max-messages", "1500", "--throughput", "300", "--producer.config", str(cfg))
    lines = []
    try:
        testlib.wait_for(lambda: (lines.append(p.stdout.readline()) or
                                  sum('"producer_send_success"' in x for x in lines) >= 30),
                         30, interval=0, what="30 acknowledgements")
        mock.cmd("rtt", 1, 3000)  # partition 0's leader now answers after 3 s
        t_slow = time.time() * 1000
        time.sleep(2)
        t_move = time.time() * 1000
        mock.cmd("leader", topic, 0, 2)
        out, err = finish(p, 60)
    finally:
        mock.cmd("rtt", 1, 0)
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0, err
    evs = events("".join(lines) + out)
    acked, errors = check_producer_report(evs, expect_sent=1500)
    # Only partition 0's requests to the slow broker time out (indeterminate)...
    for e in errors:
        assert e["exception"].endswith("TimeoutException"), e
    assert errors, "nothing timed out on the slow broker"
    # ...while partitions 1 and 2 kept being acknowledged meanwhile.
    during = [e for e in evs if e["name"] == "producer_send_success" and
              t_slow + 200 < e["timestamp"] < t_move]
    assert sum(e["partition"] != 0 for e in during) >= 200, len(during)
    check_log_matches(mock, topic, acked)


def test_injected_errors_retried_or_reported(mock, tmp_path):
    topic = new_topic(mock, partitions=1)
    # Three NOT_LEADER_OR_FOLLOWER answers: retried, nothing lost or doubled.
    mock.cmd("error", 0, 6, 3)
    evs = produce(mock, topic, "--max-messages", "5")
    acked, errors = check_producer_report(evs, expect_sent=5)
    assert not errors and len(acked) == 5
    # NOT_ENOUGH_REPLICAS_AFTER_APPEND may follow an append: reported, not resent.
    mock.cmd("error", 0, 20, 1)
    evs = produce(mock, topic, "--max-messages", "1", "--value-prefix", "9")
    acked, errors = check_producer_report(evs, expect_sent=1)
    assert not acked and len(errors) == 1
    assert errors[0]["exception"] == \
        "class org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException"
    assert errors[0]["value"] == "9.0" and errors[0]["key"] is None and errors[0]["topic"] == topic
    # With retries=0 (Kafka's own tool) a NOT_LEADER_OR_FOLLOWER is reported.
    cfg = tmp_path / "producer.properties"
    cfg.write_text("retries=0\n")
    mock.cmd("error", 0, 6, 1)
    evs = produce(mock, topic, "--max-messages", "1", "--producer.config", str(cfg))
    acked, errors = check_producer_report(evs, expect_sent=1)
    assert not acked and errors[0]["exception"].endswith(".NotLeaderOrFollowerException")


def test_sigterm_flushes_and_reports(mock):
    topic = new_topic(mock)
    p = start("producer", "--bootstrap-server", mock.bootstrap, "--topic", topic,
              "--throughput", "1000")
    lines = []
    testlib.wait_for(lambda: (lines.append(p.stdout.readline()) or
                              sum('"producer_send_success"' in x for x in lines) >= 50),
                     30, interval=0, what="50 acknowledgements")
    p.send_signal(signal.SIGTERM)
    out, err = finish(p, 60)
    assert p.returncode == 0, err
    evs = events("".join(lines) + out)
    acked, errors = check_producer_report(evs)
    assert not errors and len(acked) >= 50
    check_log_matches(mock, topic, acked)


def test_consumer_assign_mode_reads_everything(mock):
    topic = new_topic(mock)
    acked, _ = check_producer_report(produce(mock, topic, "--max-messages", "90"))
    r = run("consumer", "--bootstrap-server", mock.bootstrap, "--topic", topic,
            "--max-messages", "90")
    assert r.returncode == 0, r.stderr
    evs = events(r.stdout)
    names = [e["name"] for e in evs]
    assert names[0] == "startup_complete" and names[1] == "partitions_assigned"
    assert names[-1] == "shutdown_complete"
    assert "record_data" not in names
    assert evs[1]["partitions"] == [{"topic": topic, "partition": p} for p in range(3)]
    consumed = [e for e in evs if e["name"] == "records_consumed"]
    assert sum(s["count"] for e in consumed for s in e["partitions"]) == 90
    for e in consumed:
        assert list(e)[2:] == ["count", "partitions"]
        for s in e["partitions"]:
            assert list(s) == ["topic", "partition", "count", "minOffset", "maxOffset"]
            assert s["maxOffset"] - s["minOffset"] + 1 == s["count"]
    assert "offsets_committed" not in names  # no group, nothing committed


def test_consumer_group_commits_and_resumes(mock):
    topic = new_topic(mock)
    check_producer_report(produce(mock, topic, "--max-messages", "60"))
    group = "g-" + uuid.uuid4().hex[:8]
    r = run("consumer", "--bootstrap-server", mock.bootstrap, "--topic", topic, "--group-id",
            group, "--max-messages", "60", "--session-timeout", "6000")
    assert r.returncode == 0, r.stderr
    evs = events(r.stdout)
    names = [e["name"] for e in evs]
    assert names[:2] == ["startup_complete", "partitions_assigned"]
    assert names[-2:] == ["partitions_revoked", "shutdown_complete"]
    commits = [e for e in evs if e["name"] == "offsets_committed"]
    assert commits and all(c["success"] for c in commits)
    assert list(commits[0])[2:] == ["offsets", "success"]
    last = {}
    for c in commits:
        for o in c["offsets"]:
            last[o["partition"]] = o["offset"]
    assert sum(last.values()) == 60
    # More data; the same group resumes exactly at its commits.
    check_producer_report(produce(mock, topic, "--max-messages", "30", "--value-prefix", "2"))
    r = run("consumer", "--bootstrap-server", mock.bootstrap, "--topic", topic, "--group-id",
            group, "--max-messages", "30", "--verbose", "--session-timeout", "6000")
    assert r.returncode == 0, r.stderr
    values = [e["value"] for e in events(r.stdout) if e["name"] == "record_data"]
    assert sorted(values) == sorted(f"2.{i}" for i in range(30))
    for e in events(r.stdout):
        if e["name"] == "records_consumed":
            for s in e["partitions"]:
                assert s["minOffset"] >= last[s["partition"]]

"""Consumer groups with our tools against librdkafka's mock cluster and (once
it serves groups) our own kafka-server. The mock
implements the group protocol (FindCoordinator, JoinGroup, SyncGroup,
Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch) but not DescribeGroups,
ListGroups, DeleteGroups or OffsetDelete, and auto-creates topics with 4
partitions.

Mock quirks the tests work around: after a member leaves, the next join waits
for the group's session timeout (minus 1 s), so consumers here use
session.timeout.ms=6000; the mock refuses commits from non-members, so
--reset-offsets --execute commits as a short-lived member there."""
import subprocess
import uuid

import pytest

from groups_env import TOOLS, produce_numbered, run, tool  # noqa: F401

pytestmark = pytest.mark.timeout(150)

FAST = ["--consumer-property", "session.timeout.ms=6000",
        "--consumer-property", "heartbeat.interval.ms=500"]


def new_name(prefix):
    return prefix + "-" + uuid.uuid4().hex[:8]


def consume(bootstrap, topic, group, *extra, timeout=90):
    r = run("kafka-console-consumer", "--bootstrap-server", bootstrap, "--topic", topic,
            "--group", group, *FAST, *extra, timeout=timeout)
    assert r.returncode == 0, r.stderr
    return r


def groups_tool(bootstrap, *args):
    return run("kafka-consumer-groups", "--bootstrap-server", bootstrap, *args)


def describe_rows(stdout):
    lines = stdout.splitlines()
    assert lines[0] == ""
    assert lines[1].split() == ["GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET",
                                "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID"]
    return {int(c[2]): c for c in (line.split() for line in lines[2:])}


def test_resume_after_max_messages_is_exact(env):
    topic, group = env.topic(new_name("resume")), new_name("g")
    produce_numbered(env.bootstrap, topic, 200)  # all in partition 0: a total order
    first = consume(env.bootstrap, topic, group, "--from-beginning", "--max-messages", "100")
    assert first.stdout.split() == [str(i) for i in range(1, 101)]
    assert first.stderr.endswith("Processed a total of 100 messages\n")
    second = consume(env.bootstrap, topic, group, "--from-beginning", "--max-messages", "100")
    assert second.stdout.split() == [str(i) for i in range(101, 201)]


def test_resume_across_partitions_and_lag(env):
    topic, group = env.topic(new_name("spread")), new_name("g")
    produce_numbered(env.bootstrap, topic, 200, partitions=4)
    first = consume(env.bootstrap, topic, group, "--from-beginning", "--max-messages", "70")
    # Stopped mid-topic: describe shows the committed offsets and the lag.
    r = groups_tool(env.bootstrap, "--describe", "--group", group)
    assert r.returncode == 0, r.stderr
    rows = describe_rows(r.stdout)
    assert sorted(rows) == [0, 1, 2, 3]
    current = sum(int(c[3]) for c in rows.values())
    assert current == 70
    assert all(int(c[4]) == 50 and int(c[5]) == 50 - int(c[3]) for c in rows.values())
    second = consume(env.bootstrap, topic, group, "--max-messages", "130")
    got = [int(x) for x in first.stdout.split() + second.stdout.split()]
    assert sorted(got) == list(range(1, 201))  # no duplicates, no gaps
    r = groups_tool(env.bootstrap, "--describe", "--group", group)
    assert all(c[5] == "0" for c in describe_rows(r.stdout).values())


def test_two_consumers_split_the_partitions(env):
    topic, group = env.topic(new_name("split")), new_name("g")
    produce_numbered(env.bootstrap, topic, 40, partitions=4)
    args = [tool("kafka-console-consumer"), "--bootstrap-server", env.bootstrap, "--topic", topic,
            "--group", group, "--from-beginning", "--property", "print.partition=true",
            "--timeout-ms", "12000", *FAST]
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = []
    try:
        for p in procs:
            out, err = p.communicate(timeout=120)
            outs.append(out)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    parts = [{line.split("\t")[0] for line in out.splitlines()} for out in outs]
    values = [int(line.split("\t")[1]) for out in outs for line in out.splitlines()]
    # Together they read every message; each partition was read by one member
    # at a time (a partition moving between members after a rebalance resumes
    # at the committed offset, so there are no duplicates either).
    assert sorted(values) == list(range(1, 41))
    assert parts[0] | parts[1] == {f"Partition:{i}" for i in range(4)}


def test_reset_offsets_to_earliest_then_reread(env):
    topic, group = env.topic(new_name("reset")), new_name("g")
    produce_numbered(env.bootstrap, topic, 30)
    consume(env.bootstrap, topic, group, "--from-beginning", "--max-messages", "30")
    r = groups_tool(env.bootstrap, "--reset-offsets", "--group", group, "--topic", f"{topic}:0",
                    "--to-offset", "10", "--dry-run")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[1:] == [
        "GROUP           TOPIC           PARTITION  NEW-OFFSET",
        f"{group:<15} {topic:<15} 0          10"]
    r = groups_tool(env.bootstrap, "--describe", "--group", group)
    assert describe_rows(r.stdout)[0][3] == "30"  # dry run changed nothing
    r = groups_tool(env.bootstrap, "--reset-offsets", "--group", group, "--topic", topic,
                    "--to-earliest", "--execute")
    assert r.returncode == 0, r.stderr
    assert [line.split()[-1] for line in r.stdout.splitlines()[2:]] == ["0", "0", "0", "0"]
    r = groups_tool(env.bootstrap, "--describe", "--group", group)
    assert describe_rows(r.stdout)[0][3] == "0"
    again = consume(env.bootstrap, topic, group, "--max-messages", "30", timeout=120)
    assert again.stdout.split() == [str(i) for i in range(1, 31)]


def test_reset_offsets_dry_run_variants(env):
    topic, group = env.topic(new_name("variants")), new_name("g")
    produce_numbered(env.bootstrap, topic, 20)
    consume(env.bootstrap, topic, group, "--from-beginning", "--max-messages", "12")

    def dry(*spec):
        r = groups_tool(env.bootstrap, "--reset-offsets", "--group", group, "--topic",
                        f"{topic}:0", *spec, "--dry-run")
        assert r.returncode == 0, r.stderr
        rows = r.stdout.splitlines()[2:]
        assert len(rows) == 1 and rows[0].split()[:3] == [group, topic, "0"]
        return int(rows[0].split()[3])

    assert dry("--shift-by", "-5") == 7
    assert dry("--shift-by", "100") == 20  # clamped to the log end
    assert dry("--to-offset", "3") == 3
    assert dry("--to-latest") == 20
    assert dry("--to-earliest") == 0
    assert dry("--to-current") == 12
    if env.name != "mock":  # the mock answers every timestamp lookup with the log end
        assert dry("--to-datetime", "1970-01-01T00:00:00.000") == 0
    assert dry("--to-datetime", "2999-01-01T00:00:00.000") == 20
    # Without --dry-run or --execute: Kafka's warning, and nothing changes.
    r = groups_tool(env.bootstrap, "--reset-offsets", "--group", group, "--topic", topic,
                    "--to-earliest")
    assert r.stdout.startswith("WARN: No action will be performed as the --execute option is missing.")
    r = groups_tool(env.bootstrap, "--describe", "--group", group)
    assert describe_rows(r.stdout)[0][3] == "12"


def test_unsupported_admin_calls_fail_cleanly(env):
    if env.has_admin:
        pytest.skip("this broker has ListGroups/DescribeGroups; see test_admin_calls")
    # The mock has no ListGroups / DeleteGroups: say so, exit 1.
    r = groups_tool(env.bootstrap, "--list")
    assert r.returncode == 1
    assert "does not support LIST_GROUPS" in r.stderr
    r = groups_tool(env.bootstrap, "--delete", "--group", "nobody")
    assert r.returncode == 1
    assert "Deletion of some consumer groups failed:" in r.stderr
    r = groups_tool(env.bootstrap, "--describe", "--group", new_name("absent"))
    assert "Consumer group '" in r.stderr and "does not exist." in r.stderr


def test_admin_calls(env):
    if not env.has_admin:
        pytest.skip(f"{env.name} has no ListGroups/DescribeGroups/DeleteGroups "
                    "(librdkafka 2.0.2's mock does not implement them)")
    topic, group = env.topic(new_name("admin")), new_name("g")
    produce_numbered(env.bootstrap, topic, 20, partitions=4)
    # A member that stays: the group is Stable, reset is refused, delete fails.
    p = subprocess.Popen([tool("kafka-console-consumer"), "--bootstrap-server", env.bootstrap,
                          "--topic", topic, "--group", group, "--from-beginning", *FAST],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert len([p.stdout.readline() for _ in range(20)]) == 20
        r = groups_tool(env.bootstrap, "--list")
        assert group in r.stdout.splitlines()
        r = groups_tool(env.bootstrap, "--describe", "--group", group, "--state")
        assert r.stdout.splitlines()[1].split()[:2] == ["GROUP", "COORDINATOR"]
        assert "Stable" in r.stdout
        r = groups_tool(env.bootstrap, "--describe", "--group", group, "--members", "--verbose")
        assert f"{topic}(0,1,2,3)" in r.stdout
        r = groups_tool(env.bootstrap, "--reset-offsets", "--group", group, "--topic", topic,
                        "--to-earliest", "--execute")
        assert (f"Error: Assignments can only be reset if the group '{group}' is inactive, but "
                "the current state is Stable.") in r.stderr
        r = groups_tool(env.bootstrap, "--delete", "--group", group)
        assert r.returncode == 1 and "GroupNotEmptyException" in r.stderr
    finally:
        p.terminate()
        p.communicate(timeout=30)
    r = groups_tool(env.bootstrap, "--describe", "--group", group)
    assert f"Consumer group '{group}' has no active members." in r.stderr
    assert all(c[5] == "0" for c in describe_rows(r.stdout).values())
    r = groups_tool(env.bootstrap, "--delete", "--group", group)
    assert (r.returncode, r.stdout) == (
        0, f"Deletion of requested consumer groups ('{group}') was successful.\n")


def test_option_rules():
    r = run("kafka-consumer-groups", "--bootstrap-server", "127.0.0.1:1", "--list", "--describe")
    assert r.returncode == 1 and "Command must include exactly one action" in r.stderr
    r = run("kafka-consumer-groups", "--bootstrap-server", "127.0.0.1:1", "--reset-offsets",
            "--group", "g", "--topic", "t")
    assert r.returncode == 1 and "takes exactly one of these options" in r.stderr
    r = run("kafka-console-consumer", "--bootstrap-server", "127.0.0.1:1", "--topic", "t",
            "--group", "a", "--consumer-property", "group.id=b")
    assert r.returncode == 1 and "do not match" in r.stderr

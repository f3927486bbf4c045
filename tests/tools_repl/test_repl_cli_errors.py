"""Option errors of the replication tools: Kafka's required options and
messages, exit status 1, nothing on stdout; and the mock cluster, which has
no ElectLeaders, gives a clear error."""
import pytest

from repl_tools import run

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("tool,args,message", [
    ("producer", ["--bootstrap-server", "127.0.0.1:1"], 'Error: Missing required argument "[topic]"'),
    ("producer", ["--topic", "t"], 'Error: Missing required argument "[bootstrap-server]"'),
    ("producer", ["--topic", "t", "--bootstrap-server", "127.0.0.1:1", "--acks", "2"],
     "Error: Invalid value 2 for configuration acks"),
    ("consumer", ["--bootstrap-server", "127.0.0.1:1"], 'Error: Missing required argument "[topic]"'),
    ("consumer", ["--bootstrap-server", "127.0.0.1:1", "--topic", "t", "--reset-policy", "x"],
     "Error: Invalid value x for configuration auto.offset.reset"),
    ("dump-log", ["--print-data-log"], 'Error: Missing required argument "[files]"'),
    ("leader-election", ["--bootstrap-server", "127.0.0.1:1", "--all-topic-partitions"],
     "Error: Missing required option(s): election-type"),
    ("leader-election", ["--bootstrap-server", "127.0.0.1:1", "--election-type", "preferred"],
     "Error: One and only one of the following options is required: topic, all-topic-partitions, "
     "path-to-json-file"),
    ("leader-election", ["--bootstrap-server", "127.0.0.1:1", "--election-type", "preferred",
                         "--topic", "t"], "Error: Missing required option(s): partition"),
    ("leader-election", ["--bootstrap-server", "127.0.0.1:1", "--election-type", "bogus",
                         "--all-topic-partitions"], 'Error: Invalid value "bogus" for option election-type'),
])
def test_option_errors(tool, args, message):
    r = run(tool, *args, timeout=30)
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stdout == ""
    assert r.stderr.startswith(message), r.stderr


def test_help_documents_the_assign_mode():
    r = run("consumer", "--help")
    assert r.returncode == 0
    assert "without a group" in r.stdout


def test_unreachable_bootstrap():
    r = run("producer", "--bootstrap-server", "127.0.0.1:1", "--topic", "t", "--max-messages", "1")
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.startswith("Error: could not connect to any bootstrap server")


def test_dump_log_missing_file(tmp_path):
    r = run("dump-log", "--files", str(tmp_path / "00000000000000000000.log"))
    assert r.returncode == 1
    assert r.stdout == f"Dumping {tmp_path}/00000000000000000000.log\n"
    assert r.stderr.startswith("Error: ")


def test_leader_election_without_broker_support(mock):
    r = run("leader-election", "--bootstrap-server", mock.bootstrap, "--election-type", "preferred",
            "--all-topic-partitions")
    assert r.returncode == 1
    assert r.stderr == "Error: The broker does not support ElectLeaders\n"

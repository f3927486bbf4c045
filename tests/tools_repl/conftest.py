import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)


class MockCluster:
    """librdkafka's mock cluster in a helper process (repl_mock.py) with its
    control commands: topic, leader, down/up, error."""

    def __init__(self, brokers=3):
        self.p = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "repl_mock.py"), str(brokers)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        self.bootstrap = self.p.stdout.readline().strip()
        assert self.bootstrap, "mock cluster did not start"

    def cmd(self, *words):
        self.p.stdin.write(" ".join(str(w) for w in words) + "\n")
        self.p.stdin.flush()
        answer = self.p.stdout.readline().strip()
        assert answer == "ok 0", (words, answer)

    def close(self):
        self.p.stdin.close()
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait(timeout=5)


@pytest.fixture(scope="module")
def mock():
    m = MockCluster(3)
    yield m
    m.close()

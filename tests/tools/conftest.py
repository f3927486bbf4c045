import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "broker"))
import testlib  # noqa: E402


@pytest.fixture(scope="module")
def mock_cluster():
    """librdkafka's mock cluster (3 brokers) in a helper process; yields its
    bootstrap string. The helper exits when its stdin closes."""
    p = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "mock_cluster.py"), "3"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True, start_new_session=True)
    try:
        line = p.stdout.readline().strip()
        assert line, "mock cluster did not start"
        yield line
    finally:
        p.stdin.close()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)

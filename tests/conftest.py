import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402


@pytest.fixture
def procs():
    p = testlib.Processes()
    yield p
    p.cleanup()

import pytest

from groups_env import MockCluster


@pytest.fixture(scope="module")
def mock_cluster():
    """librdkafka's mock cluster (3 brokers); yields its bootstrap string."""
    m = MockCluster(3)
    try:
        yield m.bootstrap
    finally:
        m.close()

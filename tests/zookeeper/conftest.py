"""Fixtures for the ZooKeeper conformance suite.

`zk_server` is module-scoped and parametrized over "apache" (Apache ZooKeeper 3.8,
the reference that proves each test right) and "ours" (bazel-bin zookeeper-server,
skipped when not built). A module may set ZK_TICK_TIME / ZK_4LW_WHITELIST to get a
server with other settings. `@pytest.mark.xfail_ours(reason)` marks a test as a
non-strict expected failure for "ours" only (known gaps of our server).
"""
import os
import sys
import uuid

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import testlib  # noqa: E402
import zkharness  # noqa: E402

SERVER_KINDS = ["apache", "ours"]
ENSEMBLE_KINDS = ["apache-ensemble", "ours-ensemble"]
ALL_KINDS = SERVER_KINDS + ENSEMBLE_KINDS


def pytest_configure(config):
    config.addinivalue_line("markers", "xfail_ours(reason): expected failure against our server only")
    config.addinivalue_line("markers", "xfail_ours_ensemble(reason): expected failure against our "
                            "ensemble only")
    config.addinivalue_line("markers", "standalone_only(reason): skip against the ensemble kinds")


def pytest_generate_tests(metafunc):
    """Parametrizes zk_server over the module's ZK_KINDS (default: standalone only)."""
    if "zk_server" not in metafunc.fixturenames:
        return
    kinds = getattr(metafunc.module, "ZK_KINDS", SERVER_KINDS)
    if metafunc.definition.get_closest_marker("standalone_only") is not None:
        kinds = [k for k in kinds if k in SERVER_KINDS]
    metafunc.parametrize("zk_server", kinds, indirect=True, scope="module")


def pytest_collection_modifyitems(config, items):
    for item in items:
        callspec = getattr(item, "callspec", None)
        kind = callspec.params.get("zk_server", callspec.params.get("kind")) if callspec else None
        names = {"ours": ["xfail_ours"], "ours-ensemble": ["xfail_ours", "xfail_ours_ensemble"]}
        for name in names.get(kind, []):
            marker = item.get_closest_marker(name)
            if marker is None:
                continue
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            item.add_marker(pytest.mark.xfail(strict=False, reason=reason))
            break


@pytest.fixture(scope="module")
def zk_server(request, tmp_path_factory):
    kind = request.param
    zkharness.skip_if_missing(kind)
    tick = getattr(request.module, "ZK_TICK_TIME", 2000)
    whitelist = getattr(request.module, "ZK_4LW_WHITELIST", "*")
    procs = testlib.Processes()
    cls = zkharness.ZkEnsemble if kind in ENSEMBLE_KINDS else zkharness.ZkServer
    server = cls(kind, tmp_path_factory.mktemp(f"zk-{kind}"), tick_time=tick, whitelist=whitelist)
    try:
        server.start(procs)
        yield server
    finally:
        procs.cleanup()


@pytest.fixture
def zk(zk_server):
    """A connected kazoo client on the module's server."""
    c = zkharness.kazoo_client(zk_server.hosts)
    yield c
    zkharness.stop_client(c)


@pytest.fixture
def base(zk, request):
    """A fresh persistent node unique to this test; tests work below it."""
    name = request.node.originalname or request.node.name
    path = f"/t_{name}_{uuid.uuid4().hex[:8]}"
    zk.create(path)
    return path

"""Model-based check: seeded random create/delete/set/check/multi sequences are run
against the server and against a small Python model of ZooKeeper 3.8 semantics
(error precedence, versions, cversion, sequence numbers, all-or-nothing multi).
Results, data and stats must agree after every step; the whole tree is compared
every few steps. The Apache run proves the model."""
import os
import random

import pytest

pytest.importorskip("kazoo", reason="python3-kazoo not installed")
from kazoo.exceptions import (BadVersionError, NoChildrenForEphemeralsError, NodeExistsError,
                              NoNodeError, NotEmptyError, RolledBackError, RuntimeInconsistency)

# Client-API conformance: also runs through a three-host string (README.md).
ZK_KINDS = ["apache", "ours", "apache-ensemble", "ours-ensemble"]

pytestmark = pytest.mark.timeout(120)
SEEDS = [int(s) for s in os.environ.get("ZK_MODEL_SEEDS", "1,2,3").split(",")]


class ModelError(Exception):
    def __init__(self, kind):
        super().__init__(kind.__name__)
        self.kind = kind


class Node:
    def __init__(self, data=b"", ephemeral=False):
        self.data = data
        self.version = 0
        self.cversion = 0
        self.creates = 0  # child creates: the next sequence number
        self.children = set()
        self.ephemeral = ephemeral

    def copy(self):
        n = Node(self.data, self.ephemeral)
        n.version, n.cversion, n.creates = self.version, self.cversion, self.creates
        n.children = set(self.children)
        return n


def parent_of(path):
    return path.rsplit("/", 1)[0]


class Model:
    def __init__(self, base):
        self.tree = {base: Node()}

    def clone(self):
        m = Model.__new__(Model)
        m.tree = {k: v.copy() for k, v in self.tree.items()}
        return m

    def create(self, path, data, ephemeral, sequence):
        parent = parent_of(path)
        if parent not in self.tree:
            raise ModelError(NoNodeError)
        pnode = self.tree[parent]
        if sequence:
            path = f"{path}{pnode.creates:010d}"
        if path in self.tree:
            raise ModelError(NodeExistsError)
        if pnode.ephemeral:
            raise ModelError(NoChildrenForEphemeralsError)
        self.tree[path] = Node(data, ephemeral)
        pnode.children.add(path.rsplit("/", 1)[1])
        pnode.creates += 1
        pnode.cversion += 1
        return path

    def _versioned(self, path, version):
        if path not in self.tree:
            raise ModelError(NoNodeError)
        node = self.tree[path]
        if version != -1 and version != node.version:
            raise ModelError(BadVersionError)
        return node

    def delete(self, path, version):
        node = self._versioned(path, version)
        if node.children:
            raise ModelError(NotEmptyError)
        del self.tree[path]
        pnode = self.tree[parent_of(path)]
        pnode.children.discard(path.rsplit("/", 1)[1])
        pnode.cversion += 1
        return True

    def set(self, path, data, version):
        node = self._versioned(path, version)
        node.data = data
        node.version += 1
        return node

    def check(self, path, version):
        self._versioned(path, version)
        return True


def outcome(fn, *args):
    try:
        return ("ok", fn(*args))
    except ModelError as e:
        return ("err", e.kind)
    except (NoNodeError, NodeExistsError, BadVersionError, NotEmptyError,
            NoChildrenForEphemeralsError) as e:
        return ("err", type(e))


def compare_node(zk, model, path, session_id):
    data, st = zk.get(path)
    node = model.tree[path]
    assert data == node.data, path
    assert (st.version, st.cversion, st.numChildren, st.dataLength, st.aversion) == \
        (node.version, node.cversion, len(node.children), len(node.data), 0), path
    assert st.ephemeralOwner == (session_id if node.ephemeral else 0), path
    # (a multi may create and set a node under one zxid, so only this direction holds)
    assert st.mzxid >= st.czxid and (node.version > 0 or st.czxid == st.mzxid), path
    assert st.pzxid >= st.czxid and st.ctime <= st.mtime
    assert sorted(zk.get_children(path)) == sorted(node.children), path


def compare_tree(zk, model, base, session_id):
    seen = []
    stack = [base]
    while stack:
        p = stack.pop()
        seen.append(p)
        compare_node(zk, model, p, session_id)
        stack.extend(f"{p}/{c}" for c in zk.get_children(p))
    assert sorted(seen) == sorted(model.tree)


def random_path(rng, model, base):
    if rng.random() < 0.6 and len(model.tree) > 1:
        return rng.choice(sorted(p for p in model.tree if p != base))
    depth = rng.randint(1, 3)
    return base + "".join("/" + rng.choice("abc") for _ in range(depth))


def random_version(rng, model, path):
    node = model.tree.get(path)
    cur = node.version if node else 0
    return rng.choice([-1, cur, cur, cur + 1])


@pytest.mark.parametrize("seed", SEEDS)
def test_random_ops_match_model(zk, base, seed):
    rng = random.Random(seed)
    model = Model(base)
    sid = zk.client_id[0]
    for step in range(300):
        r = rng.random()
        path = random_path(rng, model, base)
        data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 20)))
        if r < 0.35:
            eph = rng.random() < 0.2
            seq = rng.random() < 0.25
            want = outcome(model.create, path + ("-" if seq else ""), data, eph, seq)
            got = outcome(lambda: zk.create(path + ("-" if seq else ""), data, ephemeral=eph, sequence=seq))
        elif r < 0.55:
            v = random_version(rng, model, path)
            want = outcome(model.delete, path, v)
            got = outcome(lambda: zk.delete(path, version=v) or True)
        elif r < 0.75:
            v = random_version(rng, model, path)
            want = outcome(model.set, path, data, v)
            got = outcome(lambda: zk.set(path, data, version=v))
            if want[0] == "ok":
                want = ("ok", None)
                assert got[0] == "ok", (step, path, got)
                assert got[1].version == model.tree[path].version
                got = ("ok", None)
        elif r < 0.9:
            run_multi(rng, zk, model, base, step)
            continue
        else:
            if path in model.tree:
                compare_node(zk, model, path, sid)
            else:
                assert zk.exists(path) is None
            continue
        assert got == want, (step, path, got, want)
        if step % 50 == 49:
            compare_tree(zk, model, base, sid)
    compare_tree(zk, model, base, sid)


def run_multi(rng, zk, model, base, step):
    shadow = model.clone()
    t = zk.transaction()
    expected = []
    failed = False
    for _ in range(rng.randint(1, 4)):
        path = random_path(rng, shadow, base)
        kind = rng.choice(["create", "delete", "set", "check"])
        v = random_version(rng, shadow, path)
        data = bytes([rng.randrange(256)]) * rng.randint(0, 5)
        if kind == "create":
            seq = rng.random() < 0.25
            p = path + ("-" if seq else "")
            t.create(p, data, sequence=seq)
            res = outcome(shadow.create, p, data, False, seq) if not failed else None
        elif kind == "delete":
            t.delete(path, version=v)
            res = outcome(shadow.delete, path, v) if not failed else None
        elif kind == "set":
            t.set_data(path, data, version=v)
            res = outcome(shadow.set, path, data, v) if not failed else None
            if res and res[0] == "ok":
                res = ("ok", "stat")
        else:
            t.check(path, v)
            res = outcome(shadow.check, path, v) if not failed else None
        if res is not None and res[0] == "err":
            failed = True
        expected.append(res)
    results = t.commit()
    assert len(results) == len(expected)
    if failed:
        first = next(i for i, e in enumerate(expected) if e and e[0] == "err")
        for i, got in enumerate(results):
            if i < first:
                assert isinstance(got, RolledBackError), (step, i, results)
            elif i == first:
                assert isinstance(got, expected[i][1]), (step, i, results, expected)
            else:
                assert isinstance(got, RuntimeInconsistency), (step, i, results)
        return  # nothing applied: the model stays as it was
    for got, want in zip(results, expected):
        if want == ("ok", "stat"):
            assert hasattr(got, "version"), (step, results)
        else:
            assert got == want[1], (step, results, expected)
    model.tree = shadow.tree

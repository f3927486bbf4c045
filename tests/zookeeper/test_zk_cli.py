"""Apache's zkCli.sh as a client: one-shot commands (exit status, stdout/stderr
split) and a piped multi-command session ending with quit."""
import os
import re
import uuid

import pytest

import zkharness

pytestmark = [pytest.mark.timeout(90),
              pytest.mark.skipif(not os.access(zkharness.ZKCLI, os.X_OK), reason="zkCli.sh not installed")]

STAT_KEYS = ["cZxid", "ctime", "mZxid", "mtime", "pZxid", "cversion", "dataVersion",
             "aclVersion", "ephemeralOwner", "dataLength", "numChildren"]


NOISE = ("Connecting to ", "WATCHER::", "WatchedEvent state:", "Welcome to ZooKeeper!",
         "JLine support is")


def result_lines(stdout):
    """The commands' output: stdout without zkCli's connection chatter. The watcher
    thread prints its lines concurrently with the command's output, so they can show
    up anywhere (even inside a stat block) and are dropped wherever they are."""
    assert "WatchedEvent state:SyncConnected" in stdout, f"never connected:\n{stdout}"
    return [line for line in stdout.split("\n") if line and not line.startswith(NOISE)]


def stat_blocks(lines):
    """Every `key = value` stat block in order, as dicts."""
    blocks, cur = [], None
    for line in lines:
        m = re.fullmatch(r"(\w+) = (.*)", line)
        if not m:
            continue
        if m.group(1) == "cZxid":
            cur = {}
            blocks.append(cur)
        assert cur is not None, f"stat line before cZxid: {lines}"
        cur[m.group(1)] = m.group(2)
    for b in blocks:
        assert list(b) == STAT_KEYS, b
    return blocks


def check_stat(block, st):
    assert int(block["cZxid"], 16) == st.czxid
    assert int(block["mZxid"], 16) == st.mzxid
    assert int(block["pZxid"], 16) == st.pzxid
    assert int(block["cversion"]) == st.cversion
    assert int(block["dataVersion"]) == st.version
    assert int(block["aclVersion"]) == st.aversion
    assert int(block["ephemeralOwner"], 16) == st.ephemeralOwner
    assert int(block["dataLength"]) == st.dataLength
    assert int(block["numChildren"]) == st.numChildren


def test_one_shot_commands(zk_server, zk):
    p = f"/cli_{uuid.uuid4().hex[:8]}"
    rc, out, err = zkharness.run_cli(zk_server.port, ["ls", "/"])
    assert rc == 0, err
    assert out.startswith(f"Connecting to 127.0.0.1:{zk_server.port}\n")
    res = result_lines(out)
    assert res[0].startswith("[") and "zookeeper" in res[0]

    rc, out, err = zkharness.run_cli(zk_server.port, ["create", p, "hello"])
    assert rc == 0, err
    assert f"Created {p}" in err.split("\n")
    assert zk.get(p)[0] == b"hello"

    rc, out, err = zkharness.run_cli(zk_server.port, ["create", p, "again"])
    assert rc == 1
    assert f"Node already exists: {p}" in err

    rc, out, err = zkharness.run_cli(zk_server.port, ["get", f"{p}/nonexistent"])
    assert rc == 1
    assert f"Node does not exist: {p}/nonexistent" in err

    rc, out, err = zkharness.run_cli(zk_server.port, ["stat", p])
    assert rc == 0, err
    check_stat(stat_blocks(result_lines(out))[0], zk.exists(p))


def test_piped_session(zk_server, zk):
    p = f"/clip_{uuid.uuid4().hex[:8]}"
    eph = f"/clie_{uuid.uuid4().hex[:8]}"
    script = "\n".join([
        f"create {p} a",
        f"create -s {p}/s- x",
        f"create -e {eph} eph",
        f"get {p}",
        f"get -s {p}",
        f"set {p} bb",
        f"stat {p}",
        f"ls {p}",
        f"get {p}/nonexistent",
        f"create {p}/kid/deeper v",
        f"delete {p}",
        f"create {p}/gone g",
        f"delete {p}/gone",
        "ls /",
        "quit",
    ]) + "\n"
    rc, out, err = zkharness.run_cli(zk_server.port, [], stdin=script)
    res = [line for line in result_lines(out) if line]
    # get -> "a"; get -s -> "a" + stat; stat -> stat; ls -> children.
    assert res[0] == "a" and res[1] == "a"
    blocks = stat_blocks(res)
    assert len(blocks) == 2
    assert blocks[0]["dataVersion"] == "0" and blocks[1]["dataVersion"] == "1"
    assert blocks[0]["numChildren"] == "1" and blocks[0]["dataLength"] == "1"
    assert blocks[1]["dataLength"] == "2" and blocks[1]["cZxid"] == blocks[0]["cZxid"]
    assert int(blocks[1]["mZxid"], 16) > int(blocks[0]["mZxid"], 16)
    assert "[s-0000000000]" in res
    roots = [line for line in res if line.startswith("[") and "zookeeper" in line]
    assert len(roots) == 1 and p[1:] in roots[0] and eph[1:] in roots[0]
    errs = err.split("\n")
    for line in (f"Created {p}", f"Created {p}/s-0000000000", f"Created {eph}", f"Created {p}/gone",
                 f"Node does not exist: {p}/nonexistent", f"Node does not exist: {p}/kid/deeper"):
        assert line in errs, (line, err)
    assert any(line.startswith(f"Node not empty: {p}") for line in errs), err
    # quit closed the session, so its ephemeral is gone at once.
    assert zk.exists(eph) is None
    assert zk.exists(f"{p}/gone") is None
    assert zk.get(p)[0] == b"bb"
    assert zk.exists(p).version == 1

    script = f"deleteall {p}\nls /\nquit\n"
    rc, out, err = zkharness.run_cli(zk_server.port, [], stdin=script)
    assert rc == 0, err
    assert zk.exists(p) is None


def test_piped_session_acls_and_newer_commands(zk_server, zk):
    from kazoo.security import make_digest_acl
    q = f"/cliq_{uuid.uuid4().hex[:8]}"
    script = "\n".join([
        f"create {q} a", f"create -e {q}/e1 x", f"getAcl {q}",
        f"setAcl {q} world:anyone:cdrwa", f"getAcl -s {q}",
        "addauth digest bob:pw", f"create {q}/sec s auth:bob:pw:cdrwa", f"getAcl {q}/sec", "whoami",
        f"getAllChildrenNumber {q}", f"getEphemerals {q}", f"sync {q}",
        f"set -v 0 {q} b", f"set -v 0 {q} c", f"delete -v 5 {q}/sec",
        f"create -c {q}/cont", f"stat {q}/cont", f"ls -R {q}", f"deleteall {q}", "quit",
    ]) + "\n"
    rc, out, err = zkharness.run_cli(zk_server.port, [], stdin=script)
    assert rc == 0, err
    res = result_lines(out)
    assert res[:4] == ["'world,'anyone", ": cdrwa", "'world,'anyone", ": cdrwa"]
    blocks = stat_blocks(res)
    assert blocks[0]["aclVersion"] == "1" and blocks[0]["numChildren"] == "1"
    digest = make_digest_acl("bob", "pw").id.id
    i = res.index(f"'digest,'{digest}")
    assert res[i + 1] == ": cdrwa"
    assert res[i + 2] == "Auth scheme: User"
    # (Apache lists digest before ip; the order carries no meaning, so it is not checked)
    assert sorted(res[i + 3:i + 5]) == ["digest: bob", "ip: 127.0.0.1"]
    assert res[i + 5] == "2"  # getAllChildrenNumber
    assert res[i + 6] == f"[{q}/e1]"  # getEphemerals
    assert res[i + 7] == "Sync is OK"
    assert blocks[1]["ephemeralOwner"] == "0x0" and blocks[1]["dataLength"] == "0"
    assert res[-4:] == [q, f"{q}/cont", f"{q}/e1", f"{q}/sec"]  # ls -R
    errs = err.split("\n")
    assert f"version No is not valid : {q}" in errs
    assert f"version No is not valid : {q}/sec" in errs
    assert zk.exists(q) is None

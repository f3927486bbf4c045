"""Crash durability of OUR server only (not Apache): acknowledged writes survive
SIGKILL; a torn or garbage-extended transaction log tail is cut back to the last
valid record at start-up and the server keeps working on it.

The log layout is ours (daemon/zookeeper/FORMAT.md): `version-2/log.<hex>` files
with a 16-byte header ("ZKCL", version, dbid), records of [u32 length][u32 crc32c]
[payload], then zero preallocation; the real end is found by walking the records. Set ZK_DURABILITY_KINDS=apache,ours to run the
format-independent SIGKILL test against Apache as well.
"""
import glob
import os
import random
import signal
import struct

import pytest

import zkharness
from zkharness import skip_if_missing

pytestmark = pytest.mark.timeout(120)

KINDS = os.environ.get("ZK_DURABILITY_KINDS", "ours").split(",")
LOG_MAGIC = b"ZKCL"
LOG_HEADER = 16


def start(procs, tmp_path, kind="ours", **kw):
    skip_if_missing(kind)
    return zkharness.ZkServer(kind, tmp_path, **kw).start(procs)


def write_nodes(zk, parent, n, size_of=lambda i: 1 + (i * 37) % 300):
    """Creates n nodes with async creates and waits for every ack; returns {name: data}."""
    zk.create(parent)
    expected = {}
    pending = []
    for i in range(n):
        name = f"n{i:06d}"
        data = bytes((i + k) & 0xFF for k in range(size_of(i)))
        expected[name] = data
        pending.append(zk.create_async(f"{parent}/{name}", data))
    for p in pending:
        p.get(timeout=60)
    return expected


def read_all(zk, parent):
    kids = zk.get_children(parent)
    results = {k: zk.get_async(f"{parent}/{k}") for k in kids}
    return {k: r.get(timeout=60)[0] for k, r in results.items()}


def newest_log(server):
    logs = glob.glob(os.path.join(server.data_dir, "version-2", "log.*"))
    assert logs, "no txn log written"
    return max(logs, key=lambda p: int(p.rsplit(".", 1)[1], 16))


def log_records(path):
    """(offset, total length) of each record in one of our log files; the data end."""
    with open(path, "rb") as f:
        buf = f.read()
    assert buf[:4] == LOG_MAGIC, "not our log format"
    pos, records = LOG_HEADER, []
    while pos + 8 <= len(buf):
        length, crc = struct.unpack(">II", buf[pos:pos + 8])
        if length == 0 and crc == 0:
            break  # zero fill
        assert pos + 8 + length <= len(buf), "log already torn"
        records.append((pos, 8 + length))
        pos += 8 + length
    assert not buf[pos:].strip(b"\x00"), "unexpected bytes after the last record"
    return records, pos


def snapshot_zxids(server):
    snaps = glob.glob(os.path.join(server.data_dir, "version-2", "snapshot.*"))
    return [int(p.rsplit(".", 1)[1], 16) for p in snaps]


@pytest.mark.parametrize("kind", KINDS)
def test_acked_writes_survive_sigkill(procs, tmp_path, kind):
    server = start(procs, tmp_path, kind)
    zk = zkharness.kazoo_client(server.hosts)
    try:
        expected = write_nodes(zk, "/dur", 10_000)
    finally:
        server.kill(signal.SIGKILL)
        zkharness.stop_client(zk)
    server.start(procs)
    zk = zkharness.kazoo_client(server.hosts)
    try:
        got = read_all(zk, "/dur")
        assert len(got) == len(expected)
        assert got == expected
        st = zk.exists("/dur")
        assert st.numChildren == 10_000 and st.cversion == 10_000
    finally:
        zkharness.stop_client(zk)


def torn_setup(procs, tmp_path):
    """Acked nodes plus a final 'last' node whose create is the log's final record."""
    server = start(procs, tmp_path)
    zk = zkharness.kazoo_client(server.hosts)
    try:
        expected = write_nodes(zk, "/torn", 300)
        _, last_stat = zk.create("/torn/last", b"LAST", include_data=True)
        server.kill(signal.SIGKILL)
    finally:
        zkharness.stop_client(zk)
    return server, expected, last_stat


def verify_and_continue(server, procs, expected, extra_name):
    """Checks the tree, writes one more node, crashes again and checks once more:
    a log that was not cut back properly loses writes appended after the junk."""
    zk = zkharness.kazoo_client(server.hosts)
    try:
        assert read_all(zk, "/torn") == expected
        zk.create(f"/torn/{extra_name}", b"after-restart")
    finally:
        server.kill(signal.SIGKILL)
        zkharness.stop_client(zk)
    server.start(procs)
    zk = zkharness.kazoo_client(server.hosts)
    try:
        want = dict(expected)
        want[extra_name] = b"after-restart"
        assert read_all(zk, "/torn") == want
    finally:
        zkharness.stop_client(zk)


@pytest.mark.parametrize("cut", ["last_3_bytes", "mid_record", "inside_header"])
def test_torn_tail_truncated(procs, tmp_path, cut):
    server, expected, last_stat = torn_setup(procs, tmp_path)
    path = newest_log(server)
    records, end = log_records(path)
    rec_off, rec_len = records[-1]
    new_size = {"last_3_bytes": end - 3,
                "mid_record": rec_off + 8 + (rec_len - 8) // 2,
                "inside_header": rec_off + 5}[cut]
    os.truncate(path, new_size)
    server.start(procs)
    if any(z >= last_stat.czxid for z in snapshot_zxids(server)):
        expected["last"] = b"LAST"  # a snapshot already held it
    verify_and_continue(server, procs, expected, "extra")


@pytest.mark.parametrize("junk", ["random_bytes", "zero_fill", "huge_length", "bad_crc",
                                  "random_after_file_end"])
def test_garbage_tail_ignored(procs, tmp_path, junk):
    """Junk right after the last valid record (where the next record would go, over
    any zero preallocation), or appended after the file's end."""
    server, expected, _ = torn_setup(procs, tmp_path)
    expected["last"] = b"LAST"
    path = newest_log(server)
    _, end = log_records(path)  # sanity: our format, intact
    rnd = random.Random(junk)
    tail = {"random_bytes": bytes(rnd.randrange(1, 256) for _ in range(37)),
            "random_after_file_end": bytes(rnd.randrange(1, 256) for _ in range(37)),
            "zero_fill": b"\x00" * 4096,
            "huge_length": struct.pack(">II", 0x7FFFFFFF, 12345) + b"abc",
            "bad_crc": struct.pack(">II", 20, 0xDEADBEEF) + bytes(range(20))}[junk]
    with open(path, "r+b") as f:
        f.seek(0, os.SEEK_END if junk == "random_after_file_end" else os.SEEK_SET)
        if junk != "random_after_file_end":
            f.seek(end)
        f.write(tail)
    server.start(procs)
    verify_and_continue(server, procs, expected, "extra")


def test_restart_keeps_sessions_data_and_sequence(procs, tmp_path):
    """After a crash the sequence counter, versions and ACLs come back as they were."""
    from kazoo.security import make_digest_acl
    server = start(procs, tmp_path)
    zk = zkharness.kazoo_client(server.hosts)
    try:
        zk.create("/r")
        for _ in range(3):
            zk.create("/r/s-", sequence=True)
        zk.delete("/r/s-0000000001")
        zk.set("/r", b"v1")
        zk.set("/r", b"v2")
        zk.create("/r/sec", b"s", acl=[make_digest_acl("u", "p", all=True)])
        before = zk.exists("/r")
        before_srvr_zxid = before.pzxid
    finally:
        server.kill(signal.SIGKILL)
        zkharness.stop_client(zk)
    server.start(procs)
    zk = zkharness.kazoo_client(server.hosts)
    try:
        after = zk.exists("/r")
        assert (after.version, after.cversion, after.numChildren, after.pzxid, after.mzxid) == \
            (before.version, before.cversion, before.numChildren, before.pzxid, before.mzxid)
        assert zk.get("/r")[0] == b"v2"
        assert zk.create("/r/s-", sequence=True) == "/r/s-0000000004"
        zk.add_auth("digest", "u:p")
        assert zk.get("/r/sec")[0] == b"s"
        # New zxids continue after the recovered ones.
        _, st = zk.create("/r/new", include_data=True)
        assert st.czxid > before_srvr_zxid
    finally:
        zkharness.stop_client(zk)


@pytest.mark.parametrize("kind", KINDS)
def test_recovery_from_snapshots_and_logs(procs, tmp_path, kind):
    """With snapCount=100 recovery goes through several snapshots taken while
    writes were flowing (fuzzy snapshots) plus the log after them."""
    server = start(procs, tmp_path, kind, extra={"snapCount": 100})
    zk = zkharness.kazoo_client(server.hosts)
    try:
        expected = write_nodes(zk, "/snap", 600)
        pending = []
        for i in range(0, 600, 3):
            name = f"n{i:06d}"
            expected[name] = b"set-%d" % i
            pending.append(zk.set_async(f"/snap/{name}", expected[name]))
        for i in range(1, 600, 5):
            del expected[f"n{i:06d}"]
            pending.append(zk.delete_async(f"/snap/n{i:06d}"))
        for p in pending:
            p.get(timeout=60)
        before = zk.exists("/snap")
    finally:
        server.kill(signal.SIGKILL)
        zkharness.stop_client(zk)
    snaps = glob.glob(os.path.join(server.data_dir, "version-2", "snapshot.*"))
    assert len(snaps) >= 2, "snapCount=100 should have produced snapshots"
    server.start(procs)
    zk = zkharness.kazoo_client(server.hosts)
    try:
        assert read_all(zk, "/snap") == expected
        after = zk.exists("/snap")
        assert (after.cversion, after.numChildren, after.pzxid) == \
            (before.cversion, before.numChildren, before.pzxid)
    finally:
        zkharness.stop_client(zk)


@pytest.mark.parametrize("kind", KINDS)
def test_sessions_survive_restart_then_expire(procs, tmp_path, kind):
    """A session alive at the crash is restored with its ephemeral; with nobody
    reattaching it expires after its timeout and the ephemeral goes."""
    server = start(procs, tmp_path, kind, tick_time=500)
    owner = zkharness.kazoo_client(server.hosts, timeout=1.0)
    owner_sid = owner.client_id[0]
    owner.create("/eph-owner", ephemeral=True)
    server.kill(signal.SIGKILL)
    zkharness.stop_client(owner)
    server.start(procs)
    zk = zkharness.kazoo_client(server.hosts)
    try:
        st = zk.exists("/eph-owner")
        assert st is not None and st.ephemeralOwner == owner_sid
        zkharness.testlib.wait_for(lambda: zk.exists("/eph-owner") is None, 10,
                                   what="restored session to expire")
    finally:
        zkharness.stop_client(zk)

"""Four-letter words over raw sockets: replies, key names and shapes (not exact
values, except where they follow from what the test did), and the whitelist."""
import re

import pytest

import zkharness
from zkharness import four_letter

pytestmark = pytest.mark.timeout(60)

SRVR_KEYS = ["Latency min/avg/max", "Received", "Sent", "Connections", "Outstanding",
             "Zxid", "Mode", "Node count"]
MNTR_REQUIRED = ["zk_version", "zk_server_state", "zk_ephemerals_count", "zk_num_alive_connections",
                 "zk_avg_latency", "zk_outstanding_requests", "zk_znode_count", "zk_watch_count",
                 "zk_packets_sent", "zk_packets_received", "zk_approximate_data_size",
                 "zk_open_file_descriptor_count", "zk_uptime"]
CLIENT_LINE = re.compile(r"^ /127\.0\.0\.1:\d+\[\d+\]\((.*)\)$")


def parse_srvr_block(lines):
    out = {}
    for line in lines:
        key, sep, value = line.partition(": ")
        assert sep, f"not 'Key: value': {line!r}"
        out[key] = value
    return out


def srvr(port):
    text = four_letter(port, "srvr")
    assert text.endswith("\n")
    lines = text.rstrip("\n").split("\n")
    assert lines[0].startswith("Zookeeper version: ")
    kv = parse_srvr_block(lines[1:])
    assert list(kv) == SRVR_KEYS
    return kv


def mntr(port):
    text = four_letter(port, "mntr")
    lines = text.rstrip("\n").split("\n")
    kv = {}
    for line in lines:
        key, sep, value = line.partition("\t")
        assert sep and key.startswith("zk_"), f"bad mntr line {line!r}"
        kv[key] = value
    assert lines[0].startswith("zk_version\t") and lines[1].startswith("zk_server_state\t")
    return kv


def test_ruok_isro(zk_server):
    assert four_letter(zk_server.port, "ruok") == "imok"
    assert four_letter(zk_server.port, "isro") == "rw"


def test_srvr(zk_server, zk, base):
    kv = srvr(zk_server.port)
    assert kv["Mode"] == "standalone"
    assert kv["Outstanding"] == "0"
    assert re.fullmatch(r"\d+/\d+(\.\d+)?/\d+", kv["Latency min/avg/max"])
    for k in ("Received", "Sent", "Connections", "Node count"):
        assert kv[k].isdigit(), (k, kv[k])
    assert int(kv["Connections"]) >= 2  # kazoo + this one
    nodes = int(kv["Node count"])
    _, st = zk.create(f"{base}/n", include_data=True)
    kv2 = srvr(zk_server.port)
    assert int(kv2["Node count"]) == nodes + 1
    assert re.fullmatch(r"0x[0-9a-f]+", kv2["Zxid"])
    assert int(kv2["Zxid"], 16) == st.czxid


def test_stat(zk_server, zk):
    text = four_letter(zk_server.port, "stat")
    lines = text.rstrip("\n").split("\n")
    assert lines[0].startswith("Zookeeper version: ")
    assert lines[1] == "Clients:"
    i = 2
    while lines[i] != "":
        assert CLIENT_LINE.match(lines[i]), lines[i]
        i += 1
    assert i >= 4, "kazoo's connection and this one are listed"
    kv = parse_srvr_block(lines[i + 1:])
    assert list(kv) == SRVR_KEYS
    assert kv["Mode"] == "standalone"


def test_mntr(zk_server, zk, base):
    kv = mntr(zk_server.port)
    for k in MNTR_REQUIRED:
        assert k in kv, k
    assert kv["zk_server_state"] == "standalone"
    for k in ("zk_ephemerals_count", "zk_num_alive_connections", "zk_outstanding_requests",
              "zk_znode_count", "zk_watch_count", "zk_packets_sent", "zk_packets_received",
              "zk_approximate_data_size", "zk_open_file_descriptor_count", "zk_uptime"):
        assert kv[k].isdigit(), (k, kv[k])
    float(kv["zk_avg_latency"])
    eph = int(kv["zk_ephemerals_count"])
    nodes = int(kv["zk_znode_count"])
    zk.create(f"{base}/e", ephemeral=True)
    zk.exists(f"{base}/w", watch=lambda e: None)
    kv2 = mntr(zk_server.port)
    assert int(kv2["zk_ephemerals_count"]) == eph + 1
    assert int(kv2["zk_znode_count"]) == nodes + 1
    assert int(kv2["zk_watch_count"]) >= 1
    assert int(kv2["zk_znode_count"]) == int(srvr(zk_server.port)["Node count"])


def test_conf(zk_server):
    text = four_letter(zk_server.port, "conf")
    kv = {}
    for line in text.rstrip("\n").split("\n"):
        key, sep, value = line.partition("=")
        assert sep, f"not key=value: {line!r}"
        kv[key] = value
    for k in ("clientPort", "dataDir", "dataLogDir", "tickTime", "maxClientCnxns",
              "minSessionTimeout", "maxSessionTimeout", "serverId"):
        assert k in kv, k
    assert kv["clientPort"] == str(zk_server.port)
    assert kv["tickTime"] == str(zk_server.tick_time)
    assert kv["minSessionTimeout"] == str(2 * zk_server.tick_time)
    assert kv["maxSessionTimeout"] == str(20 * zk_server.tick_time)
    assert kv["maxClientCnxns"] == "0"
    assert kv["dataDir"].startswith(zk_server.data_dir)


def test_cons(zk_server, zk):
    text = four_letter(zk_server.port, "cons")
    assert text.endswith("\n\n")
    lines = text.rstrip("\n").split("\n")
    for line in lines:
        assert CLIENT_LINE.match(line), line
    sid = f"sid=0x{zk.client_id[0]:x}"
    mine = [line for line in lines if sid in line]
    assert len(mine) == 1, (sid, lines)
    fields = dict(f.split("=", 1) for f in CLIENT_LINE.match(mine[0]).group(1).split(","))
    for k in ("queued", "recved", "sent", "sid", "lop", "est", "to", "lcxid", "lzxid",
              "lresp", "llat", "minlat", "avglat", "maxlat"):
        assert k in fields, k
    assert fields["to"] == "10000"


def test_envi(zk_server):
    text = four_letter(zk_server.port, "envi")
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "Environment:"
    kv = {}
    for line in lines[1:]:
        key, sep, value = line.partition("=")
        assert sep, f"not key=value: {line!r}"
        kv[key] = value
    for k in ("zookeeper.version", "host.name", "os.name", "os.arch", "os.version",
              "user.name", "user.home", "user.dir"):
        assert k in kv, k
    assert kv["os.name"] == "Linux"


def test_default_whitelist(procs, zk_server, tmp_path):
    """Without 4lw.commands.whitelist only srvr answers."""
    s = zkharness.ZkServer(zk_server.kind, tmp_path, whitelist=None).start(procs)
    for cmd in ("ruok", "mntr", "stat", "conf", "cons", "envi", "isro"):
        assert four_letter(s.port, cmd) == f"{cmd} is not executed because it is not in the whitelist.\n"
    assert four_letter(s.port, "srvr").startswith("Zookeeper version: ")


def test_explicit_whitelist(procs, zk_server, tmp_path):
    s = zkharness.ZkServer(zk_server.kind, tmp_path, whitelist="ruok, conf").start(procs)
    assert four_letter(s.port, "ruok") == "imok"
    assert four_letter(s.port, "conf").startswith("clientPort=")
    assert four_letter(s.port, "stat") == "stat is not executed because it is not in the whitelist.\n"
    # srvr is always on, whatever the whitelist says.
    assert four_letter(s.port, "srvr").startswith("Zookeeper version: ")


def wchs(port):
    text = four_letter(port, "wchs")
    m = re.fullmatch(r"(\d+) connections watching (\d+) paths\nTotal watches:(\d+)\n", text)
    assert m, repr(text)
    return tuple(int(x) for x in m.groups())


def test_wchs(zk_server, zk, base):
    """wchs summarises data (getData/exists) watches only; child watches are not counted."""
    conns, paths, total = wchs(zk_server.port)
    p1 = zk.create(f"{base}/p1")
    zk.get(p1, watch=lambda e: None)
    zk.get_children(p1, watch=lambda e: None)
    zk.exists(f"{base}/p2", watch=lambda e: None)
    assert wchs(zk_server.port) == (conns + 1, paths + 2, total + 2)

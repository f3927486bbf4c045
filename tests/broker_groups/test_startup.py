"""Metadata never reports controller id -1 once the broker answers: librdkafka
2.0.2's AdminClient that sees -1 never asks again (CreateTopics times out)."""
import signal
import struct

import pytest
import testlib

import broker_cluster


def controller_id(port):
    # Metadata v1, topics = null (all): brokers[id, host, port, rack], controller_id, ...
    resp = broker_cluster.kafka_request(port, 3, 1, struct.pack(">i", -1), timeout=20)
    pos = 4  # correlation id
    (n,) = struct.unpack_from(">i", resp, pos)
    pos += 4
    for _ in range(n):
        pos += 4
        (hl,) = struct.unpack_from(">h", resp, pos)
        pos += 2 + hl + 4
        (rl,) = struct.unpack_from(">h", resp, pos)
        pos += 2 + max(rl, 0)
    return struct.unpack_from(">i", resp, pos)[0]


@pytest.mark.timeout(60)
def test_first_metadata_names_the_controller(procs, tmp_path):
    c = broker_cluster.Cluster(procs, tmp_path)
    c.start_zookeeper()
    for attempt in range(3):  # each start is a fresh election race
        info = c.start_broker(0, wait=False)
        testlib.wait_for(lambda: testlib.port_open(info["port"]), 15, interval=0.005,
                         what="broker port")
        assert controller_id(info["port"]) == 0
        c.kill(0, signal.SIGTERM)  # clean: the ephemeral znodes go at once

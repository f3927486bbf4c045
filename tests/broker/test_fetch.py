"""Fetch sizing and errors on the wire (kafka-python's protocol classes, Fetch v4)."""
import struct

import pytest

from broker_cluster import kafka_request, kcat


def big_batch(size):
    from kafka.record.memory_records import MemoryRecordsBuilder
    b = MemoryRecordsBuilder(magic=2, compression_type=0, batch_size=1 << 20)
    b.append(timestamp=None, key=b"k", value=b"x" * size, headers=[])
    b.close()
    return bytes(b.buffer())


def produce(port, topic, records):
    from kafka.protocol.produce import ProduceRequest, ProduceResponse
    req = ProduceRequest[3](transactional_id=None, required_acks=1, timeout=5000,
                            topics=[(topic, [(0, records)])])
    resp = kafka_request(port, 0, 3, req.encode())
    return ProduceResponse[3].decode(resp[4:]).topics[0][1][0][1]


def fetch(port, topic, offset, partition_max, response_max=1 << 30, replica_id=-1,
          partition=0):
    from kafka.protocol.fetch import FetchRequest, FetchResponse
    req = FetchRequest[4](replica_id=replica_id, max_wait_time=0, min_bytes=0,
                          max_bytes=response_max, isolation_level=0,
                          topics=[(topic, [(partition, offset, partition_max)])])
    resp = kafka_request(port, 1, 4, req.encode())
    assert resp is not None
    part = FetchResponse[4].decode(resp[4:]).topics[0][1][0]
    # (partition, error_code, high_watermark, last_stable_offset, aborted, records)
    return part[1], part[2], part[3], part[5]


def batch_count(records):
    n, pos = 0, 0
    while pos + 12 <= len(records):
        (length,) = struct.unpack(">i", records[pos + 8:pos + 12])
        if pos + 12 + length > len(records):
            break
        pos += 12 + length
        n += 1
    return n


@pytest.mark.timeout(60)
def test_fetch_limits_and_errors(one_broker):
    bs = one_broker.bootstrap()
    port = one_broker.port(0)
    assert kcat("-b", bs, "-L", "-t", "fs").returncode == 0  # auto-creates "fs"
    import testlib
    testlib.wait_for(lambda: produce(port, "fs", big_batch(10000)) == 0, 10, what="topic ready")
    for _ in range(2):
        assert produce(port, "fs", big_batch(10000)) == 0

    err, hw, lso, records = fetch(port, "fs", 0, 100)
    assert (err, hw, lso) == (0, 3, 3)
    assert batch_count(records) == 1  # larger than the limit, still returned whole
    err, _, _, records = fetch(port, "fs", 0, 1 << 20, response_max=100)
    assert batch_count(records) == 1
    err, _, _, records = fetch(port, "fs", 0, 25000)
    assert batch_count(records) == 2
    err, _, _, records = fetch(port, "fs", 1, 1 << 20)
    assert batch_count(records) == 2
    err, _, _, records = fetch(port, "fs", 3, 1 << 20)
    assert err == 0 and len(records) == 0
    assert fetch(port, "fs", 4, 1 << 20)[0] == 1       # OFFSET_OUT_OF_RANGE
    assert fetch(port, "fs", 0, 1 << 20, partition=5)[0] == 3  # UNKNOWN_TOPIC_OR_PARTITION
    assert fetch(port, "fs", 0, 1 << 20, replica_id=1)[0] == 29  # not from clients

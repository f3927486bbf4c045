"""Unit tests of the chaos checker (I1-I9) and the segment reader on synthetic
histories and synthetic segment files; no server needed."""
import struct

import chaos_checker
import chaos_logs
from chaos_checker import check, make_value
from chaos_history import History


def v(seq, pid="p"):
    return make_value(pid, seq).decode()


def ok(p, off, value, t=0):
    return {"name": "producer_send_success", "topic": "chaos", "partition": p, "offset": off,
            "value": value, "timestamp": t}


def base_history(n=6):
    """Records 0..n-1 round-robin over 2 partitions, all acked, drained as acked."""
    h = History()
    events, drain = [], {0: [], 1: []}
    for k in range(n):
        p = k % 2
        off = len(drain[p])
        events.append(ok(p, off, v(k)))
        drain[p].append((off, v(k).encode()))
    h.add_producer("p", events + [{"name": "tool_data", "sent": n, "acked": n}])
    h.drain = drain
    return h


def test_clean_history_passes():
    res = check(base_history())
    assert res["ok"], res
    assert all(res[k] == 0 for k in res if k.startswith("I"))


def test_value_format_round_trips_and_catches_corruption():
    val = make_value("p7", 123)
    assert len(val) == 100
    assert chaos_checker.parse_value(val) == ("p7", 123, True)
    bad = val.replace(b"p7.123", b"p7.124")
    assert chaos_checker.parse_value(bad)[2] is False
    # Kafka's verifiable producer shapes: "<seq>" and "<prefix>.<seq>".
    assert chaos_checker.parse_value("42") == ("", 42, True)
    assert chaos_checker.parse_value("run1.42") == ("run1", 42, True)
    assert chaos_checker.parse_value("7.42") == ("7", 42, True)
    assert chaos_checker.parse_value("k.12.xxxx") == ("k", 12, True)


def test_lost_write_is_counted():
    h = base_history()
    del h.drain[0][1]  # acked record 2 (partition 0 offset 1) never drained
    res = check(h)
    assert res["I1_lost"] == 1 and not res["ok"]
    assert res["I1_lost_on_disk"] == 0
    assert res["examples"]["I1_lost"][0]["offset"] == 1


def test_partitions_the_drain_did_not_finish_are_not_judged():
    h = base_history()
    h.drain[0] = h.drain[0][:1]
    h.drain_incomplete = [0]
    res = check(h)
    assert res["I1_lost"] == 0 and res["unchecked_acked"] == 2 and res["ok"]


def test_lost_write_present_on_a_replica_is_a_delivery_bug():
    h = base_history()
    lost = h.drain[0].pop(1)
    h.replica_values = {2: {0: [lost]}}
    res = check(h)
    assert res["I1_lost"] == 1 and res["I1_lost_on_disk"] == 1


def test_two_values_at_one_offset():
    h = base_history()
    h.drain[1][0] = (0, v(99).encode())  # offset 1/0 acked as record 1, read as another
    res = check(h)
    assert res["I2_inconsistent_offsets"] == 1
    assert res["I1_lost"] == 1  # record 1 itself is gone too
    ex = res["examples"]["I2_inconsistent_offsets"][0]
    assert (ex["partition"], ex["offset"]) == (1, 0)


def test_offset_mismatch():
    h = base_history(4)
    # Acked at offset 0 and 1 of partition 0, but the log holds them swapped... and
    # a second producer's records elsewhere: I3 for both, I4 for the reorder.
    h.drain[0] = [(0, v(2).encode()), (1, v(0).encode())]
    res = check(h)
    assert res["I3_offset_mismatch"] == 2
    assert res["I4_reorder"] == 1


def test_late_client_retry_is_reported_apart():
    # 5 was sent first but its answer came (from a retry) after 6's: the client
    # reordered, not the broker.
    h = History()
    h.add_producer("p", [ok(0, 0, v(6), t=1000), ok(0, 1, v(5), t=2000)])
    h.drain = {0: [(0, v(6)), (1, v(5))]}
    res = check(h)
    assert res["I4_reorder"] == 0 and res["I4_client_retry_reorder"] == 1 and res["ok"]
    # Acked first, yet written after: the broker reordered.
    h.producers["p"] = [ok(0, 0, v(6), t=2000), ok(0, 1, v(5), t=1000)]
    res = check(h)
    assert res["I4_reorder"] == 1 and not res["ok"]


def test_reorder_per_producer_only():
    h = History()
    h.add_producer("a", [ok(0, 0, v(5, "a")), ok(0, 1, v(1, "b")), ok(0, 2, v(6, "a")),
                         ok(0, 3, v(0, "b"))])
    h.drain = {0: [(0, v(5, "a")), (1, v(1, "b")), (2, v(6, "a")), (3, v(0, "b"))]}
    res = check(h)
    assert res["I4_reorder"] == 1  # b: 1 then 0; a's 5, 6 interleaved is fine
    assert res["examples"]["I4_reorder"][0]["offset"] == 3


def test_duplicates_counted_but_not_a_failure():
    # The first attempt of record 0 was written but its answer lost; the retry was
    # acked at offset 1, then record 1 at offset 2.
    h = History()
    h.add_producer("p", [ok(0, 1, v(0)), ok(0, 2, v(1))])
    h.drain = {0: [(0, v(0).encode()), (1, v(0).encode()), (2, v(1).encode())]}
    res = check(h)
    assert res["I6_duplicates"] == 1
    assert res["I4_reorder"] == 0 and res["I3_offset_mismatch"] == 0
    assert res["ok"]


def test_retry_duplicates_are_not_reorders():
    # librdkafka without idempotence: 7 written, its answer lost, 8 written, then the
    # retried batch [7, 8] written again.
    h = History()
    h.add_producer("p", [ok(0, 2, v(7)), ok(0, 3, v(8))])
    h.drain = {0: [(0, v(7)), (1, v(8)), (2, v(7)), (3, v(8))]}
    res = check(h)
    assert res["I4_reorder"] == 0 and res["I6_duplicates"] == 2 and res["ok"]


def test_read_then_lost_and_poll_anomalies():
    h = base_history()
    h.add_consumer("c1", [
        {"name": "record_data", "partition": 0, "offset": 0, "value": v(0)},
        {"name": "record_data", "partition": 0, "offset": 2, "value": v(4)},  # skipped 1
        {"name": "record_data", "partition": 0, "offset": 1, "value": v(2)},  # went back
        {"name": "record_data", "partition": 0, "offset": 2, "value": v(4)},
        {"name": "record_data", "partition": 0, "offset": 3, "value": v(77)},  # uncommitted
        {"name": "offset_reset", "partitions": [{"partition": 0}]},
        {"name": "record_data", "partition": 0, "offset": 0, "value": v(0)},  # after a seek: ok
    ])
    res = check(h)
    assert res["I5_poll_skip"] == 1
    assert res["I5_nonmonotonic_poll"] == 1
    assert res["I8_read_then_lost"] == 1
    assert res["examples"]["I8_read_then_lost"][0]["offset"] == 3


def test_group_member_reading_below_its_committed_offset():
    h = base_history()
    h.add_consumer("g", [
        {"name": "partitions_assigned", "partitions": [{"partition": 0}]},
        {"name": "record_data", "partition": 0, "offset": 0, "value": v(0)},
        {"name": "record_data", "partition": 0, "offset": 1, "value": v(2)},
        {"name": "offsets_committed", "offsets": [{"partition": 0, "offset": 2}],
         "success": True},
        {"name": "partitions_revoked", "partitions": [{"partition": 0}]},
        {"name": "partitions_assigned", "partitions": [{"partition": 0}]},
        {"name": "record_data", "partition": 0, "offset": 2, "value": v(4)},  # fine
        {"name": "partitions_assigned", "partitions": [{"partition": 0}]},
        {"name": "record_data", "partition": 0, "offset": 0, "value": v(0)},  # regress
    ])
    res = check(h)
    assert res["I5_committed_regress"] == 1 and res["I5_nonmonotonic_poll"] == 0


def test_definite_failure_read_later():
    h = base_history(2)
    h.producers["p"].append({"name": "producer_send_error", "partition": 0, "value": v(9),
                             "error": "NOT_ENOUGH_REPLICAS", "definite": True})
    h.producers["p"].append({"name": "producer_send_error", "partition": 0, "value": v(10),
                             "error": "_MSG_TIMED_OUT", "definite": False})
    h.drain[0] += [(1, v(9).encode()), (2, v(10).encode())]
    res = check(h)
    assert res["I7_failed_but_present"] == 1  # the timed-out one is indeterminate
    counts = h.send_counts()
    assert counts == {"attempted": 2, "acked": 2, "failed": 1, "indeterminate": -1} or \
        counts["failed"] == 1
    # Kafka's tool shape, no flag: classified by the exception name.
    assert chaos_checker.is_definite({"exception":
                                      "org.apache.kafka.common.errors.NotEnoughReplicasException"})
    assert not chaos_checker.is_definite({"exception": "org.apache.kafka.common.errors."
                                          "NotEnoughReplicasAfterAppendException"})


# -- segments ------------------------------------------------------------------------

def record(offset_delta, value):
    body = bytes([0]) + zz(0) + zz(offset_delta) + zz(-1) + zz(len(value)) + value + zz(0)
    return zz(len(body)) + body


def zz(n):
    n = (n << 1) ^ (n >> 63)
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def batch(base, epoch, values):
    records = b"".join(record(i, val) for i, val in enumerate(values))
    after_crc = struct.pack(">hiqqqhii", 0, len(values) - 1, 1000, 1000, -1, -1, -1,
                            len(values)) + records
    crc = chaos_logs.crc32c(after_crc)
    length = 4 + 1 + 4 + len(after_crc)
    return struct.pack(">qiibI", base, length, epoch, 2, crc) + after_crc


def test_crc32c_known_vector():
    assert chaos_logs.crc32c(b"123456789") == 0xE3069283


def test_parse_segment_values_and_torn_tail():
    data = batch(0, 0, [b"a", b"bb"]) + batch(2, 1, [b"ccc"])
    batches, torn = chaos_logs.parse_segment(data, with_values=True, check_crc=True)
    assert torn == 0
    assert [(b.base, b.last, b.epoch) for b in batches] == [(0, 1, 0), (2, 2, 1)]
    assert batches[0].values == [b"a", b"bb"] and batches[1].values == [b"ccc"]
    # Cut inside the last batch, or junk appended: the whole batches before it stay.
    cut, torn = chaos_logs.parse_segment(data[:-5])
    assert len(cut) == 1 and torn == len(batch(2, 1, [b"ccc"])) - 5
    junk, torn = chaos_logs.parse_segment(data + b"\x00" * 30 + b"\xff" * 40)
    assert len(junk) == 2 and torn == 70
    flipped = bytearray(data)
    flipped[-1] ^= 1
    bad, torn = chaos_logs.parse_segment(bytes(flipped), check_crc=True)
    assert len(bad) == 1 and torn > 0


def test_divergence_detected_from_replica_files(tmp_path):
    same = batch(0, 0, [b"a", b"b"]) + batch(2, 0, [b"c"])
    other = batch(0, 0, [b"a", b"b"]) + batch(2, 1, [b"X"])  # epoch and bytes differ
    for broker, data in ((0, same), (1, same), (2, other)):
        d = tmp_path / f"logs{broker}" / "chaos-0"
        d.mkdir(parents=True)
        (d / "00000000000000000000.log").write_bytes(data)
    replicas = {b: chaos_logs.read_replica(str(tmp_path / f"logs{b}" / "chaos-0"))[0]
                for b in range(3)}
    h = History()
    h.replica_batches = {0: (3, replicas)}
    res = check(h)
    assert res["I9_divergent_replicas"] == 1
    ex = res["examples"]["I9_divergent_replicas"][0]
    assert ex["broker"] == 2 and ex["first_difference"]["index"] == 1
    # Below an HW of 2 the replicas agree.
    h.replica_batches = {0: (2, replicas)}
    assert check(h)["I9_divergent_replicas"] == 0
    # A replica only missing batches below the HW is behind (liveness), not diverged.
    replicas[1] = replicas[1][:1]
    h.replica_batches = {0: (3, {0: replicas[0], 1: replicas[1]})}
    res = check(h)
    assert res["I9_divergent_replicas"] == 0 and res["I10_replicas_behind"] == 1
    assert not res["ok"]


def test_dump_log_output_parser():
    text = ("Dumping /x/00000000000000000000.log\n"
            "baseOffset: 0 lastOffset: 2 count: 3 baseSequence: -1 lastSequence: -1 "
            "producerId: -1 producerEpoch: -1 partitionLeaderEpoch: 4 isTransactional: false "
            "isControl: false position: 0 CreateTime: 1 size: 90 magic: 2 compresscodec: none "
            "crc: 123456 isvalid: true\n| offset: 0 CreateTime: 1 keySize: -1 valueSize: 1\n")
    rows = chaos_logs.parse_dump_log_output(text)
    assert len(rows) == 1
    assert rows[0]["partitionLeaderEpoch"] == "4" and rows[0]["crc"] == "123456"

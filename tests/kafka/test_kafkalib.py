"""Self-tests of the suite's own helpers (no servers): CRC-32C, record batch
encoding against kafka-python's decoder, and that verify_exact catches loss,
duplicates, reordering and misplacement."""
import pytest

from kafkalib import Rec, crc32c, make_records, record_batch, verify_exact


def test_crc32c_check_value():
    assert crc32c(b"123456789") == 0xE3069283


def test_record_batch_decodes_with_kafka_python():
    from kafka.record.default_records import DefaultRecordBatch
    recs = make_records("x", 3)
    b = DefaultRecordBatch(record_batch(recs))
    assert b.validate_crc()
    got = [(r.key, r.value, [(k, v) for k, v in r.headers]) for r in b]
    assert got == recs


def roundtrip_ok(n=6):
    sent = make_records("t", n)
    got = [Rec(i % 2, i // 2, k, v, h) for i, (k, v, h) in enumerate(sent)]
    placement = {i: (i % 2, i // 2) for i in range(n)}
    return sent, got, placement


def test_verify_exact_accepts_exact_roundtrip():
    sent, got, placement = roundtrip_ok()
    verify_exact(sent, got, marks={0: 3, 1: 3}, placement=placement,
                 batch_reports=[((0, 4), {0: 0, 1: 0}), ((4, 6), {0: 2, 1: 2})])


@pytest.mark.parametrize("damage", ["lose", "dup", "swap", "value", "header", "mark", "place",
                                    "report"])
def test_verify_exact_rejects(damage):
    sent, got, placement = roundtrip_ok()
    marks = {0: 3, 1: 3}
    reports = [((0, 4), {0: 0, 1: 0}), ((4, 6), {0: 2, 1: 2})]
    if damage == "lose":
        got.pop()
    elif damage == "dup":
        got.append(got[0]._replace(offset=3))
    elif damage == "swap":
        got[0], got[2] = got[0]._replace(key=got[2].key, value=got[2].value, headers=got[2].headers), \
            got[2]._replace(key=got[0].key, value=got[0].value, headers=got[0].headers)
    elif damage == "value":
        got[1] = got[1]._replace(value=b"other")
    elif damage == "header":
        got[1] = got[1]._replace(headers=[])
    elif damage == "mark":
        marks[1] = 4
    elif damage == "place":
        placement[0] = (1, 0)
    elif damage == "report":
        reports[1] = ((4, 6), {0: 1, 1: 2})
    with pytest.raises(AssertionError):
        verify_exact(sent, got, marks=marks, placement=placement, batch_reports=reports)

"""Reading replica segment files for the chaos checker (RELIABILITY.md §7.3, I9).

A segment (.log) is a concatenation of Kafka record batches v2 (common/log/FORMAT.md):
baseOffset int64, batchLength int32, partitionLeaderEpoch int32, magic int8, crc uint32
(CRC-32C of everything after it), attributes int16, lastOffsetDelta int32, ... then
recordCount int32 and the records. This module parses the headers (and the values of
uncompressed records) in pure Python, so the checker works without any built tool; when
the `kafka-dump-log` tool exists its output is parsed too and must agree.
"""
import os
import re
import struct
import subprocess

try:  # C extension when present: a 2 MiB segment in milliseconds.
    import crcmod.predefined
    _crc32c_fn = crcmod.predefined.mkCrcFun("crc-32c")
except Exception:  # noqa: BLE001 - fall back to the table below
    _crc32c_fn = None

_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _TABLE.append(_c)


def crc32c(data):
    if _crc32c_fn is not None:
        return _crc32c_fn(data)
    c = 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


HEADER = 61  # bytes before the first record


class Batch:
    __slots__ = ("base", "last", "epoch", "crc", "size", "position", "count", "attributes",
                 "crc_ok", "values")

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw.get(k))

    def key(self):
        """What must match between replicas: offsets, leader epoch, CRC, size."""
        return (self.base, self.last, self.epoch, self.crc, self.size)

    def __repr__(self):
        return (f"Batch(base={self.base}, last={self.last}, epoch={self.epoch}, "
                f"crc={self.crc:#010x}, size={self.size}, pos={self.position})")


def _varint(buf, p):
    v, shift = 0, 0
    while True:
        if p >= len(buf) or shift > 63:
            raise ValueError("truncated varint")
        b = buf[p]
        p += 1
        v |= (b & 0x7F) << shift
        if not b & 0x80:
            return (v >> 1) ^ -(v & 1), p
        shift += 7


def _record_values(body, count):
    """Values (bytes or None) of `count` uncompressed records."""
    out, p = [], 0
    for _ in range(count):
        length, p = _varint(body, p)
        end = p + length
        p += 1  # attributes
        _, p = _varint(body, p)  # timestamp delta
        _, p = _varint(body, p)  # offset delta
        klen, p = _varint(body, p)
        p += max(klen, 0)
        vlen, p = _varint(body, p)
        out.append(None if vlen < 0 else bytes(body[p:p + vlen]))
        p = end
    return out


def parse_segment(data, with_values=False, check_crc=False):
    """(batches, trailing_bytes): every whole batch, stopping at the first one that is
    cut short, has a bad magic or (check_crc) a CRC mismatch; `trailing_bytes` is how
    many bytes after the last good batch were not parsed (a torn tail)."""
    batches, pos, n = [], 0, len(data)
    while pos + HEADER <= n:
        base, length, epoch, magic, crc, attrs, last_delta = struct.unpack_from(
            ">qiibIhi", data, pos)
        size = length + 12
        if magic != 2 or length < HEADER - 12 or pos + size > n:
            break
        crc_ok = None
        if check_crc:
            crc_ok = crc32c(data[pos + 21:pos + size]) == crc
            if not crc_ok:
                break
        count = struct.unpack_from(">i", data, pos + 57)[0]
        b = Batch(base=base, last=base + last_delta, epoch=epoch, crc=crc, size=size,
                  position=pos, count=count, attributes=attrs, crc_ok=crc_ok)
        if with_values and attrs & 0x7 == 0:
            try:
                b.values = _record_values(memoryview(data)[pos + HEADER:pos + size], count)
            except (ValueError, IndexError):
                b.values = None
        batches.append(b)
        pos += size
    return batches, n - pos


def segment_files(partition_dir):
    if not os.path.isdir(partition_dir):
        return []
    return [os.path.join(partition_dir, f) for f in sorted(os.listdir(partition_dir))
            if f.endswith(".log")]


def read_replica(partition_dir, with_values=False, check_crc=False):
    """Every batch of one replica (all segments, in offset order) and the torn bytes
    found at segment ends."""
    batches, torn = [], 0
    for path in segment_files(partition_dir):
        with open(path, "rb") as f:
            data = f.read()
        b, t = parse_segment(data, with_values=with_values, check_crc=check_crc)
        batches += b
        torn += t
    return batches, torn


def byte_position_of(batches, hw):
    """Bytes of the batches wholly below `hw` (for a raw-bytes comparison)."""
    return sum(b.size for b in batches if b.last < hw)


_KV = re.compile(r"(\w+): (\S+)")


def parse_dump_log_output(text):
    """Batch lines of `kafka-dump-log --files ...` (Kafka's shape: 'baseOffset: 0
    lastOffset: 2 ... partitionLeaderEpoch: 0 ... crc: 123 isvalid: true') as dicts."""
    out = []
    for line in text.splitlines():
        if not line.startswith("baseOffset:"):
            continue
        kv = dict(_KV.findall(line))
        out.append(kv)
    return out


def dump_with_tool(tool, partition_dir, timeout=60):
    """Batch key tuples per kafka-dump-log, or None if the tool failed."""
    files = segment_files(partition_dir)
    if not files:
        return []
    r = subprocess.run([tool, "--files", ",".join(files)], capture_output=True, timeout=timeout)
    if r.returncode != 0 and not r.stdout:
        return None
    rows = parse_dump_log_output(r.stdout.decode(errors="replace"))
    keys = []
    for kv in rows:
        try:
            keys.append((int(kv["baseOffset"]), int(kv["lastOffset"]),
                         int(kv.get("partitionLeaderEpoch", -1)),
                         int(kv["crc"]) if "crc" in kv else None))
        except (KeyError, ValueError):
            return None
    return keys

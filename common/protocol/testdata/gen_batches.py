#!/usr/bin/python3
"""Regenerates the record batch fixtures with kafka-python's own batch builder.

Run with Debian's python (/usr/bin/python3) and python3-kafka, python3-snappy,
python3-lz4, python3-zstandard installed:  /usr/bin/python3 gen_batches.py
Each file is one magic-2 batch holding the same three records (see
record_batch_test.cc), compressed with the codec in its name.
"""
import os

from kafka.record.default_records import DefaultRecordBatchBuilder

CODECS = {"none": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4}
BASE_TS = 1700000000000


def build(codec):
    b = DefaultRecordBatchBuilder(
        magic=2, compression_type=codec, is_transactional=False,
        producer_id=-1, producer_epoch=-1, base_sequence=-1, batch_size=1 << 20)
    b.append(0, timestamp=BASE_TS, key=b"k0", value=b"hello", headers=[])
    b.append(1, timestamp=BASE_TS + 5, key=None, value=b"x" * 300,
             headers=[("h1", b"v1"), ("h2", None)])
    b.append(2, timestamp=BASE_TS + 2, key=b"k2", value=None, headers=[])
    return bytes(b.build())


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for name, codec in CODECS.items():
        with open(os.path.join(here, "kafka_python_%s.bin" % name), "wb") as f:
            f.write(build(codec))


if __name__ == "__main__":
    main()

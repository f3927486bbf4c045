"""Our record batches (make_test_batch) decode in kafka-python's DefaultRecordBatch,
CRC included, for every codec whose Python module is installed
(python3-snappy, python3-lz4, python3-zstandard).

Run by Bazel as //common/protocol:batch_interop_test (MAKE_TEST_BATCH points at
the binary), or by hand after `bazel build //common/protocol:make_test_batch`:
/usr/bin/python3 -m pytest common/protocol/test_batch_interop.py
"""
import importlib
import os
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.environ.get("MAKE_TEST_BATCH",
                      os.path.join(REPO, "bazel-bin", "common", "protocol", "make_test_batch"))

CODECS = [("none", None), ("gzip", None), ("snappy", "snappy"), ("lz4", "lz4.frame"),
          ("zstd", "zstandard")]


@pytest.mark.parametrize("codec,module", CODECS)
def test_kafka_python_reads_our_batch(codec, module):
    if module:
        try:
            importlib.import_module(module)
        except ImportError:
            pytest.skip("python module %s not installed" % module)
    from kafka.record.default_records import DefaultRecordBatch

    data = subprocess.run([TOOL, codec], check=True, capture_output=True, timeout=10).stdout
    batch = DefaultRecordBatch(data)
    assert batch.validate_crc()
    assert batch.compression_type == dict(none=0, gzip=1, snappy=2, lz4=3, zstd=4)[codec]
    recs = list(batch)
    assert [r.offset for r in recs] == [0, 1, 2]
    assert [r.timestamp for r in recs] == [1700000000000, 1700000000005, 1700000000002]
    assert [r.key for r in recs] == [b"k0", None, b"k2"]
    assert [r.value for r in recs] == [b"hello", b"x" * 300, None]
    assert recs[1].headers == [("h1", b"v1"), ("h2", None)]

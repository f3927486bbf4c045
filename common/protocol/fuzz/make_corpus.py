#!/usr/bin/python3
"""Seeds the fuzz corpora from the test fixtures (run from this directory).

request/: every kafka-python request body in ../testdata/kafka_python_frames.txt
with a request header v1 in front, plus a flexible ApiVersions v3 and Metadata v9
request. record_batch/: the kafka-python batches, and two of them concatenated.
"""
import os
import struct

from kafka.protocol import admin, commit, fetch, group, metadata, offset, produce

HERE = os.path.dirname(os.path.abspath(__file__))
MODULES = (admin, commit, fetch, group, metadata, offset, produce)


def header(key, version, flexible=False):
    h = struct.pack(">hhi", key, version, 1) + struct.pack(">h", 4) + b"fuzz"
    return h + (b"\x00" if flexible else b"")


def main():
    req_dir = os.path.join(HERE, "corpus", "request")
    with open(os.path.join(HERE, "..", "testdata", "kafka_python_frames.txt")) as f:
        for line in f:
            name, _, hexbody = line.strip().partition(" ")
            if "Request_v" not in name:
                continue
            family, version = name.rsplit("_v", 1)
            cls = next(getattr(m, family) for m in MODULES if hasattr(m, family))
            key = cls[int(version)].API_KEY
            with open(os.path.join(req_dir, name), "wb") as out:
                out.write(header(key, int(version)) + bytes.fromhex(hexbody))
    with open(os.path.join(req_dir, "ApiVersionsRequest_v3"), "wb") as out:
        out.write(header(18, 3, True) + b"\x0blibrdkafka\x062.0.2\x00")
    with open(os.path.join(req_dir, "MetadataRequest_v9"), "wb") as out:
        out.write(header(3, 9, True) + b"\x02\x02t\x00\x01\x00\x00\x00")
    batch_dir = os.path.join(HERE, "corpus", "record_batch")
    blobs = []
    for codec in ("none", "gzip", "snappy", "lz4", "zstd"):
        with open(os.path.join(HERE, "..", "testdata", "kafka_python_%s.bin" % codec), "rb") as f:
            blobs.append(f.read())
        with open(os.path.join(batch_dir, codec), "wb") as out:
            out.write(blobs[-1])
    with open(os.path.join(batch_dir, "two_batches"), "wb") as out:
        out.write(blobs[0] + blobs[1])


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Writes kafka_python_frames.txt: message bodies encoded by kafka-python 2.0.2.

An independent encoder for the classic (non-flexible) versions: every field of
each kafka-python schema is filled with deterministic values, encoded, and
written as "<kafka-python class name> <hex>" lines. messages_test.cc decodes each
with our codec, checks every byte was consumed, and re-encodes byte for byte.
Run with Debian's python: /usr/bin/python3 gen_kafka_python_frames.py
"""
import os

from kafka.protocol import admin, commit, fetch, group, metadata, offset, produce
from kafka.protocol import types as t

# kafka-python family -> (our supported min, max)
FAMILIES = [
    (metadata.MetadataRequest, 0, 9), (metadata.MetadataResponse, 0, 9),
    (produce.ProduceRequest, 3, 7), (produce.ProduceResponse, 3, 7),
    (fetch.FetchRequest, 4, 12), (fetch.FetchResponse, 4, 12),
    (offset.OffsetRequest, 1, 5), (offset.OffsetResponse, 1, 5),
    (admin.ApiVersionRequest, 0, 2), (admin.ApiVersionResponse, 0, 2),
    (admin.CreateTopicsRequest, 2, 4), (admin.CreateTopicsResponse, 2, 4),
    (admin.DeleteTopicsRequest, 1, 3), (admin.DeleteTopicsResponse, 1, 3),
    (admin.DescribeConfigsRequest, 1, 2), (admin.DescribeConfigsResponse, 1, 2),
    (admin.CreatePartitionsRequest, 0, 1), (admin.CreatePartitionsResponse, 0, 1),
    (admin.ListGroupsRequest, 0, 2), (admin.ListGroupsResponse, 0, 2),
    (admin.DescribeGroupsRequest, 0, 4), (admin.DescribeGroupsResponse, 0, 4),
    (commit.GroupCoordinatorRequest, 0, 2), (commit.GroupCoordinatorResponse, 0, 2),
    (commit.OffsetCommitRequest, 2, 5), (commit.OffsetCommitResponse, 2, 5),
    (commit.OffsetFetchRequest, 1, 5), (commit.OffsetFetchResponse, 1, 5),
    (group.JoinGroupRequest, 0, 5), (group.JoinGroupResponse, 0, 5),
    (group.SyncGroupRequest, 0, 3), (group.SyncGroupResponse, 0, 3),
    (group.HeartbeatRequest, 0, 3), (group.HeartbeatResponse, 0, 3),
    (group.LeaveGroupRequest, 0, 2), (group.LeaveGroupResponse, 0, 2),
    (admin.SaslHandShakeRequest, 0, 1), (admin.SaslHandShakeResponse, 0, 1),
    (admin.SaslAuthenticateRequest, 0, 1), (admin.SaslAuthenticateResponse, 0, 1),
]


# kafka-python schemas that disagree with Kafka's JSON (bugs in kafka-python,
# which never sends these versions itself).
KNOWN_BAD = {
    "OffsetRequest_v4": "current_leader_epoch declared Int64, Kafka has int32",
    "OffsetRequest_v5": "current_leader_epoch declared Int64, Kafka has int32",
    "DescribeGroupsResponse_v3": "authorized_operations misplaced outside the group",
    "DescribeGroupsResponse_v4": "authorized_operations misplaced outside the group",
    "GroupCoordinatorResponse_v1": "missing throttle_time_ms",
    "GroupCoordinatorResponse_v2": "missing throttle_time_ms",
}


class Counter:
    n = 0

    def next(self):
        self.n += 1
        return self.n


def is_a(typ, cls):
    return typ is cls or isinstance(typ, cls) or (isinstance(typ, type) and issubclass(typ, cls))


def fill(typ, c):
    if isinstance(typ, t.Schema):
        return tuple(fill(f, c) for f in typ.fields)
    if isinstance(typ, t.Array):
        return [fill(typ.array_of, c) for _ in range(2)]
    if is_a(typ, t.Boolean):
        return True
    if is_a(typ, t.Int8):
        return c.next() % 100
    if is_a(typ, t.Int16) or is_a(typ, t.Int32) or is_a(typ, t.Int64):
        return 1000 + c.next()
    if is_a(typ, t.String):
        return "s%d" % c.next()
    if is_a(typ, t.Bytes):
        return b"b%d" % c.next()
    raise TypeError("unhandled type %r" % (typ,))


def main():
    lines = []
    for family, lo, hi in FAMILIES:
        for v in range(lo, min(hi, len(family) - 1) + 1):
            cls = family[v]
            if cls.__name__ in KNOWN_BAD:
                print("skipping %s: %s" % (cls.__name__, KNOWN_BAD[cls.__name__]))
                continue
            try:
                body = cls.SCHEMA.encode(fill(cls.SCHEMA, Counter()))
            except TypeError as e:  # a few kafka-python schemas cannot encode
                print("skipping %s: %s" % (cls.__name__, e))
                continue
            lines.append("%s %s" % (cls.__name__, bytes(body).hex()))
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "kafka_python_frames.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

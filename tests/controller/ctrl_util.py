"""Helpers for the controller tests: a 3-broker cluster (tests/broker's Cluster),
metadata as every broker sees it (confluent-kafka), and hand-encoded
inter-broker requests (flexible versions) with the optional inter-broker
handshake, to check that client connections are refused (RELIABILITY.md B12).
"""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "broker"))
import broker_cluster  # noqa: E402
import testlib  # noqa: E402

OVERRIDES = {
    "replica.lag.time.max.ms": "10000",
    "controlled.shutdown.retry.backoff.ms": "500",
    "log.segment.bytes": "1048576",
    "offsets.topic.replication.factor": "3",
}


def start_cluster(procs, tmp_path, n=3, overrides=None):
    c = broker_cluster.Cluster(procs, tmp_path)
    c.start_zookeeper()
    o = dict(OVERRIDES)
    o.update(overrides or {})
    for i in range(1, n + 1):
        c.start_broker(i, overrides=o, wait=False)
    for i in range(1, n + 1):
        c.wait_started(i)
    c.overrides = o
    return c


def admin(port):
    from confluent_kafka.admin import AdminClient
    return AdminClient({"bootstrap.servers": f"127.0.0.1:{port}", "socket.timeout.ms": 3000})


def create_topic(port, name, partitions=3, rf=3, configs=None):
    from confluent_kafka.admin import NewTopic
    a = admin(port)
    fs = a.create_topics([NewTopic(name, partitions, rf, config=configs or {})],
                         operation_timeout=10)
    fs[name].result(timeout=15)


def metadata(port, topic, timeout=3):
    """(controller_id, {partition: (leader, replicas, isrs)}, live broker ids) as
    the broker on `port` answers, or None if it does not answer."""
    try:
        md = admin(port).list_topics(topic=topic, timeout=timeout)
    except Exception:
        return None
    t = md.topics.get(topic)
    parts = {}
    if t is not None and t.error is None:
        for p, pm in t.partitions.items():
            parts[p] = (pm.leader, list(pm.replicas), sorted(pm.isrs))
    return md.controller_id, parts, sorted(md.brokers)


def wait_metadata(cluster, brokers, topic, pred, timeout, what):
    """Polls every broker in `brokers` until pred(metadata) holds on all."""
    last = {}

    def ok():
        for b in brokers:
            m = metadata(cluster.port(b), topic)
            last[b] = m
            if m is None or not pred(m):
                return False
        return True
    try:
        testlib.wait_for(ok, timeout, interval=0.1, what=what)
    except Exception:
        raise AssertionError(f"{what}: last seen {last}")
    return last


def fully_replicated(n_parts, n_replicas):
    def pred(m):
        _, parts, _ = m
        return len(parts) == n_parts and all(
            l >= 0 and len(isr) == n_replicas for l, _, isr in parts.values())
    return pred


# -- hand-encoded flexible requests -------------------------------------------

def uvarint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def cstr(s):
    b = s.encode()
    return uvarint(len(b) + 1) + b


def carray(items):
    return uvarint(len(items) + 1) + b"".join(items)


def int32s(v):
    return carray([struct.pack(">i", x) for x in v])


TAGS = b"\x00"


def header_v2(api_key, version, corr, client_id=b"ctrl-test"):
    return struct.pack(">hhi", api_key, version, corr) + struct.pack(">h", len(client_id)) + \
        client_id + TAGS


def leader_and_isr_body(controller_id, controller_epoch, broker_epoch, topic, partition, leader,
                        leader_epoch, isr, replicas, zk_version=0):
    ps = (struct.pack(">iiii", partition, controller_epoch, leader, leader_epoch) + int32s(isr) +
          struct.pack(">i", zk_version) + int32s(replicas) + int32s([]) + int32s([]) + b"\x00" +
          TAGS)
    ts = cstr(topic) + carray([ps]) + TAGS
    return struct.pack(">iiq", controller_id, controller_epoch, broker_epoch) + carray([ts]) + \
        carray([]) + TAGS


def update_metadata_body(controller_id, controller_epoch, broker_epoch, topic, partition, leader,
                         leader_epoch, isr, replicas, zk_version=0):
    ps = (struct.pack(">iiii", partition, controller_epoch, leader, leader_epoch) + int32s(isr) +
          struct.pack(">i", zk_version) + int32s(replicas) + int32s([]) + TAGS)
    ts = cstr(topic) + carray([ps]) + TAGS
    return struct.pack(">iiq", controller_id, controller_epoch, broker_epoch) + carray([ts]) + \
        carray([]) + TAGS


def stop_replica_body(controller_id, controller_epoch, broker_epoch, topic, partition):
    ps = struct.pack(">ii", partition, -2) + b"\x01" + TAGS
    ts = cstr(topic) + carray([ps]) + TAGS
    return struct.pack(">iiq", controller_id, controller_epoch, broker_epoch) + carray([ts]) + TAGS


class Conn:
    """One TCP connection; call() sends a request and returns the response body
    after the header (flexible responses: correlation id + tags)."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.corr = 0

    def close(self):
        self.s.close()

    def call(self, api_key, version, body, flexible=True):
        self.corr += 1
        if flexible:
            hdr = header_v2(api_key, version, self.corr)
        else:
            hdr = struct.pack(">hhi", api_key, version, self.corr) + struct.pack(">h", 9) + \
                b"ctrl-test"
        frame = hdr + body
        self.s.sendall(struct.pack(">i", len(frame)) + frame)
        resp = broker_cluster.read_frame(self.s)
        if resp is None:
            return None
        (corr,) = struct.unpack(">i", resp[:4])
        assert corr == self.corr
        return resp[5:] if flexible else resp[4:]

    def authenticate(self, broker_id, secret):
        """SaslHandshake v1 + SaslAuthenticate v2 with the inter-broker token;
        returns the SaslAuthenticate error code."""
        mech = b"KAFKA-CPP-INTER-BROKER"
        r = self.call(17, 1, struct.pack(">h", len(mech)) + mech, flexible=False)
        (err,) = struct.unpack(">h", r[:2])
        assert err == 0, err
        token = str(broker_id).encode() + b"\x00" + secret.encode()
        r = self.call(36, 2, uvarint(len(token) + 1) + token + TAGS)
        (err,) = struct.unpack(">h", r[:2])
        return err


def error_code(resp):
    return struct.unpack(">h", resp[:2])[0]


def read_secret(zk_port):
    from kazoo.client import KazooClient
    zk = KazooClient(hosts=f"127.0.0.1:{zk_port}/kafka", timeout=10)
    zk.start(timeout=10)
    try:
        data, _ = zk.get("/kafka_cpp/inter_broker_secret")
        return data.decode()
    finally:
        zk.stop()
        zk.close()


def now():
    return time.monotonic()


class AckRecorder:
    """A confluent-kafka producer (acks=all) sending to one partition from a
    thread; records the monotonic time of every acknowledgement and every
    delivery error."""

    def __init__(self, bootstrap, topic, partition):
        import threading
        from confluent_kafka import Producer
        self.p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5,
                           "message.timeout.ms": 30000, "retry.backoff.ms": 50,
                           "topic.metadata.refresh.interval.ms": 1000})
        self.topic, self.partition = topic, partition
        self.acks, self.errors = [], []
        self.running = False
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _cb(self, err, msg):
        if err is not None:
            self.errors.append(str(err))
        else:
            self.acks.append(time.monotonic())

    def _run(self):
        i = 0
        while self.running:
            try:
                self.p.produce(self.topic, value=b"v%d" % i, partition=self.partition,
                               on_delivery=self._cb)
                i += 1
            except BufferError:
                pass
            self.p.poll(0.01)
        self.p.flush(30)

    def start(self):
        self.running = True
        self.thread.start()

    def stop(self):
        self.running = False
        self.thread.join(40)

    def max_gap(self, since):
        ts = [since] + [a for a in self.acks if a >= since]
        return max(b - a for a, b in zip(ts, ts[1:])) if len(ts) > 1 else float("inf")

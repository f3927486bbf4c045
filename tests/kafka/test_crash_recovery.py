"""Crash tests for kafka-server: SIGKILL mid-stream with acks=all loses no
acknowledged record, and a torn or corrupted tail of the active segment is cut
back to the valid prefix on restart (the log-dir layout of common/log/FORMAT.md:
<log.dir>/<topic>-<partition>/00000000000000000000.log)."""
import os
import signal
import subprocess
import sys

import pytest

import testlib
from kafkalib import (create_topic_confluent, kcat, make_records, restart_broker, segment_batches,
                      start_cluster)

# A shorter ZooKeeper session, so the killed broker's registration expires sooner
# (a restart waits for that, see kafkalib.wait_registration_gone).
CRASH_OVERRIDES = {"zookeeper.session.timeout.ms": "3000"}

PRODUCER = r'''
import sys
from confluent_kafka import Producer
bs, topic, out_path = sys.argv[1:4]
p = Producer({"bootstrap.servers": bs, "acks": "all", "linger.ms": 2, "retries": 0,
              "message.timeout.ms": 3000, "socket.timeout.ms": 3000})
out = open(out_path, "w", buffering=1)
def done(err, msg):
    if err is None:
        out.write("%d %d %s\n" % (msg.partition(), msg.offset(), msg.key().decode()))
i = 0
while i < 1000000:
    try:
        p.produce(topic, key=b"key%07d" % i, value=b"value-%07d-" % i + b"x" * 80,
                  on_delivery=done)
        i += 1
    except BufferError:
        p.poll(0.01)
    p.poll(0)
p.flush(10)
'''


def read_all(bs, topic, timeout=60):
    """{(partition, offset): (key, value)} of everything kcat reads from the start."""
    r = kcat("-b", bs, "-C", "-t", topic, "-o", "beginning", "-e", "-q",
             "-f", "%p %o %k %s\n", timeout=timeout)
    assert r.returncode == 0, r.stderr
    out = {}
    for line in r.stdout.decode().splitlines():
        p, o, k, v = line.split(" ")
        out[(int(p), int(o))] = (k, v)
    return out


@pytest.mark.timeout(150)
def test_sigkill_mid_stream_keeps_every_acknowledged_record(procs, tmp_path):
    from kafkalib import skip_unless_built
    skip_unless_built()
    cluster = start_cluster(procs, tmp_path, overrides=CRASH_OVERRIDES)
    bs = cluster.bootstrap()
    topic = "crash"
    create_topic_confluent(bs, topic, 3)
    acked_file = tmp_path / "acked.txt"
    script = tmp_path / "producer.py"
    script.write_text(PRODUCER)
    prod = subprocess.Popen([sys.executable, str(script), bs, topic, str(acked_file)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        testlib.wait_for(lambda: acked_file.exists() and
                         len(acked_file.read_text().splitlines()) > 5000, 60,
                         what="5000 acknowledged records")
        cluster.kill(0, signal.SIGKILL)
    finally:
        # With the broker dead no further acknowledgement can arrive: stop the producer.
        if prod.poll() is None:
            os.kill(prod.pid, signal.SIGKILL)
        prod.wait(timeout=30)
    text = acked_file.read_text()
    acked = [line.split() for line in text[:text.rfind("\n") + 1].splitlines()]
    assert len(acked) > 5000

    restart_broker(cluster)
    stored = read_all(bs, topic)
    lost = []
    for p, o, k in acked:
        got = stored.get((int(p), int(o)))
        i = int(k[3:])
        if got != (k, "value-%07d-" % i + "x" * 80):
            lost.append((p, o, k, got))
    assert not lost, f"{len(lost)} acknowledged record(s) lost or changed, e.g. {lost[:3]}"
    # The stored log is dense and each partition holds its records in send order.
    for p in range(3):
        offs = sorted(o for (q, o) in stored if q == p)
        assert offs == list(range(len(offs))), f"partition {p} has holes"
        keys = [stored[(p, o)][0] for o in offs]
        assert keys == sorted(keys), f"partition {p} out of order"
    # And the restarted broker takes new writes after the recovered end.
    r = kcat("-b", bs, "-P", "-t", topic, "-p", "0", "-K", ":", input=b"after:restart\n")
    assert r.returncode == 0, r.stderr
    again = read_all(bs, topic)
    n0 = len([1 for (q, _) in stored if q == 0])
    assert again[(0, n0)] == ("after", "restart")


TAILS = ["cut_mid_batch", "cut_in_header", "crc_flip_last", "garbage_tail", "zero_tail"]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("damage", TAILS)
def test_torn_tail_is_cut_to_the_valid_prefix(procs, tmp_path, damage):
    from confluent_kafka import Producer
    from kafkalib import skip_unless_built
    skip_unless_built()
    cluster = start_cluster(procs, tmp_path, overrides=CRASH_OVERRIDES)
    bs = cluster.bootstrap()
    topic = "torn"
    create_topic_confluent(bs, topic, 1)
    sent = make_records(topic, 1000)
    producer = Producer({"bootstrap.servers": bs, "acks": "all", "linger.ms": 50})
    for b in range(20):  # 20 sends of 50, flushed one by one: 20 batches of 50 records
        for k, v, h in sent[b * 50:(b + 1) * 50]:
            producer.produce(topic, key=k, value=v, headers=h, partition=0)
        assert producer.flush(30) == 0
    del producer
    cluster.kill(0, signal.SIGKILL)

    seg = os.path.join(cluster.brokers[0]["logdir"], f"{topic}-0", "00000000000000000000.log")
    batches = segment_batches(seg)
    assert sum(b[3] for b in batches) == 1000, batches
    size = os.path.getsize(seg)
    last_pos, last_base, last_size = batches[-1][0], batches[-1][1], batches[-1][2]
    with open(seg, "r+b") as f:
        if damage == "cut_mid_batch":
            f.truncate(last_pos + last_size // 2)
            valid = last_base
        elif damage == "cut_in_header":
            f.truncate(last_pos + 7)
            valid = last_base
        elif damage == "crc_flip_last":
            f.seek(last_pos + last_size - 3)
            byte = f.read(1)
            f.seek(last_pos + last_size - 3)
            f.write(bytes([byte[0] ^ 0x5A]))
            valid = last_base
        elif damage == "garbage_tail":
            f.seek(size)
            f.write(os.urandom(1000))
            valid = 1000
        elif damage == "zero_tail":
            f.seek(size)
            f.write(b"\0" * 4096)
            valid = 1000

    restart_broker(cluster)
    stored = read_all(bs, topic)
    expected = {(0, i): (sent[i][0].decode(), sent[i][1].decode()) for i in range(valid)}
    assert stored == expected, f"served {len(stored)} records, valid prefix is {valid}"
    r = kcat("-b", bs, "-Q", "-t", f"{topic}:0:-1")
    assert r.returncode == 0 and int(r.stdout.decode().split()[-1]) == valid, r.stdout
    # The segment itself was cut back: only whole, valid batches remain.
    batches_after = segment_batches(seg)
    assert os.path.getsize(seg) == sum(b[2] for b in batches_after)
    assert sum(b[3] for b in batches_after) == valid

    # New writes continue right after the valid prefix.
    r = kcat("-b", bs, "-P", "-t", topic, "-p", "0", "-K", ":", input=b"new:record\n")
    assert r.returncode == 0, r.stderr
    again = read_all(bs, topic)
    assert again[(0, valid)] == ("new", "record")
    assert len(again) == valid + 1

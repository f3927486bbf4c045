"""Smoke tests of kafka-server with real, unmodified clients: kcat (librdkafka),
kafka-python, confluent-kafka, kafkajs and @platformatic/kafka (Node)."""
import json
import os
import shutil
import subprocess

import pytest

from broker_cluster import kcat

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NODE_MODULES = os.path.join(REPO, "tests", "node", "node_modules")
N = 1000


def records(prefix):
    return [(f"{prefix}-k{i}".encode(), f"{prefix}-v{i}".encode(), f"h{i}".encode())
            for i in range(N)]


@pytest.mark.timeout(60)
def test_kcat_metadata_autocreate_produce_consume(one_broker):
    bs = one_broker.bootstrap()
    meta = kcat("-b", bs, "-L", "-J")
    assert meta.returncode == 0, meta.stderr
    doc = json.loads(meta.stdout)
    assert [b["id"] for b in doc["brokers"]] == [0]
    lines = "".join(f"key{i}:value{i}\n" for i in range(N))
    p = kcat("-b", bs, "-P", "-t", "kc", "-K:", input=lines.encode())
    assert p.returncode == 0, p.stderr
    c = kcat("-b", bs, "-C", "-t", "kc", "-o", "beginning", "-e", "-f", "%k:%s\n")
    assert c.returncode == 0, c.stderr
    assert c.stdout.decode() == lines


@pytest.mark.timeout(90)
def test_kafka_python_roundtrip_and_admin(one_broker):
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition
    from kafka.admin import ConfigResource, KafkaAdminClient, NewTopic
    bs = one_broker.bootstrap()
    admin = KafkaAdminClient(bootstrap_servers=bs, request_timeout_ms=15000)
    try:
        admin.create_topics([NewTopic("kp", 3, 1, topic_configs={"retention.ms": "600000"})])
        assert "kp" in admin.list_topics()
        res = admin.describe_configs([ConfigResource("TOPIC", "kp")])[0].resources[0]
        configs = {c[0]: c[1] for c in res[4]}
        assert configs["retention.ms"] == "600000"
        assert configs["cleanup.policy"] == "delete"

        producer = KafkaProducer(bootstrap_servers=bs, acks="all")
        sent = records("kp")
        for k, v, h in sent:
            producer.send("kp", key=k, value=v, headers=[("h", h)])
        producer.flush(30)
        producer.close()

        consumer = KafkaConsumer(bootstrap_servers=bs, group_id=None, enable_auto_commit=False,
                                 auto_offset_reset="earliest", consumer_timeout_ms=5000)
        consumer.assign([TopicPartition("kp", p) for p in range(3)])
        got = []
        for m in consumer:
            got.append((m.key, m.value, m.headers[0][1]))
            if len(got) == N:
                break
        consumer.close()
        assert sorted(got) == sorted(sent)

        admin.delete_topics(["kp"], timeout_ms=15000)
        assert "kp" not in admin.list_topics()
    finally:
        admin.close()


@pytest.mark.timeout(90)
def test_confluent_roundtrip_idempotent_compressed_and_admin(one_broker):
    from confluent_kafka import Consumer, Producer, TopicPartition
    from confluent_kafka.admin import AdminClient, NewTopic
    bs = one_broker.bootstrap()
    admin = AdminClient({"bootstrap.servers": bs})
    for f in admin.create_topics([NewTopic("ck", 2, 1)], operation_timeout=15).values():
        f.result()
    errors = []
    producer = Producer({"bootstrap.servers": bs, "enable.idempotence": True,
                         "compression.codec": "lz4", "linger.ms": 5})
    sent = records("ck")
    for k, v, h in sent:
        producer.produce("ck", key=k, value=v, headers=[("h", h)],
                         on_delivery=lambda err, msg: err and errors.append(err))
    assert producer.flush(30) == 0
    assert not errors

    consumer = Consumer({"bootstrap.servers": bs, "group.id": "unused",
                         "enable.auto.commit": False})
    consumer.assign([TopicPartition("ck", p, 0) for p in range(2)])
    got = []
    import time
    deadline = time.monotonic() + 30
    while len(got) < N and time.monotonic() < deadline:
        m = consumer.poll(0.5)
        if m is None or m.error():
            continue
        got.append((m.key(), m.value(), dict(m.headers())["h"]))
    consumer.close()
    assert sorted(got) == sorted(sent)

    for f in admin.delete_topics(["ck"], operation_timeout=15).values():
        f.result()
    assert "ck" not in admin.list_topics(timeout=10).topics


KAFKAJS_SCRIPT = r"""
const { Kafka, logLevel } = require(process.argv[3] + '/kafkajs');
(async () => {
  const kafka = new Kafka({ clientId: 't', brokers: [process.argv[2]], logLevel: logLevel.NOTHING });
  const admin = kafka.admin(); await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'kj', numPartitions: 2 }] });
  const producer = kafka.producer(); await producer.connect();
  const msgs = [];
  for (let i = 0; i < 1000; i++) msgs.push({ key: 'k' + i, value: 'v' + i, headers: { h: 'x' + i } });
  await producer.send({ topic: 'kj', messages: msgs, acks: -1 });
  const offs = await admin.fetchTopicOffsets('kj');
  const total = offs.reduce((s, o) => s + Number(o.high), 0);
  const before = (await admin.listTopics()).includes('kj');
  await admin.deleteTopics({ topics: ['kj'] });
  const after = (await admin.listTopics()).includes('kj');
  await producer.disconnect(); await admin.disconnect();
  console.log(JSON.stringify({ total, before, after }));
})().catch(e => { console.error('ERR', e); process.exit(1); });
"""


def run_node(tmp_path, name, script, *args):
    if shutil.which("node") is None or not os.path.isdir(NODE_MODULES):
        pytest.skip("node or tests/node/node_modules missing")
    path = tmp_path / name
    path.write_text(script)
    env = dict(os.environ, KAFKAJS_NO_PARTITIONER_WARNING="1")
    r = subprocess.run(["node", str(path), *args, NODE_MODULES], capture_output=True,
                       timeout=60, env=env)
    assert r.returncode == 0, r.stderr.decode()
    return json.loads(r.stdout.decode().strip().splitlines()[-1])


@pytest.mark.timeout(90)
def test_kafkajs_admin_and_producer(one_broker, tmp_path):
    out = run_node(tmp_path, "kj.js", KAFKAJS_SCRIPT, one_broker.bootstrap())
    assert out == {"total": N, "before": True, "after": False}


PLATFORMATIC_SCRIPT = r"""
const { Admin, Producer, stringSerializers } =
    await import(process.argv[3] + '/@platformatic/kafka/dist/index.js');
const bs = process.argv[2];
const admin = new Admin({ clientId: 'a', bootstrapBrokers: [bs] });
await admin.createTopics({ topics: ['pl'], partitions: 2, replicas: 1 });
const producer = new Producer({ clientId: 'p', bootstrapBrokers: [bs], serializers: stringSerializers });
const r = await producer.send({ messages: [{ topic: 'pl', key: 'a', value: 'b', partition: 0 },
                                           { topic: 'pl', key: 'c', value: 'd', partition: 1 }] });
const before = (await admin.listTopics()).includes('pl');
await admin.deleteTopics({ topics: ['pl'] });
const after = (await admin.listTopics()).includes('pl');
await producer.close(); await admin.close();
console.log(JSON.stringify({ offsets: r.offsets.length, before, after }));
"""


@pytest.mark.timeout(90)
def test_platformatic_admin_and_producer(one_broker, tmp_path):
    if not os.path.isdir(os.path.join(NODE_MODULES, "@platformatic", "kafka")):
        pytest.skip("@platformatic/kafka not installed")
    out = run_node(tmp_path, "pl.mjs", PLATFORMATIC_SCRIPT, one_broker.bootstrap())
    assert out == {"offsets": 2, "before": True, "after": False}

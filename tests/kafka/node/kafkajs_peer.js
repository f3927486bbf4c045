// kafkajs 2.2.4 as a test peer: `node kafkajs_peer.js <host:port> '<ops JSON>'`.
// Runs the operations in order and prints one JSON line with their results:
//   {op:"create", topic, partitions}        -> true
//   {op:"produce", topic, prefix, n, batch, codec: "none"|"gzip"}
//        -> [{start, end, bases: {partition: baseOffset}}] one entry per send()
//   {op:"delete", topic}                    -> true
//   {op:"list"}                             -> [topic names]
'use strict';
const path = require('path');
const { Kafka, logLevel, CompressionTypes } = require(path.join(process.env.KAFKA_NODE_MODULES, 'kafkajs'));
const { record } = require('./records.js');

const CODECS = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP };

async function main() {
  const kafka = new Kafka({ clientId: 'kafka-tests-kafkajs', brokers: [process.argv[2]],
                            logLevel: logLevel.NOTHING, retry: { retries: 3 } });
  const ops = JSON.parse(process.argv[3]);
  const admin = kafka.admin();
  await admin.connect();
  let producer = null;
  const results = [];
  for (const op of ops) {
    if (op.op === 'create') {
      results.push(await admin.createTopics({ topics: [{ topic: op.topic, numPartitions: op.partitions,
                                                           replicationFactor: 1 }] }));
    } else if (op.op === 'delete') {
      await admin.deleteTopics({ topics: [op.topic] });
      results.push(true);
    } else if (op.op === 'list') {
      results.push(await admin.listTopics());
    } else if (op.op === 'produce') {
      if (!producer) {
        producer = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
        await producer.connect();
      }
      const sends = [];
      for (let start = 0; start < op.n; start += op.batch) {
        const end = Math.min(op.n, start + op.batch);
        const messages = [];
        for (let i = start; i < end; i++) messages.push(record(op.prefix, i));
        const meta = await producer.send({ topic: op.topic, messages, acks: -1,
                                           compression: CODECS[op.codec] });
        const bases = {};
        for (const m of meta) {
          if (m.errorCode !== 0) throw new Error('produce error ' + JSON.stringify(m));
          bases[m.partition] = Number(m.baseOffset);
        }
        sends.push({ start, end, bases });
      }
      results.push(sends);
    } else {
      throw new Error('unknown op ' + op.op);
    }
  }
  if (producer) await producer.disconnect();
  await admin.disconnect();
  console.log(JSON.stringify(results));
}

main().catch((e) => { console.error('ERR', e && e.stack || e); process.exit(1); });

// @platformatic/kafka 1.35.0 as a test peer: `node platformatic_peer.mjs <host:port> '<ops JSON>'`.
// Same operations and output as kafkajs_peer.js; codec: none|gzip|snappy|lz4|zstd.
// acks is set to all (-1) explicitly: the library defaults to 1.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { record } = require('./records.js');
const { Admin, Producer, stringSerializers } =
    await import(path.join(process.env.KAFKA_NODE_MODULES, '@platformatic/kafka/dist/index.js'));

const bs = process.argv[2];
const ops = JSON.parse(process.argv[3]);
const admin = new Admin({ clientId: 'kafka-tests-platformatic-admin', bootstrapBrokers: [bs] });
let producer = null;
const results = [];
try {
  for (const op of ops) {
    if (op.op === 'create') {
      await admin.createTopics({ topics: [op.topic], partitions: op.partitions, replicas: 1 });
      results.push(true);
    } else if (op.op === 'delete') {
      await admin.deleteTopics({ topics: [op.topic] });
      results.push(true);
    } else if (op.op === 'list') {
      results.push(await admin.listTopics());
    } else if (op.op === 'produce') {
      if (!producer) {
        producer = new Producer({ clientId: 'kafka-tests-platformatic', bootstrapBrokers: [bs],
                                  serializers: stringSerializers, acks: -1 });
      }
      const sends = [];
      for (let start = 0; start < op.n; start += op.batch) {
        const end = Math.min(op.n, start + op.batch);
        const messages = [];
        for (let i = start; i < end; i++) messages.push({ topic: op.topic, ...record(op.prefix, i) });
        const opts = { messages, acks: -1 };
        if (op.codec !== 'none') opts.compression = op.codec;
        const r = await producer.send(opts);
        const bases = {};
        for (const o of r.offsets) bases[o.partition] = Number(o.offset);
        sends.push({ start, end, bases });
      }
      results.push(sends);
    } else {
      throw new Error('unknown op ' + op.op);
    }
  }
} catch (e) {
  console.error('ERR', e && e.stack || e, e && e.errors ? JSON.stringify(e.errors, (k, v) => typeof v === 'bigint' ? String(v) : v) : '');
  process.exit(1);
} finally {
  if (producer) await producer.close();
  await admin.close();
}
console.log(JSON.stringify(results));

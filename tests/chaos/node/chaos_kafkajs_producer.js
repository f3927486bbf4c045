// kafkajs 2.2.4 as a verifying producer for the chaos tests:
//   node chaos_kafkajs_producer.js BOOTSTRAP TOPIC OUT PARTITIONS RATE PID
// One sequential send loop per partition (acks=-1, one record per request,
// maxInFlightRequests 1, kafkajs's own retries), values "<PID>.<seq>." padded
// with 'x' to 100 bytes, record k to partition k % PARTITIONS. Writes
// kafka-verifiable-producer JSON lines (producer_send_success / _error with
// "timestamp" = answer time and "sent_ts") to OUT; SIGTERM stops and flushes.
'use strict';
const fs = require('fs');
const path = require('path');
const { Kafka, logLevel } = require(path.join(process.env.KAFKA_NODE_MODULES, 'kafkajs'));

const [bootstrap, topic, outPath, partitionsArg, rateArg, pid] = process.argv.slice(2);
const partitions = Number(partitionsArg);
const perPartitionGapMs = 1000 * partitions / Number(rateArg);
const out = fs.openSync(outPath, 'a');
const emit = (o) => fs.writeSync(out, JSON.stringify(o) + '\n');
let stopping = false;
let sent = 0;
let acked = 0;
process.on('SIGTERM', () => { stopping = true; });

function value(k) {
  const head = `${pid}.${k}.`;
  return head + 'x'.repeat(Math.max(0, 100 - head.length));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function loop(producer, p) {
  let next = Date.now();
  for (let k = p; !stopping; k += partitions) {
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
    next = Math.max(next + perPartitionGapMs, Date.now() - 1000);
    const v = value(k);
    const sentTs = Date.now();
    sent++;
    try {
      const meta = await producer.send({ topic, acks: -1, timeout: 5000,
                                         messages: [{ partition: p, value: v }] });
      const m = meta[0];
      acked++;
      emit({ timestamp: Date.now(), name: 'producer_send_success', key: null, value: v, topic,
             partition: m.partition, offset: Number(m.baseOffset), sent_ts: sentTs });
    } catch (e) {
      const type = (e && (e.type || (e.originalError && e.originalError.type))) || (e && e.name);
      emit({ timestamp: Date.now(), name: 'producer_send_error', key: null, value: v, topic,
             partition: p, exception: e && e.name, message: String(e && e.message),
             error: type, definite: false, sent_ts: sentTs });
    }
  }
}

async function main() {
  const kafka = new Kafka({ clientId: 'chaos-kafkajs', brokers: bootstrap.split(','),
                            logLevel: logLevel.NOTHING, requestTimeout: 5000,
                            retry: { retries: 15, initialRetryTime: 200, maxRetryTime: 2000 } });
  const producer = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1,
                                    metadataMaxAge: 1000 });
  await producer.connect();
  emit({ timestamp: Date.now(), name: 'startup_complete' });
  const loops = [];
  for (let p = 0; p < partitions; p++) loops.push(loop(producer, p));
  await Promise.all(loops);
  emit({ timestamp: Date.now(), name: 'shutdown_complete' });
  emit({ timestamp: Date.now(), name: 'tool_data', sent, acked });
  await producer.disconnect();
  process.exit(0);
}

main().catch((e) => { console.error('ERR', e && e.stack || e); process.exit(1); });

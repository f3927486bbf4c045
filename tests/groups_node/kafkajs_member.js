// A kafkajs 2.2.4 consumer-group member for the group tests:
//   node kafkajs_member.js <host:port> <group> <topic> <sessionTimeoutMs>
// Subscribes from the beginning (used only where the group has no commit), commits
// after every batch (kafkajs's autoCommit default) and prints one JSON line per event:
//   {"ev":"assigned","gen":G,"member":id,"partitions":[...]}  after each SyncGroup
//   {"ev":"msg","p":P,"o":O,"v":value}                        each record
//   {"ev":"commit","offsets":{"P":O,...}}                     each OffsetCommit
//   {"ev":"crash","error":"..."}                              consumer crashed
// SIGTERM disconnects (LeaveGroup) and exits 0; SIGKILL is the abrupt case.
'use strict';
const path = require('path');
const { Kafka, logLevel } = require(path.join(process.env.KAFKA_NODE_MODULES, 'kafkajs'));

const [bootstrap, group, topic, sessionMs] = process.argv.slice(2);
const out = obj => process.stdout.write(JSON.stringify(obj) + '\n');

async function main() {
  const kafka = new Kafka({ clientId: 'groups-kafkajs', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING,
                            retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 1000 } });
  const session = Number(sessionMs);
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: session,
                                    rebalanceTimeout: session + 4000, heartbeatInterval: 500,
                                    maxWaitTimeInMs: 300, retry: { retries: 10 } });
  const ev = consumer.events;
  consumer.on(ev.GROUP_JOIN, e => {
    const parts = (e.payload.memberAssignment[topic] || []).slice().sort((a, b) => a - b);
    out({ ev: 'assigned', gen: e.payload.generationId ?? null, member: e.payload.memberId,
          partitions: parts });
  });
  consumer.on(ev.COMMIT_OFFSETS, e => {
    const offsets = {};
    for (const t of e.payload.topics) {
      for (const p of t.partitions) offsets[p.partition] = Number(p.offset);
    }
    out({ ev: 'commit', offsets });
  });
  consumer.on(ev.CRASH, e => out({ ev: 'crash', error: String(e.payload.error) }));

  let stopping = false;
  process.on('SIGTERM', async () => {
    if (stopping) return;
    stopping = true;
    try { await consumer.disconnect(); } finally { process.exit(0); }
  });

  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      out({ ev: 'msg', p: partition, o: Number(message.offset), v: message.value.toString() });
    },
  });
}

main().catch(e => {
  out({ ev: 'crash', error: String(e && e.stack || e) });
  process.exit(1);
});

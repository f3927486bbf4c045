// An @platformatic/kafka 1.35.0 consumer-group member for the group tests:
//   node platformatic_member.mjs <host:port> <group> <topic> <sessionTimeoutMs> [groupInstanceId]
// Classic group protocol; starts at the committed offsets (earliest where there is
// none) and commits each record it keeps. Prints the same JSON lines as kafkajs_member.js:
//   {"ev":"assigned","gen":G,"member":id,"partitions":[...]}  after each SyncGroup
//   {"ev":"msg","p":P,"o":O,"v":value,"gen":G}                each record kept
//   {"ev":"commit","offsets":{"P":O}}                         each OffsetCommit
//   {"ev":"stale","p":P,"o":O}                                record of a partition not owned
//   {"ev":"crash","error":"..."}                              stream or client error
// The library delivers whatever a fetch returns, also when the fetch was sent before
// a rebalance took the partition away, and its autocommit then commits those offsets
// over the new owner's. Like the Java client, this member drops (and does not
// commit) records of partitions outside its current assignment.
// SIGTERM closes the consumer (LeaveGroup) and exits 0; SIGKILL is the abrupt case.
import path from 'node:path';

const { Consumer, stringDeserializers } =
    await import(path.join(process.env.KAFKA_NODE_MODULES, '@platformatic/kafka/dist/index.js'));

const [bootstrap, group, topic, sessionMs, instanceId] = process.argv.slice(2);
const out = obj => process.stdout.write(JSON.stringify(obj) + '\n');
const session = Number(sessionMs);

const consumer = new Consumer({
  groupId: group, clientId: 'groups-platformatic', bootstrapBrokers: bootstrap.split(','),
  deserializers: stringDeserializers, sessionTimeout: session, rebalanceTimeout: session + 4000,
  heartbeatInterval: 500, maxWaitTime: 300, retries: 10, retryDelay: 200,
  ...(instanceId ? { groupInstanceId: instanceId } : {}),
});
consumer.on('consumer:group:join', p => {
  const mine = (p.assignments || []).filter(a => a.topic === topic);
  const parts = mine.flatMap(a => a.partitions).sort((a, b) => a - b);
  out({ ev: 'assigned', gen: p.generationId ?? null, member: p.memberId, partitions: parts });
});
consumer.on('error', e => out({ ev: 'crash', error: String(e && e.stack || e) }));

let stopping = false;
process.on('SIGTERM', async () => {
  if (stopping) return;
  stopping = true;
  try { await consumer.close(true); } finally { process.exit(0); }
});

try {
  const stream = await consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest',
                                          autocommit: false });
  stream.on('error', e => out({ ev: 'crash', error: String(e && e.stack || e) }));
  stream.on('data', m => {
    const p = m.partition;
    const o = Number(m.offset);
    const owned = (consumer.assignments || []).some(a => a.topic === topic && a.partitions.includes(p));
    if (!owned) {
      out({ ev: 'stale', p, o });
      return;
    }
    out({ ev: 'msg', p, o, v: m.value, gen: m.metadata.consumer.generationId });
    m.commit().then(() => out({ ev: 'commit', offsets: { [p]: o + 1 } }),
                    e => out({ ev: 'commit_error', p, o, error: String(e) }));
  });
} catch (e) {
  out({ ev: 'crash', error: String(e && e.stack || e) });
  process.exit(1);
}

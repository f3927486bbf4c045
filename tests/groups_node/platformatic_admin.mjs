// @platformatic/kafka 1.35.0 Admin calls on consumer groups:
//   node platformatic_admin.mjs <host:port> '<ops JSON>'
// Same operations and output as kafkajs_admin.js, plus
//   {op:"delete_offsets", group, topic, partitions: [p]} -> true            (OffsetDelete)
// ("set" is alterConsumerGroupOffsets: OffsetCommit with generation -1).
import path from 'node:path';

const { Admin } = await import(path.join(process.env.KAFKA_NODE_MODULES, '@platformatic/kafka/dist/index.js'));

const admin = new Admin({ clientId: 'groups-platformatic-admin', bootstrapBrokers: process.argv[2].split(','),
                          retries: 3, retryDelay: 200 });
const results = [];
try {
  for (const op of JSON.parse(process.argv[3])) {
    if (op.op === 'list') {
      const groups = await admin.listGroups();
      results.push([...groups.values()].map(g => ({ group: g.id, protocolType: g.protocolType })));
    } else if (op.op === 'describe') {
      const g = (await admin.describeGroups({ groups: [op.group] })).get(op.group);
      const members = [...g.members.values()].map(m => ({
        clientId: m.clientId, clientHost: m.clientHost,
        partitions: [...(m.assignments?.values() ?? [])].flatMap(a => a.partitions).sort((x, y) => x - y),
      }));
      results.push({ state: g.state, protocol: g.protocol, protocolType: g.protocolType, members });
    } else if (op.op === 'offsets') {
      const [g] = await admin.listConsumerGroupOffsets({ groups: [op.group] });
      const offsets = {};
      for (const t of g.topics) {
        if (t.name !== op.topic) continue;
        for (const p of t.partitions) offsets[p.partitionIndex] = Number(p.committedOffset);
      }
      results.push(offsets);
    } else if (op.op === 'set') {
      const partitionOffsets = Object.entries(op.offsets).map(([p, o]) => ({ partition: Number(p),
                                                                             offset: BigInt(o) }));
      await admin.alterConsumerGroupOffsets({ groupId: op.group, topics: [{ name: op.topic, partitionOffsets }] });
      results.push(true);
    } else if (op.op === 'delete_offsets') {
      await admin.deleteConsumerGroupOffsets({ groupId: op.group,
                                               topics: [{ name: op.topic, partitionIndexes: op.partitions }] });
      results.push(true);
    } else if (op.op === 'delete') {
      await admin.deleteGroups({ groups: [op.group] });
      results.push(true);
    } else {
      throw new Error('unknown op ' + op.op);
    }
  }
} catch (e) {
  console.error('ERR', e && e.stack || e, e && e.errors ? JSON.stringify(e.errors, (k, v) => typeof v === 'bigint' ? String(v) : v) : '');
  process.exit(1);
} finally {
  await admin.close();
}
console.log(JSON.stringify(results));

// kafkajs 2.2.4 admin calls on consumer groups: `node kafkajs_admin.js <host:port> '<ops JSON>'`.
// Runs the operations in order and prints one JSON line with their results:
//   {op:"list"}                              -> [{group, protocolType}]       (ListGroups)
//   {op:"describe", group}                   -> {state, protocol, protocolType,
//        members: [{clientId, clientHost, partitions}]}                     (DescribeGroups)
//   {op:"offsets", group, topic}             -> {partition: offset}          (OffsetFetch)
//   {op:"set", group, topic, offsets: {p: o}} -> true     (OffsetCommit, empty group only)
//   {op:"delete", group}                     -> true                         (DeleteGroups)
'use strict';
const path = require('path');
const { Kafka, logLevel, AssignerProtocol } = require(path.join(process.env.KAFKA_NODE_MODULES, 'kafkajs'));

async function main() {
  const kafka = new Kafka({ clientId: 'groups-kafkajs-admin', brokers: process.argv[2].split(','),
                            logLevel: logLevel.NOTHING, retry: { retries: 3 } });
  const admin = kafka.admin();
  await admin.connect();
  const results = [];
  try {
    for (const op of JSON.parse(process.argv[3])) {
      if (op.op === 'list') {
        const { groups } = await admin.listGroups();
        results.push(groups.map(g => ({ group: g.groupId, protocolType: g.protocolType })));
      } else if (op.op === 'describe') {
        const { groups: [g] } = await admin.describeGroups([op.group]);
        const members = g.members.map(m => {
          const a = m.memberAssignment.length ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment) : null;
          const parts = a ? Object.values(a.assignment).flat().sort((x, y) => x - y) : [];
          return { clientId: m.clientId, clientHost: m.clientHost, partitions: parts };
        });
        results.push({ state: g.state, protocol: g.protocol, protocolType: g.protocolType, members });
      } else if (op.op === 'offsets') {
        const [t] = await admin.fetchOffsets({ groupId: op.group, topics: [op.topic] });
        const offsets = {};
        for (const p of t.partitions) offsets[p.partition] = Number(p.offset);
        results.push(offsets);
      } else if (op.op === 'set') {
        const partitions = Object.entries(op.offsets).map(([p, o]) => ({ partition: Number(p),
                                                                         offset: String(o) }));
        await admin.setOffsets({ groupId: op.group, topic: op.topic, partitions });
        results.push(true);
      } else if (op.op === 'delete') {
        await admin.deleteGroups([op.group]);
        results.push(true);
      } else {
        throw new Error('unknown op ' + op.op);
      }
    }
  } finally {
    await admin.disconnect();
  }
  console.log(JSON.stringify(results));
}

main().catch(e => {
  console.error('ERR', e && e.stack || e);
  process.exit(1);
});

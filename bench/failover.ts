// Failover of a recording node: PostgreSQL, NATS JetStream, an api and N `vigil node` processes
// recording simulated cameras; the node with the most cameras is killed with SIGKILL, and the
// bench measures how long until each of its cameras has a new segment indexed by another node,
// and whether any camera was ever recorded by two nodes at once (overlapping segments).
//   npm run bench:failover -- [--nodes 3] [--cameras 12] [--ttl 10] [--rounds 1]
import { parseArgs } from 'node:util';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { startClusterRig, until } from '../test/helpers/cluster-rig.ts';

const { values } = parseArgs({
  options: { nodes: { type: 'string', default: '3' }, cameras: { type: 'string', default: '12' }, ttl: { type: 'string', default: '10' }, rounds: { type: 'string', default: '1' } },
  strict: true,
});
const nodes = Number(values.nodes);
const cameras = Number(values.cameras);
const ttl = Number(values.ttl);
const rounds = Number(values.rounds);
if (!(nodes >= 2 && cameras >= 1 && ttl >= 1 && rounds >= 1)) throw new Error('--nodes >= 2, --cameras >= 1, --ttl >= 1, --rounds >= 1');

console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GB (${Math.round(freemem() / 2 ** 30)} free), load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const rig = await startClusterRig({ cameras, ttlSeconds: ttl, segmentSeconds: 2 });
const rows: { round: number; victim: string; moved: number; detect_s: number; failover_s: number }[] = [];
let doubles = 0;
try {
  await rig.startApi();
  for (let i = 1; i <= nodes; i++) await rig.startNode(`node-${i}`);
  const assigned = () => rig.view.assignments();
  await until('every camera leased', () => rig.cameras.every((c) => assigned().has(c)), 120_000);
  for (let round = 1; round <= rounds; round++) {
    // settle: every camera recorded by its node, spread out
    await until('cameras spread', () => new Set(assigned().values()).size === Math.min(nodes, cameras), 120_000);
    await until('every camera indexed by its holder', async () => {
      const latest = await rig.latestSegments();
      return rig.cameras.every((c) => latest.some((s) => s.cameraId === c && s.nodeId === assigned().get(c) && Date.now() - s.startMs < 10_000));
    }, 60_000);
    const counts = new Map<string, number>();
    for (const n of assigned().values()) counts.set(n, (counts.get(n) ?? 0) + 1);
    const victim = [...counts].sort((a, b) => b[1] - a[1])[0][0];
    const moved = rig.cameras.filter((c) => assigned().get(c) === victim);
    const killedAt = Date.now();
    await rig.kill(victim);
    const leasedMs = await until('leases moved', () => moved.every((c) => assigned().has(c) && assigned().get(c) !== victim), 120_000, 100);
    await until('moved cameras recorded elsewhere', async () => {
      const latest = await rig.latestSegments();
      return moved.every((c) => latest.some((s) => s.cameraId === c && s.nodeId !== victim && s.startMs >= killedAt));
    }, 120_000, 100);
    // the first new segment's start is when recording resumed; the index write follows within a flush
    const latest = await rig.latestSegments();
    const resumedAt = Math.max(...moved.map((c) => Math.min(...latest.filter((s) => s.cameraId === c && s.nodeId !== victim && s.startMs >= killedAt).map((s) => s.startMs))));
    rows.push({ round, victim, moved: moved.length, detect_s: +(leasedMs / 1000).toFixed(2), failover_s: +((resumedAt - killedAt) / 1000).toFixed(2) });
    // bring the node back for the next round (it waits its old entry out, then takes handed-over cameras)
    await rig.startNode(victim);
  }
  await new Promise((r) => setTimeout(r, 5000));
  doubles = await rig.doubleRecorded();
} finally {
  await rig.stop();
}
console.log('\nround  killed    cameras moved  leases moved (s)  recording again (s)');
for (const r of rows) console.log(`${String(r.round).padEnd(7)}${r.victim.padEnd(10)}${String(r.moved).padEnd(15)}${String(r.detect_s).padEnd(18)}${r.failover_s}`);
console.log(`overlapping segment pairs from two nodes: ${doubles}`);
console.log(`RESULT ${JSON.stringify({ nodes, cameras, ttl_s: ttl, rounds, failover_s: Math.max(...rows.map((r) => r.failover_s)), double_recorded: doubles })}`);

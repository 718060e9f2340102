// Alarms raised on a node while PostgreSQL is out of reach (issue 15): a real PostgreSQL is stopped,
// a node's rule raises two hits of one alarm meanwhile, PostgreSQL comes back, and the control
// room's queue (through the api) shows that alarm once, with both hits, and its screens were told
// once. The same hit delivered again (a redelivery after a crash between write and ack) changes
// nothing. Node and api are whole Vigil processes' worth of parts, started in this process.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startNats, type TestNats } from '../helpers/nats.ts';
import { until } from '../helpers/cluster-rig.ts';
import { validateConfig } from '../../src/core/index.ts';
import { startVigil, type RunningVigil } from '../../src/app/vigil.ts';
import { SnapshotStore, type AlarmChange } from '../../src/events/index.ts';
import { encodePng } from '../../src/media/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-node-alarms-'));
// PostgreSQL's folder, kept across its stop and start (its own: postgres cannot enter `dir`)
const pgDir = mkdtempSync(path.join(tmpdir(), 'vigil-node-alarms-pg-'));
const ADMIN = 'node-alarms-admin-1';
let pgs: TestPostgres | undefined;
let nats: TestNats | undefined;
const running: RunningVigil[] = [];
after(async () => {
  for (const v of running.reverse()) await v.close().catch(() => undefined);
  await pgs?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(pgDir, { recursive: true, force: true });
});

let api: RunningVigil | undefined;
let node: RunningVigil | undefined;
let cookie = '';

test('an alarm raised on a node while PostgreSQL is down reaches the control room\'s queue once it is back, exactly once', async () => {
  pgs = await startPostgres({ keepDir: pgDir });
  const pgPort = Number(new URL(pgs.url).port);
  nats = await startNats();
  const keyFile = path.join(dir, 'secret.key');
  writeFileSync(keyFile, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  const logger = pino({ level: process.env.NODE_ALARMS_LOG ? 'info' : 'silent' });
  const start = async (id: string, role: 'api' | 'node') => {
    const cfg = validateConfig({
      dataDir: path.join(dir, id),
      server: { port: 0 },
      database: { kind: 'postgres', url: pgs!.url },
      cluster: { nodeId: id, natsUrl: nats!.url, capacity: 10, leaseTtlSeconds: 6, secretKeyFile: keyFile },
      // not connected to: the alarm comes from the node's rules, not from a stream
      cameras: role === 'api' ? [{ id: 'yard', name: 'Yard gate', url: 'rtsp://127.0.0.1:9/none', enabled: false }] : [],
    });
    const v = await startVigil(cfg, logger.child({ proc: id }), { role, adminPassword: ADMIN });
    running.push(v);
    return v;
  };
  api = await start('api', 'api');
  node = await start('node-a', 'node');
  const told: AlarmChange[] = [];
  api.bus.subscribe('alarm', (c) => void told.push(c));

  const login = await fetch(`${api.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN }) });
  assert.equal(login.status, 200);
  cookie = login.headers.get('set-cookie')!.split(';')[0];
  type Queue = { alarms: { id: string; cameraId: string; cameraName: string; ruleKind: string; rule: string; hits: number; state: string }[] };
  const queue = async (): Promise<Queue['alarms']> => {
    const res = await fetch(`${api!.url}/api/alarms`, { headers: { cookie } });
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as Queue).alarms;
  };
  assert.deepEqual(await queue(), []);

  // PostgreSQL goes away (a real server stopped, its connections cut); the node's rule fires twice.
  await pgs.stop();
  const hit = (n: number) => node!.events.raise({ kind: 'analytics.zone_intrusion', severity: 'warning', cameraId: 'yard', details: { rule: 'fence', cls: 'person', n } });
  const first = await hit(1);
  const second = await hit(2);
  // the api's ingest meets the outage (and keeps both hits in the stream); nothing is lost meanwhile
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(told.length, 0, 'nothing could be raised while PostgreSQL is down');

  pgs = await startPostgres({ keepDir: pgDir, port: pgPort });
  await until('the alarm in the control room\'s queue', async () => (await queue()).length > 0, 30_000);
  // both hits arrive (the second folds into the first), then nothing more
  await until('both hits folded', async () => (await queue())[0]?.hits === 2, 15_000);
  await new Promise((r) => setTimeout(r, 3000));
  const q = await queue();
  assert.equal(q.length, 1, `one alarm: ${JSON.stringify(q)}`);
  assert.deepEqual([q[0].cameraId, q[0].cameraName, q[0].ruleKind, q[0].rule, q[0].hits, q[0].state], ['yard', 'Yard gate', 'zone_intrusion', 'fence', 2, 'new']);
  assert.deepEqual(told.map((c) => c.change), ['raised', 'folded'], 'the control room\'s screens were told once of each hit');
  assert.deepEqual(told.map((c) => c.hit).sort(), [first.id, second.id].sort());
  const events = await api.store.listEvents({ fromMs: first.ts - 1000, toMs: Date.now() + 1000, cameraId: 'yard', limit: 10 });
  assert.equal(events.filter((e) => e.kind === 'analytics.zone_intrusion').length, 2, 'each hit\'s event stored once');

  // The first hit published again under another message id (past JetStream's duplicate check, as
  // a redelivery after the api crashed between writing and acknowledging): still one alarm, 2 hits.
  const raw = await connect({ servers: nats.url });
  const copy = { alarmHit: { id: 'a-replayed', cameraId: 'yard', ruleKind: 'zone_intrusion', rule: 'fence', priority: 50, eventId: first.id, details: {}, at: first.ts, foldMs: 60_000, steps: [], escalateAfterMs: null, autoCloseMs: null } };
  await jetstream(raw).publish('vigil.events.node-a', JSON.stringify(copy), { msgID: 'replayed-once' });
  await raw.drain();
  await new Promise((r) => setTimeout(r, 3000));
  const again = await queue();
  assert.equal(again.length, 1);
  assert.equal(again[0].hits, 2, 'a hit delivered twice is counted once');
  assert.equal(told.length, 2, 'and not announced again');
});

test('the snapshot of an alarm raised on a node is served through the api from the node\'s disk, its viewing audited', async () => {
  assert.ok(api && node, 'runs after the first test');
  // a picture the node's analytics saved with the hit (its heads already pixelated)
  const rgb = new Uint8Array(16 * 8 * 3).fill(200);
  const snapshots = new SnapshotStore(path.join(dir, 'node-a'));
  const rel = snapshots.newPath('yard', Date.now());
  assert.equal(await snapshots.write(rel, Promise.resolve(encodePng(rgb, 16, 8))), true);
  const e = await node.events.raise({ kind: 'analytics.zone_intrusion', severity: 'warning', cameraId: 'yard', details: { rule: 'gate', cls: 'person', snapshot: rel } });
  type Queue = { alarms: { id: string; rule: string; eventId: string; snapshotUrl: string | null }[] };
  let alarm: Queue['alarms'][number] | undefined;
  await until('the gate alarm in the queue', async () => {
    const q = (await (await fetch(`${api!.url}/api/alarms`, { headers: { cookie } })).json()) as Queue;
    alarm = q.alarms.find((a) => a.eventId === e.id);
    return alarm !== undefined;
  }, 20_000);
  assert.ok(alarm!.snapshotUrl, 'the queue offers its picture');
  const res = await fetch(`${api.url}/api/alarms/${alarm!.id}/snapshot`, { headers: { cookie } });
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get('content-type'), 'image/png');
  assert.match(res.headers.get('x-vigil-node') ?? '', /^127\.0\.0\.1:\d+$/, 'answered by the node');
  const png = Buffer.from(await res.arrayBuffer());
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  const seen = await api.store.queryAudit({ action: 'snapshot.view', cameraId: 'yard', limit: 5 });
  assert.equal(seen.length, 1, 'viewing audited once (by the node, under the viewer\'s name)');
  assert.equal(seen[0].actor, (await api.store.queryAudit({ action: 'login.success', limit: 1 }))[0]?.actor);
  // without a session: refused before anything is looked up
  assert.equal((await fetch(`${api.url}/api/alarms/${alarm!.id}/snapshot`)).status, 401);
});

// Issue 12: the alarm workflow over HTTP in a running Vigil. Alarms are raised the real way (a rule
// hit published on the one bus); the routes answer 409 naming who has the alarm, 400 naming the
// allowed commands, 413 for a 1 MB comment; protect video locks the interval; history filters (site
// too), pages and
// exports CSV (audited); every change arrives on the WebSocket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { signIn, startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { AuthService } from '../../src/access/index.ts';

let v: TestVigil;
before(async () => {
  v = await startTestVigil({ cameras: [{ id: 'cam1', name: 'Gate', url: 'rtsp://127.0.0.1:9/none', enabled: false }] });
  const auth = new AuthService(v.store, { sessionHours: 1, loginMaxFailures: 5, loginWindowSeconds: 60 });
  await auth.createUser('ann', 'operator-pass-1', 'operator', 'test');
  await auth.createUser('bob', 'operator-pass-2', 'operator', 'test');
  await auth.createUser('vera', 'viewer-pass-1', 'viewer', 'test');
});
after(async () => {
  await v?.stop();
});

function req(cookie: string, pathname: string, init: RequestInit & { json?: unknown } = {}) {
  const headers = new Headers(init.headers);
  headers.set('cookie', cookie);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  return fetch(v.url + pathname, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body });
}

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await fn();
    if (r) return r;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** A rule hit as live analytics would publish it. */
async function hit(rule: string, kind = 'zone_intrusion', ts = Date.now()) {
  return v.events.raise({ kind: `analytics.${kind}`, severity: 'warning', cameraId: 'cam1', ts, details: { rule, ruleKind: kind, cls: 'person', box: [0.1, 0.1, 0.3, 0.6] } });
}

test('the operator path over HTTP, live on the socket: ack, take (409 naming the owner), protect, comment limits, resolve', async () => {
  const ann = await signIn(v.url, 'ann', 'operator-pass-1');
  const bob = await signIn(v.url, 'bob', 'operator-pass-2');
  const vera = await signIn(v.url, 'vera', 'viewer-pass-1');
  const ws = new WebSocket(v.url.replace('http', 'ws') + '/api/events/live', { headers: { cookie: bob } });
  const messages: any[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d))));
  await new Promise<void>((res, rej) => (ws.once('open', () => res()), ws.once('error', rej)));

  const e1 = await hit('yard');
  const raised = await until(() => messages.find((m) => m.type === 'alarm' && m.change === 'raised' && m.hit === e1.id), 5000, 'the raised alarm on the socket');
  const id = raised.alarm.id;
  assert.deepEqual([raised.alarm.state, raised.alarm.hits, raised.alarm.cameraName, raised.alarm.priority], ['new', 1, 'Gate', 50]);
  await hit('yard');
  await until(() => messages.find((m) => m.change === 'folded' && m.alarm.id === id && m.alarm.hits === 2), 5000, 'the second hit folded');
  // line crossings are counted, not raised
  await hit('door', 'line_crossing');

  const queue: any = await (await req(ann, '/api/alarms')).json();
  assert.deepEqual(queue.alarms.map((a: any) => [a.id, a.hits]), [[id, 2]]);
  assert.deepEqual(queue.alarms[0].allowed, ['ack', 'take', 'priority', 'snooze', 'comment']);

  assert.equal((await req(vera, `/api/alarms/${id}/take`, { method: 'POST' })).status, 403);
  assert.equal((await req(ann, `/api/alarms/${id}/ack`, { method: 'POST' })).status, 200);
  const [t1, t2] = await Promise.all([req(ann, `/api/alarms/${id}/take`, { method: 'POST' }), req(bob, `/api/alarms/${id}/take`, { method: 'POST' })]);
  const statuses = [t1.status, t2.status].sort();
  assert.deepEqual(statuses, [200, 409]);
  const loser = t1.status === 409 ? t1 : t2;
  const winner = t1.status === 200 ? 'ann' : 'bob';
  const winnerCookie = winner === 'ann' ? ann : bob;
  assert.deepEqual(((await loser.json()) as any).error, { code: 'ALARM_CONFLICT', message: `alarm already taken by ${winner}` });

  const notAllowed = await req(winnerCookie, `/api/alarms/${id}/reopen`, { method: 'POST' });
  assert.equal(notAllowed.status, 400);
  assert.equal(((await notAllowed.json()) as any).error.message, 'cannot reopen an alarm that is in_progress; allowed: release, hold, resolve, step, priority, comment');
  const huge = await req(winnerCookie, `/api/alarms/${id}/comments`, { method: 'POST', json: { text: 'x'.repeat(1024 * 1024) } });
  assert.equal(huge.status, 413);
  const long = await req(winnerCookie, `/api/alarms/${id}/comments`, { method: 'POST', json: { text: 'y'.repeat(5000) } });
  assert.equal(long.status, 413);
  assert.match(((await long.json()) as any).error.message, /at most 4000/);
  assert.equal((await req(winnerCookie, `/api/alarms/${id}/comments`, { method: 'POST', json: { text: 'two people at the gate' } })).status, 200);
  const badOutcome = await req(winnerCookie, `/api/alarms/${id}/resolve`, { method: 'POST', json: { outcome: 'maybe' } });
  assert.equal(badOutcome.status, 400);
  assert.match(((await badOutcome.json()) as any).error.message, /outcome/);

  const protect = await req(winnerCookie, `/api/alarms/${id}/protect`, { method: 'POST', json: { reason: 'case 2026/118', beforeSeconds: 5, afterSeconds: 20 } });
  assert.equal(protect.status, 201);
  const lock = ((await protect.json()) as any).lock;
  const alarmNow = (await v.store.getAlarm(id))!;
  assert.deepEqual([lock.fromMs, lock.toMs], [alarmNow.firstAt - 5000, alarmNow.lastAt + 20_000]);
  assert.equal((await v.store.listEvidenceLocks('cam1')).length, 1);
  assert.equal((await req(winnerCookie, `/api/alarms/${id}/protect`, { method: 'POST', json: { reason: 'x' } })).status, 400);

  const resolved = await req(winnerCookie, `/api/alarms/${id}/resolve`, { method: 'POST', json: { outcome: 'false_alarm' } });
  assert.equal(resolved.status, 200);
  assert.deepEqual([((await resolved.json()) as any).alarm.state, (await v.store.getAlarm(id))!.outcome], ['resolved', 'false_alarm']);
  await until(() => messages.find((m) => m.change === 'resolve' && m.alarm.id === id), 5000, 'the resolve on the socket');
  ws.close();

  const detail: any = await (await req(vera, `/api/alarms/${id}`)).json();
  assert.deepEqual(detail.activity.map((l: any) => l.kind), ['raised', 'ack', 'take', 'comment', 'comment', 'resolve']);
  assert.equal(detail.activity[3].details.text, 'two people at the gate');
  assert.match(detail.activity[4].details.text, /video protected .*case 2026\/118/);
  assert.deepEqual(detail.alarm.allowed, []);
  const audit = (await v.store.listAudit(0, 100_000)).filter((e) => e.details.alarmId === id).map((e) => e.action);
  assert.deepEqual(audit, ['alarm.ack', 'alarm.take', 'alarm.comment', 'evidence.lock', 'alarm.comment', 'alarm.resolve']);
  assert.equal((await req(ann, '/api/alarms/a_nope/ack', { method: 'POST' })).status, 404);
});

test('history: filters, keyset cursor, CSV export audited with its filter and row count', async () => {
  const ann = await signIn(v.url, 'ann', 'operator-pass-1');
  const base = Date.UTC(2026, 0, 5, 8, 0, 0);
  for (let i = 0; i < 12; i++) await hit(`h${i}`, 'dwell', base + i * 1000);
  await until(async () => ((await (await req(ann, `/api/alarms/history?from=${base}&to=${base + 20_000}&limit=500`)).json()) as any).alarms.length === 12, 5000, '12 alarms');
  const seen: string[] = [];
  let url = `/api/alarms/history?from=${base}&to=${base + 20_000}&ruleKind=dwell&limit=5`;
  for (let i = 0; i < 5; i++) {
    const page: any = await (await req(ann, url)).json();
    seen.push(...page.alarms.map((a: any) => a.rule));
    if (!page.next) break;
    url = `/api/alarms/history?from=${base}&to=${base + 20_000}&ruleKind=dwell&limit=5&cursor=${page.next}`;
  }
  assert.deepEqual(seen, Array.from({ length: 12 }, (_, i) => `h${11 - i}`));
  assert.equal((await req(ann, '/api/alarms/history?cursor=garbage')).status, 400);
  assert.equal((await req(ann, `/api/alarms/history?from=${base}&to=${base - 1}`)).status, 400);
  assert.equal((await req(ann, '/api/alarms/history?state=done')).status, 400);
  // by site: cam1 is placed in site s1; an empty site has no alarms; an unknown site is 404
  const now = Date.now();
  await v.store.putSite({ id: 's1', name: 'North gate', kind: 'site', priority: 1, polygon: [[0, 0], [1, 0], [1, 1], [0, 0]], createdAt: now, updatedAt: now });
  await v.store.putSite({ id: 's2', name: 'Empty', kind: 'site', priority: 1, polygon: [[0, 0], [1, 0], [1, 1], [0, 0]], createdAt: now, updatedAt: now });
  await v.store.putCameraPlacements([{ cameraId: 'cam1', lon: 0.5, lat: 0.5, bearing: 0, angle: 60, range: 30, ptz: false, siteId: 's1' }]);
  const inSite: any = await (await req(ann, `/api/alarms/history?site=s1&from=${base}&to=${base + 20_000}&limit=500`)).json();
  assert.equal(inSite.alarms.length, 12);
  assert.deepEqual(((await (await req(ann, `/api/alarms/history?site=s2&from=${base}`)).json()) as any).alarms, []);
  assert.equal((await req(ann, '/api/alarms/history?site=nowhere')).status, 404);
  const byAnn: any = await (await req(ann, '/api/alarms/history?operator=ann&limit=500')).json();
  assert.ok(byAnn.alarms.every((a: any) => a.ack?.by === 'ann' || a.owner?.name === 'ann' || a.resolved?.by === 'ann'));
  assert.deepEqual(((await (await req(ann, '/api/alarms/history?operator=nobody')).json()) as any).alarms, []);

  const csv = await req(ann, `/api/alarms/history.csv?from=${base}&to=${base + 20_000}`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type')!, /^text\/csv/);
  const lines = (await csv.text()).trimEnd().split('\r\n');
  assert.equal(lines.length, 13);
  assert.match(lines[0], /^id,first_at,last_at,camera_id,camera,rule_kind,rule,/);
  assert.match(lines[1], /,2026-01-05T08:00:11\.000Z,.*,cam1,Gate,dwell,h11,80,1,new,/);
  const exp = (await v.store.listAudit(0, 100_000)).filter((e) => e.action === 'alarm.export');
  assert.equal(exp.length, 1);
  assert.equal(exp[0].details.rows, 12);
  assert.deepEqual(exp[0].details.filter, { from: base, to: base + 20_000 });
});

test('not acknowledged in time: the sweep flags it, every operator sees the flag, the supervisors get an escalation', async () => {
  const admin = await signIn(v.url, 'admin', 'admin-password-1');
  const ann = await signIn(v.url, 'ann', 'operator-pass-1');
  const put = await req(admin, '/api/cameras/cam1/analytics', { method: 'PUT', json: { enabled: false, alarms: [{ kind: 'tamper', priority: 5, escalateAfterSeconds: 1, instructions: ['Send a patrol'] }] } });
  assert.equal(put.status, 200);
  const listen = async (cookie: string) => {
    const ws = new WebSocket(v.url.replace('http', 'ws') + '/api/events/live', { headers: { cookie } });
    const got: any[] = [];
    ws.on('message', (d) => got.push(JSON.parse(String(d))));
    await new Promise<void>((res, rej) => (ws.once('open', () => res()), ws.once('error', rej)));
    return { ws, got };
  };
  const sup = await listen(admin);
  const op = await listen(ann);
  const e = await hit('covered', 'tamper');
  const raised = await until(() => op.got.find((m) => m.change === 'raised' && m.hit === e.id), 5000, 'the tamper alarm');
  assert.equal(raised.alarm.priority, 5);
  assert.deepEqual(raised.alarm.steps.map((s: any) => s.text), ['Send a patrol']);
  const esc = await until(() => sup.got.find((m) => m.type === 'escalation' && m.alarm.id === raised.alarm.id), 10_000, 'the escalation to the supervisor');
  assert.ok(esc.alarm.escalatedAt >= raised.alarm.firstAt + 1000);
  await until(() => op.got.find((m) => m.change === 'escalate' && m.alarm.id === raised.alarm.id), 5000, 'the flag on the operator\'s screen');
  assert.equal(op.got.filter((m) => m.type === 'escalation').length, 0, 'an operator is not a supervisor');
  sup.ws.close();
  op.ws.close();
  const audit = (await v.store.listAudit(0, 100_000)).filter((x) => x.action === 'alarm.escalate' && x.details.alarmId === raised.alarm.id);
  assert.deepEqual(audit.map((x) => x.actor), ['system']);
});

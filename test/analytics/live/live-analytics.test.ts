// Live analytics in a running Vigil, fed by a real simulated camera (vtest: real pedestrians)
// through its live fan-out: events land in the store, zone hits raise alarms pushed on the WebSocket with a snapshot
// whose head bands are pixelated; counts, acknowledgement (audited) and permissions over HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { WebSocket } from 'ws';
import { startSimulator, VTEST_AVI_PATH, type Simulator } from './sim.ts';
import { signIn, startTestVigil, type TestVigil } from '../../helpers/vigil-instance.ts';
import { AuthService } from '../../../src/access/index.ts';
import { headBand } from '../../../src/privacy/index.ts';
import { decodePng, neighbourDiff } from './png-decode.ts';

let sim: Simulator;
let v: TestVigil;
const ANALYTICS = {
  enabled: true,
  detector: 'motion',
  fps: 5,
  lines: [{ name: 'middle', p1: [0, 0.55], p2: [1, 0.55] }],
  zones: [{ name: 'plaza', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] }],
};

before(async () => {
  assert.ok(existsSync(VTEST_AVI_PATH), `${VTEST_AVI_PATH} missing: apt-get install opencv-doc`);
  sim = await startSimulator();
  v = await startTestVigil({ cameras: [{ id: 'cam1', name: 'Plaza', url: sim.urls[0], analytics: ANALYTICS }] });
  const auth = new AuthService(v.store, { sessionHours: 1, loginMaxFailures: 5, loginWindowSeconds: 60 });
  await auth.createUser('vera', 'viewer-pass-1', 'viewer', 'test');
  await auth.createUser('otto', 'operator-pass-1', 'operator', 'test');
});
after(async () => {
  await v?.stop();
  await sim?.close();
});

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await fn();
    if (r) return r;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

function req(cookie: string, pathname: string, init: RequestInit & { json?: unknown } = {}) {
  const headers = new Headers(init.headers);
  headers.set('cookie', cookie);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  return fetch(v.url + pathname, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body });
}

test('rule hits become events in the store and arrive on the alarm WebSocket with a head-blurred snapshot', async () => {
  const admin = await signIn(v.url, 'admin', 'admin-password-1');
  const ws = new WebSocket(v.url.replace('http', 'ws') + '/api/events/live', { headers: { cookie: admin, origin: v.url } });
  const messages: any[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d))));
  await new Promise<void>((res, rej) => (ws.once('open', () => res()), ws.once('error', rej)));
  // Hits of the zone fold into one alarm (its first hit's class, which the motion stand-in guesses,
  // may be "car"); the motion stand-in blurs the head band of every box, so any class will do.
  const pushed = await until(() => messages.find((m) => m.type === 'alarm' && m.alarm.box && m.alarm.snapshotUrl), 40_000, 'an alarm (raised or folded) on the WebSocket');
  ws.close();
  assert.equal(pushed.alarm.cameraId, 'cam1');
  assert.equal(pushed.alarm.cameraName, 'Plaza');
  assert.equal(pushed.alarm.detector, 'motion');
  // Line crossings are counted, not alarms (no rule says otherwise here): the alarm is the zone's.
  assert.equal(pushed.alarm.ruleKind, 'zone_intrusion');

  const stored = await v.store.getEvent(pushed.alarm.eventId);
  assert.ok(stored, 'the pushed alarm is in the store');
  assert.equal(stored.kind, 'analytics.' + pushed.alarm.ruleKind);
  const d = stored.details as any;
  assert.equal(typeof d.trackId, 'number');
  assert.equal(d.box.length, 4);
  assert.match(d.snapshot, /^snapshots\/cam1\/\d+-\w+\.png$/);
  assert.ok(Math.abs(stored.ts - Date.now()) < 60_000);

  const list: any = await (await req(admin, '/api/alarms?limit=500')).json();
  assert.ok(list.alarms.some((a: any) => a.id === pushed.alarm.id));
  assert.ok(list.alarms.every((a: any, i: number) => i === 0 || list.alarms[i - 1].priority < a.priority || (list.alarms[i - 1].priority === a.priority && list.alarms[i - 1].firstAt >= a.firstAt)), 'most urgent first, then newest');
  assert.ok(list.alarms.every((a: any) => a.ruleKind !== 'line_crossing'), 'no line crossing raised an alarm');
  assert.equal(list.detectors.cam1, 'motion');

  // The snapshot: fetching it is audited; the head band of each person box is pixelated.
  const auditBefore = (await v.store.listAudit(0, 10_000)).length;
  const res = await req(admin, pushed.alarm.snapshotUrl);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  const img = decodePng(Buffer.from(await res.arrayBuffer()));
  const audit = await v.store.listAudit(0, 10_000);
  assert.equal(audit.length, auditBefore + 1);
  assert.equal(audit.at(-1)!.action, 'snapshot.view');
  assert.equal(audit.at(-1)!.details.alarmId, pushed.alarm.id);

  const band = headBand(d.box, img.width, img.height);
  const boxPx = { x: Math.round(d.box[0] * img.width), w: Math.round((d.box[2] - d.box[0]) * img.width) };
  const body = { x: boxPx.x, y: band.y + band.h, w: boxPx.w, h: Math.round(d.box[3] * img.height) - (band.y + band.h) };
  assert.ok(band.h >= 4 && body.h >= 4, `box big enough to compare: ${JSON.stringify({ band, body })}`);
  const inside = neighbourDiff(img, band);
  const outside = neighbourDiff(img, body);
  assert.ok(inside < outside * 0.5, `head band detail ${inside.toFixed(2)} should be far below the body's ${outside.toFixed(2)}`);
});

test('acknowledging is audited once, pushed live, refused to a viewer; the second operator is told who was first', async () => {
  const admin = await signIn(v.url, 'admin', 'admin-password-1');
  const operator = await signIn(v.url, 'otto', 'operator-pass-1');
  const viewer = await signIn(v.url, 'vera', 'viewer-pass-1');
  const alarm: any = await until(async () => ((await (await req(admin, '/api/alarms?limit=1')).json()) as any).alarms[0], 30_000, 'an alarm');
  const ws = new WebSocket(v.url.replace('http', 'ws') + '/api/events/live', { headers: { cookie: viewer } });
  const messages: any[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d))));
  await new Promise<void>((res, rej) => (ws.once('open', () => res()), ws.once('error', rej)));

  assert.equal((await req(viewer, `/api/alarms/${alarm.id}/ack`, { method: 'POST' })).status, 403);
  const r = await req(operator, `/api/alarms/${alarm.id}/ack`, { method: 'POST' });
  assert.equal(r.status, 200);
  const body: any = await r.json();
  assert.equal(body.alarm.ack.by, 'otto');
  const second = await req(admin, `/api/alarms/${alarm.id}/ack`, { method: 'POST' });
  assert.equal(second.status, 409);
  assert.equal(((await second.json()) as any).error.message, 'alarm already acknowledged by otto');
  const acks = (await v.store.listAudit(0, 10_000)).filter((a) => a.action === 'alarm.ack');
  assert.equal(acks.length, 1, 'the second acknowledgement changes nothing and is not audited');
  assert.equal(acks[0].details.alarmId, alarm.id);
  const user = await v.store.getUserByName('otto');
  assert.equal(acks[0].actor, user!.id);
  const pushed = await until(() => messages.find((m) => m.type === 'alarm' && m.change === 'ack' && m.alarm.id === alarm.id), 5000, 'the ack on the WebSocket');
  assert.equal(pushed.alarm.ack.by, 'otto');
  assert.deepEqual(pushed.alarm.allowed, [], 'a viewer is offered nothing to do');
  ws.close();
  const listed = ((await (await req(viewer, '/api/alarms?limit=500')).json()) as any).alarms.find((a: any) => a.id === alarm.id);
  assert.equal(listed.ack.by, 'otto');
  assert.equal((await req(admin, '/api/alarms/evt_doesnotexist/ack', { method: 'POST' })).status, 404);
});

test('only an admin reads or changes analytics settings; changes are validated and audited', async () => {
  const admin = await signIn(v.url, 'admin', 'admin-password-1');
  const viewer = await signIn(v.url, 'vera', 'viewer-pass-1');
  const operator = await signIn(v.url, 'otto', 'operator-pass-1');
  assert.equal((await req(viewer, '/api/cameras/cam1/analytics', { method: 'PUT', json: ANALYTICS })).status, 403);
  assert.equal((await req(operator, '/api/cameras/cam1/analytics', { method: 'PUT', json: ANALYTICS })).status, 403);
  assert.equal((await req(viewer, '/api/cameras/cam1/analytics')).status, 403);
  const got: any = await (await req(admin, '/api/cameras/cam1/analytics')).json();
  assert.equal(got.settings.enabled, true);
  assert.equal(got.settings.lines[0].name, 'middle');
  assert.equal(got.detector, 'motion');
  // the settings in force: nothing stored, no crowd rule → the defaults, whole frame squeezed
  assert.equal(got.detection.inputSize, 320);
  assert.equal(got.detection.tiles, false);
  const bad = await req(admin, '/api/cameras/cam1/analytics', { method: 'PUT', json: { ...ANALYTICS, lines: [{ name: 'x', p1: [0, 2], p2: [1, 1] }] } });
  assert.equal(bad.status, 400);
  const dwellBad = await req(admin, '/api/cameras/cam1/analytics', { method: 'PUT', json: { ...ANALYTICS, dwell: [{ zone: 'nowhere', seconds: 5 }] } });
  assert.equal(dwellBad.status, 400);
  assert.equal((await req(admin, '/api/cameras/nope/analytics', { method: 'PUT', json: ANALYTICS })).status, 404);
  const before = (await v.store.listAudit(0, 10_000)).filter((a) => a.action === 'analytics.update').length;
  const put = await req(admin, '/api/cameras/cam1/analytics', { method: 'PUT', json: { ...ANALYTICS, fps: 4 } });
  assert.equal(put.status, 200);
  assert.equal(((await put.json()) as any).settings.fps, 4);
  const after = (await v.store.listAudit(0, 10_000)).filter((a) => a.action === 'analytics.update');
  assert.equal(after.length, before + 1);
  assert.equal(after.at(-1)!.cameraId, 'cam1');
  assert.equal((await v.store.getCameraAnalytics('cam1'))!.settings.fps, 4);

  // detector settings: refused with the field named, stored and answered with the cost per frame
  const sizeBad = await req(admin, '/api/cameras/cam1/analytics', { method: 'PUT', json: { ...ANALYTICS, detection: { inputSize: 300 } } });
  assert.equal(sizeBad.status, 400);
  assert.match(JSON.stringify(await sizeBad.json()), /inputSize/);
  const orderBad = await req(admin, '/api/cameras/cam1/analytics', { method: 'PUT', json: { ...ANALYTICS, detection: { classes: { person: { low: 0.6, start: 0.5 } } } } });
  assert.equal(orderBad.status, 400);
  assert.match(JSON.stringify(await orderBad.json()), /detection\.classes\.person/);
  const areaBad = await req(admin, '/api/cameras/cam1/analytics', { method: 'PUT', json: { ...ANALYTICS, crowd: [{ name: 'c', polygon: [[0, 0], [1, 0], [1, 1]], threshold: 4, unit: 'persons/m2' }] } });
  assert.equal(areaBad.status, 400);
  assert.match(JSON.stringify(await areaBad.json()), /areaM2/);
  assert.equal((await v.store.getCameraAnalytics('cam1'))!.settings.fps, 4, 'a refused change loses nothing');
  const det = await req(admin, '/api/cameras/cam1/analytics', { method: 'PUT', json: { ...ANALYTICS, fps: 4, detection: { inputSize: 416, tiles: false } } });
  assert.equal(det.status, 200);
  assert.deepEqual(((await det.json()) as any).settings.detection, { inputSize: 416, tiles: false });
  const withCost: any = await until(async () => {
    const g: any = await (await req(admin, '/api/cameras/cam1/analytics')).json();
    return g.cost ? g : undefined;
  }, 20_000, 'a cost per analysed frame');
  assert.equal(typeof withCost.cost.inferencesPerFrame, 'number');
  assert.ok(withCost.cost.units320PerFrame >= withCost.cost.inferencesPerFrame * (416 / 320) ** 2 - 1e-6, 'runs at 416 count 1.69 units each');
  assert.deepEqual({ inputSize: withCost.detection.inputSize, tiles: withCost.detection.tiles }, { inputSize: 416, tiles: false }, 'the running pipeline\'s settings');
});

test('a crowd rule in persons/m² needs the zone\'s area: typed in, or from the camera\'s calibration', async () => {
  const admin = await signIn(v.url, 'admin', 'admin-password-1');
  const whole: [number, number][] = [[0, 0], [1, 0], [1, 1], [0, 1]];
  const perM2 = { ...ANALYTICS, crowd: [{ name: 'square', polygon: whole, threshold: 4, unit: 'persons/m2' }] };
  await req(admin, '/api/cameras/cam1/calibration', { method: 'DELETE' });
  const refused = await req(admin, '/api/cameras/cam1/analytics', { method: 'PUT', json: perM2 });
  assert.equal(refused.status, 400);
  assert.match(JSON.stringify(await refused.json()), /areaM2.*calibrated camera/);
  // seen straight down, the image is 20 m by 10 m of ground
  const points = [[0, 0, 0, 0], [1, 0, 20, 0], [1, 1, 20, 10], [0, 1, 0, 10], [0.5, 0.5, 10, 5]].map(([u, vv, x, y]) => ({ image: [u, vv], ground: [x, y] }));
  const cal = await req(admin, '/api/cameras/cam1/calibration', { method: 'PUT', json: { points } });
  assert.equal(cal.status, 200, await cal.text());
  const { crowdGroundArea } = await import('../../../src/app/crowd-ground-area.ts');
  const area = await crowdGroundArea(v.store)('cam1', whole);
  assert.ok(area !== null && Math.abs(area - 200) < 0.5, `ground area ${area}`);
  assert.equal(await crowdGroundArea(v.store)('nope', whole), null);
  const accepted = await req(admin, '/api/cameras/cam1/analytics', { method: 'PUT', json: perM2 });
  const acceptedBody = await accepted.text();
  assert.equal(accepted.status, 200, acceptedBody);
  // a camera counting people gets tiles and the people thresholds that go with them
  const inForce = JSON.parse(acceptedBody).detection;
  assert.deepEqual(inForce.tiles, { rows: 1 });
  assert.deepEqual(inForce.classes.person, { low: 0.2, high: 0.4, start: 0.5 });
  // stored as given (the area follows the calibration when it changes)
  assert.equal(((await v.store.getCameraAnalytics('cam1'))!.settings as any).crowd[0].areaM2, undefined);
});

test('counts API: stored per-minute counts regrouped per bucket, and live crossings counted', async () => {
  const admin = await signIn(v.url, 'admin', 'admin-password-1');
  const m0 = Date.UTC(2026, 0, 1, 10, 0);
  await v.store.addLineCounts([
    { cameraId: 'cam1', line: 'gate', minuteMs: m0, cls: 'person', direction: 'positive', n: 3 },
    { cameraId: 'cam1', line: 'gate', minuteMs: m0 + 60_000, cls: 'person', direction: 'positive', n: 4 },
    { cameraId: 'cam1', line: 'gate', minuteMs: m0 + 120_000, cls: 'car', direction: 'negative', n: 1 },
    { cameraId: 'cam1', line: 'other', minuteMs: m0, cls: 'person', direction: 'positive', n: 9 },
  ]);
  const r: any = await (await req(admin, `/api/cameras/cam1/counts?line=gate&from=${m0}&to=${m0 + 180_000}&bucket=120`)).json();
  assert.deepEqual(r.buckets, [
    { from: m0, line: 'gate', cls: 'person', direction: 'positive', n: 7 },
    { from: m0 + 120_000, line: 'gate', cls: 'car', direction: 'negative', n: 1 },
  ]);
  assert.equal((await req(admin, `/api/cameras/cam1/counts?from=${m0}&to=${m0 - 1}`)).status, 400);

  // Live: once someone has crossed (the camera may have run only a few seconds so far), stop
  // analysing, flush, and the stored counts equal the crossing events.
  await until(async () => (await v.store.listEvents({ fromMs: 0, toMs: Date.now(), cameraId: 'cam1', kind: 'analytics.line_crossing', limit: 1 })).length > 0, 60_000, 'a pedestrian crossing the middle line');
  assert.equal((await req(admin, '/api/cameras/cam1/analytics', { method: 'PUT', json: { ...ANALYTICS, enabled: false } })).status, 200);
  await v.analytics.recorder.flush();
  const crossings = await v.store.listEvents({ fromMs: 0, toMs: Date.now(), cameraId: 'cam1', kind: 'analytics.line_crossing', limit: 100_000 });
  const live: any = await (await req(admin, `/api/cameras/cam1/counts?line=middle&from=${Date.now() - 600_000}&bucket=600`)).json();
  const total = live.buckets.reduce((s: number, b: any) => s + b.n, 0);
  assert.equal(total, crossings.length);
  assert.ok(total > 0, 'pedestrians crossed the middle line');
});

test('the alarm WebSocket refuses strangers and other origins', async () => {
  const admin = await signIn(v.url, 'admin', 'admin-password-1');
  const status = (headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(v.url.replace('http', 'ws') + '/api/events/live', { headers });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => (ws.close(), resolve(101)));
      ws.on('error', () => undefined);
    });
  assert.equal(await status({}), 401);
  assert.equal(await status({ cookie: admin, origin: 'https://evil.example' }), 403);
  assert.equal(await status({ cookie: admin }), 101);
});

// Drawing on a still, through a whole running Vigil fed by a simulated camera (vtest: real
// pedestrians): the still is a PNG of the camera now (audited); a zone that crosses itself or has
// too few points is refused naming the field and nothing is stored; a calibration is checked
// without being stored; and a preview re-analyses the recording of the last minutes with draft
// rules: a zone where people walk has hits with times inside the recording and pictures, a zone
// in a corner where nothing moves has none.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startSimulator, VTEST_AVI_PATH, type Simulator } from '../analytics/live/sim.ts';
import { startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { AuthService } from '../../src/access/index.ts';
import { decodePng } from '../analytics/live/png-decode.ts';

let sim: Simulator;
let v: TestVigil;
const json = async (r: Response) => (await r.json()) as any;
const BOWTIE = [[0.1, 0.1], [0.5, 0.5], [0.5, 0.1], [0.1, 0.5]];

before(async () => {
  assert.ok(existsSync(VTEST_AVI_PATH), `${VTEST_AVI_PATH} missing: apt-get install opencv-doc`);
  sim = await startSimulator();
  v = await startTestVigil({ recording: { segmentSeconds: 4 }, cameras: [{ id: 'cam1', name: 'Plaza', url: sim.urls[0] }, { id: 'dark', name: 'Dark', url: 'rtsp://127.0.0.1:9/x', enabled: false }] });
  const auth = new AuthService(v.store, { sessionHours: 1, loginMaxFailures: 5, loginWindowSeconds: 60 });
  await auth.createUser('second', 'other-admin-pw-1', 'admin', 'test');
  assert.equal((await v.login('admin', 'admin-password-1')).status, 200);
});
after(async () => {
  await v?.stop();
  await sim?.close();
});

test('the still is a picture of the camera now, and looking at it is audited', async () => {
  // A camera still connecting has no picture to give (409 NO_PICTURE, as for an offline one): wait until it sends.
  const end = Date.now() + 30_000;
  while ((await json(await v.http('/api/cameras/cam1'))).camera.status.state !== 'online') {
    assert.ok(Date.now() < end, 'the simulated camera did not come online');
    await new Promise((res) => setTimeout(res, 200));
  }
  const r = await v.http('/api/cameras/cam1/still');
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal(r.headers.get('content-type'), 'image/png');
  const png = decodePng(Buffer.from(await r.arrayBuffer()));
  // The camera's own picture size (under the 1280 px cap), as its status reports it.
  const status = (await json(await v.http('/api/cameras/cam1'))).camera.status;
  assert.equal(png.width, Math.min(1280, status.width));
  assert.ok(Math.abs(png.height - (status.height * png.width) / status.width) <= 2, `${png.width}×${png.height} for ${status.width}×${status.height}`);
  let lo = 255, hi = 0;
  for (let i = 0; i < png.rgb.length; i += 997) { lo = Math.min(lo, png.rgb[i]); hi = Math.max(hi, png.rgb[i]); }
  assert.ok(hi - lo > 60, `a real picture, not a flat one (${lo}..${hi})`);
  const audit = await v.store.listAudit(0, 1000);
  assert.ok(audit.some((a) => a.action === 'snapshot.view' && a.cameraId === 'cam1' && (a.details as any)?.via === 'still'));
  assert.equal((await v.http('/api/cameras/nope/still')).status, 404);
  // A camera that sends nothing now: said at once (409 NO_PICTURE), not after a wait.
  const t0 = Date.now();
  const dark = await v.http('/api/cameras/dark/still');
  assert.equal(dark.status, 409);
  assert.equal((await json(dark)).error.code, 'NO_PICTURE');
  assert.ok(Date.now() - t0 < 2000);
});

test('a zone that crosses itself or has too few points is refused naming the field; nothing is stored', async () => {
  const crossing = await v.http('/api/cameras/cam1/analytics', { method: 'PUT', json: { zones: [{ name: 'bow', polygon: BOWTIE }] } });
  assert.equal(crossing.status, 400);
  const body = await json(crossing);
  assert.equal(body.error.code, 'BAD_REQUEST');
  assert.match(body.error.message, /zones\/0\/polygon: the polygon crosses itself/);
  const two = await v.http('/api/cameras/cam1/analytics', { method: 'PUT', json: { zones: [{ name: 'thin', polygon: [[0.1, 0.1], [0.5, 0.5]] }] } });
  assert.equal(two.status, 400);
  assert.match((await json(two)).error.message, /zones\/0\/polygon/);
  const mask = await v.http('/api/cameras/cam1/analytics', { method: 'PUT', json: { masks: [{ polygon: BOWTIE }] } });
  assert.equal(mask.status, 400);
  assert.match((await json(mask)).error.message, /masks\/0\/polygon: the polygon crosses itself/);
  const twice = await v.http('/api/cameras/cam1/analytics', { method: 'PUT', json: { lines: [{ name: 'A', p1: [0, 0.5], p2: [1, 0.5] }, { name: 'A', p1: [0, 0.6], p2: [1, 0.6] }] } });
  assert.equal(twice.status, 400);
  assert.equal(await v.store.getCameraAnalytics('cam1'), null);
  // A valid one with a schedule and a mask is kept as sent.
  const ok = await v.http('/api/cameras/cam1/analytics', { method: 'PUT', json: { zones: [{ name: 'night', polygon: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]], schedule: [{ from: 1320, to: 360 }] }], masks: [{ name: 'tree', polygon: [[0, 0], [0.2, 0], [0.2, 0.2]] }] } });
  assert.equal(ok.status, 200, await ok.clone().text());
  const settings = (await json(ok)).settings;
  assert.deepEqual(settings.zones[0].schedule, [{ from: 1320, to: 360 }]);
  assert.equal(settings.masks.length, 1);
});

test('a calibration is checked without being stored; collinear points are refused with the reason', async () => {
  const points = [
    { image: [0.3, 0.9], ground: [0, 0] }, { image: [0.7, 0.9], ground: [7, 0] },
    { image: [0.42, 0.5], ground: [0, 20] }, { image: [0.58, 0.5], ground: [7, 20] },
  ];
  const r = await v.http('/api/cameras/cam1/calibration/check', { method: 'POST', json: { points } });
  assert.equal(r.status, 200, await r.clone().text());
  const cal = (await json(r)).calibration;
  assert.ok(cal.rmsImage < 1e-4, `four points fit exactly (${cal.rmsImage})`);
  assert.ok(cal.grid.lines.length > 4);
  assert.equal(await v.store.getCameraCalibration('cam1'), null);
  const line = points.map((p, i) => ({ image: [0.1 + 0.2 * i, 0.2 + 0.2 * i], ground: p.ground }));
  const bad = await v.http('/api/cameras/cam1/calibration/check', { method: 'POST', json: { points: line } });
  assert.equal(bad.status, 400);
  const b = await json(bad);
  assert.equal(b.error.code, 'DEGENERATE_CALIBRATION');
  assert.match(b.error.message, /line/);
});

test('a preview re-analyses the last minutes: hits where people walk, none in an empty corner', async () => {
  // Enough recording to see people walk (segments of 4 s, indexed when closed).
  const end = Date.now() + 60_000;
  for (;;) {
    const segs = await v.store.listSegments('cam1', Date.now() - 120_000, Date.now(), 100);
    if (segs.reduce((s, x) => s + (x.endMs - x.startMs), 0) >= 16_000) break;
    if (Date.now() > end) throw new Error('no 16 s of recording within a minute');
    await new Promise((res) => setTimeout(res, 500));
  }
  const settings = {
    detector: 'motion', fps: 5,
    zones: [{ name: 'walkway', polygon: [[0, 0.3], [1, 0.3], [1, 1], [0, 1]] }, { name: 'corner', polygon: [[0, 0], [0.06, 0], [0.06, 0.06], [0, 0.06]] }],
    alarms: [{ rule: 'corner', raise: false }],
  };
  const t0 = Date.now();
  const r = await v.http('/api/cameras/cam1/analytics/preview', { method: 'POST', json: { settings, minutes: 2 } });
  console.log(`# preview: ${Date.now() - t0} ms wall for the answer`);
  assert.equal(r.status, 200, await r.clone().text());
  const p = await json(r);
  console.log(`# preview: ${p.frames} frames, ${p.seconds} s of recording, ${p.width}×${p.height}, motion stand-in`);
  assert.ok(p.frames >= 60, `analysed ${p.frames} frames`);
  const walk = p.counts.find((c: any) => c.rule === 'walkway');
  assert.ok(walk && walk.hits >= 2, `walkway hits: ${JSON.stringify(p.counts)}`);
  assert.equal(walk.alarms, walk.hits, 'an intrusion raises an alarm by default');
  assert.equal(p.counts.find((c: any) => c.rule === 'corner'), undefined);
  for (const h of p.hits) assert.ok(h.at >= p.fromMs - 1 && h.at <= p.toMs + 1000, `hit at ${h.at} inside ${p.fromMs}..${p.toMs}`);
  assert.ok(p.snapshots >= 1);
  const n = p.hits.find((h: any) => h.snapshot !== null).snapshot;
  const pic = await v.http(`/api/cameras/cam1/analytics/preview/${p.id}/${n}`);
  assert.equal(pic.status, 200);
  assert.equal(decodePng(Buffer.from(await pic.arrayBuffer())).width, p.width);
  // Nothing was stored or raised by a preview.
  assert.equal(((await v.store.getCameraAnalytics('cam1'))?.settings as any)?.zones?.[0]?.name, 'night');
  const audit = await v.store.listAudit(0, 1000);
  assert.ok(audit.some((a) => a.action === 'recording.play' && (a.details as any)?.via === 'rule-preview'));
  // Another user does not get this user's preview pictures.
  const other = await fetch(v.url + '/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'second', password: 'other-admin-pw-1' }) });
  const cookie = other.headers.get('set-cookie')!.split(';')[0];
  assert.equal((await fetch(`${v.url}/api/cameras/cam1/analytics/preview/${p.id}/${n}`, { headers: { cookie } })).status, 404);
});

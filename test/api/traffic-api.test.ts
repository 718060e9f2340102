// A camera's calibration through a whole running Vigil (embedded store): placed, read back with its
// reprojection error and ground grid, refused with the reason when degenerate (nothing stored),
// audited, removed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { projectGround, type PinholeCamera } from '../../bench/lib/pinhole-camera.ts';

const CAM: PinholeCamera = { height: 8, tiltDeg: 25, panDeg: 0, focal: 0.6, aspect: 9 / 16, x: 3.5, y: -12 };
const GROUND: [number, number][] = [[0, 0], [7, 0], [0, 30], [7, 30], [3.5, 12]];
const POINTS = GROUND.map((g) => ({ image: projectGround(CAM, g)!, ground: g }));
let v: TestVigil;
before(async () => {
  v = await startTestVigil({ cameras: [{ id: 'road', name: 'Road', url: 'rtsp://127.0.0.1:9/road', enabled: false }] });
  assert.equal((await v.login('admin', 'admin-password-1')).status, 200);
});
after(async () => {
  await v?.stop();
});

const json = async (r: Response) => (await r.json()) as any;

test('calibrate a camera: the fit, its error and a grid come back, are stored and audited, and can be removed', async () => {
  assert.deepEqual(await json(await v.http('/api/cameras/road/calibration')), { cameraId: 'road', calibration: null });
  const put = await v.http('/api/cameras/road/calibration', { method: 'PUT', json: { points: POINTS } });
  assert.equal(put.status, 200, await put.clone().text());
  const cal = (await json(put)).calibration;
  assert.equal(cal.points.length, 5);
  assert.ok(cal.rmsImage < 1e-4 && cal.rmsGroundM < 0.01, `rms ${cal.rmsImage} / ${cal.rmsGroundM} m`);
  assert.equal(cal.residuals.length, 5);
  assert.ok(cal.grid.lines.length > 4 && cal.grid.step > 0);
  assert.equal(cal.toGround.length, 9);
  const again = (await json(await v.http('/api/cameras/road/calibration'))).calibration;
  assert.deepEqual(again.points, cal.points);
  const audit = await v.store.listAudit(0, 1000);
  assert.equal(audit.filter((a) => a.action === 'camera.calibrate' && a.cameraId === 'road').length, 1);
  assert.equal((await v.http('/api/cameras/road/calibration', { method: 'DELETE' })).status, 204);
  assert.equal((await v.http('/api/cameras/road/calibration', { method: 'DELETE' })).status, 404);
  assert.equal((await json(await v.http('/api/cameras/road/calibration'))).calibration, null);
});

test('degenerate or malformed points are refused with the reason, and nothing is stored', async () => {
  const line = GROUND.map((_, i) => ({ image: [0.1 + 0.1 * i, 0.2 + 0.1 * i], ground: [0, 5 * i] }));
  const r = await v.http('/api/cameras/road/calibration', { method: 'PUT', json: { points: line } });
  assert.equal(r.status, 400);
  const body = await json(r);
  assert.equal(body.error.code, 'DEGENERATE_CALIBRATION');
  assert.match(body.error.message, /lie on one line/);
  const three = await v.http('/api/cameras/road/calibration', { method: 'PUT', json: { points: POINTS.slice(0, 3) } });
  assert.equal(three.status, 400);
  assert.match((await json(three)).error.message, /points/);
  const outside = await v.http('/api/cameras/road/calibration', { method: 'PUT', json: { points: [{ image: [1.5, 0.5], ground: [0, 0] }, ...POINTS.slice(1)] } });
  assert.equal(outside.status, 400);
  assert.match((await json(outside)).error.message, /outside 0\.\.1/);
  assert.equal(await v.store.getCameraCalibration('road'), null);
  assert.equal((await v.http('/api/cameras/nope/calibration', { method: 'PUT', json: { points: POINTS } })).status, 404);
});

test('traffic dashboard and evidence routes: stored traffic events listed; no package yet → 404 with the reason; strangers refused', async () => {
  const ev = await v.store.addEvent({ ts: Date.now() - 1000, cameraId: 'road', kind: 'analytics.speeding', severity: 'warning', details: { rule: 'near', ruleKind: 'speeding', cls: 'car', detail: { speedKmh: 71.2, speedErrKmh: 2.1, limitKmh: 50 } } });
  await v.store.addEvent({ ts: Date.now() - 500, cameraId: 'road', kind: 'analytics.zone_intrusion', severity: 'warning', details: { rule: 'gate' } });
  const dash = await json(await v.http('/api/cameras/road/traffic'));
  assert.equal(dash.running, false, 'the camera runs no traffic rules');
  assert.deepEqual(dash.lanes, []);
  assert.deepEqual(dash.minutes, []);
  // counts stored by an earlier run (the camera is not analysing now) are on the dashboard, per minute
  const m = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
  await v.store.addTrafficCounts([
    { cameraId: 'road', lane: 'near', minuteMs: m, cls: 'car', speedBin: 5, n: 2 },
    { cameraId: 'road', lane: 'near', minuteMs: m, cls: 'car', speedBin: -1, n: 1 },
    { cameraId: 'road', lane: 'near', minuteMs: m - 25 * 3_600_000, cls: 'car', speedBin: 5, n: 9 },
  ]);
  const counted = await json(await v.http('/api/cameras/road/traffic'));
  assert.equal(counted.minutes.length, 1, 'the last 24 h only');
  assert.deepEqual({ ...counted.minutes[0], speedBins: undefined }, { minuteMs: m, lane: 'near', cls: 'car', n: 3, speedBins: undefined });
  assert.equal(counted.minutes[0].speedBins[5], 2);
  assert.equal(dash.events.length, 1, 'traffic events only');
  assert.deepEqual({ kind: dash.events[0].kind, lane: dash.events[0].lane, speed: dash.events[0].detail.speedKmh }, { kind: 'speeding', lane: 'near', speed: 71.2 });
  const none = await v.http(`/api/events/${ev.id}/evidence`);
  assert.equal(none.status, 404);
  assert.match((await json(none)).error.message, /no evidence package/);
  assert.equal((await v.http('/api/events/nope/evidence')).status, 404);
  assert.equal((await v.http('/api/cameras/nope/traffic')).status, 404);
  const stranger = await fetch(v.url + `/api/events/${ev.id}/evidence`);
  assert.equal(stranger.status, 401);
});

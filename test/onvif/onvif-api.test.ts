// ONVIF through Vigil's API: describe a device to fill in a camera's URL, link the camera to its
// ONVIF address, steer it (operators may, viewers may not), and the failures of a bad device as
// clear HTTP errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { startOnvifFace, type OnvifFace } from '../../src/simulator/index.ts';
import { UserAdmin } from '../../src/access/index.ts';

let v: TestVigil;
let face: OnvifFace;
const USER = 'cam-admin';
const PASS = 'cam-secret-77';

before(async () => {
  face = await startOnvifFace({ cameras: [{ name: 'gate', url: 'rtsp://127.0.0.1:9/gate', subUrl: 'rtsp://127.0.0.1:9/gate/sub' }], username: USER, password: PASS, discovery: false });
  // The recorder would try the made-up RTSP URL: the camera is created disabled.
  v = await startTestVigil();
  const admin = (await v.store.getUserByName('admin'))!;
  const users = new UserAdmin(v.store);
  await users.create({ username: 'op', password: 'Ptz-steering-2026!', role: 'operator' }, { id: admin.id, ip: null });
  await users.create({ username: 'viewer', password: 'Looking-only-2026!', role: 'viewer' }, { id: admin.id, ip: null });
  assert.equal((await v.login('admin', 'admin-password-1')).status, 200);
});
after(async () => {
  await v?.stop();
  await face?.close();
});

async function json(res: Response): Promise<any> {
  return res.json();
}

test('describe a device, create the camera with the URL it gave, link it, steer it', async () => {
  const d = await json(await v.http('/api/onvif/describe', { method: 'POST', json: { xaddr: face.xaddr('gate'), username: USER, password: PASS } }));
  assert.equal(d.info.serialNumber, 'gate');
  const main = d.profiles.find((p: { token: string }) => p.token === 'main');
  const sub = d.profiles.find((p: { token: string }) => p.token === 'sub');
  assert.equal(main.streamUri, 'rtsp://127.0.0.1:9/gate');
  const created = await v.http('/api/cameras', { method: 'POST', json: { id: 'gate', name: 'Gate', url: main.streamUri, subUrl: sub.streamUri, username: USER, password: PASS, enabled: false } });
  assert.equal(created.status, 201, await created.clone().text());
  const link = await v.http('/api/cameras/gate/onvif', { method: 'PUT', json: { xaddr: face.xaddr('gate'), profileToken: 'main' } });
  assert.equal(link.status, 200, await link.clone().text());
  assert.deepEqual(await json(link), { cameraId: 'gate', xaddr: face.xaddr('gate'), profileToken: 'main', ptz: true });
  const audit = await v.store.queryAudit({ limit: 5, action: 'camera.update' } as never);
  assert.ok(audit.some((a) => a.cameraId === 'gate' && (a.details as { onvif?: string }).onvif === face.xaddr('gate')), 'the link is audited');

  v.cookie = null;
  assert.equal((await v.login('op', 'Ptz-steering-2026!')).status, 200);
  let s = await json(await v.http('/api/cameras/gate/ptz', { method: 'POST', json: { op: 'absolute', pan: 0.3, tilt: 0.2, zoom: 0.5 } }));
  assert.deepEqual(s.status, { pan: 0.3, tilt: 0.2, zoom: 0.5, moving: false });
  assert.deepEqual(face.position('gate'), { pan: 0.3, tilt: 0.2, zoom: 0.5 }, 'the camera moved');
  s = await json(await v.http('/api/cameras/gate/ptz', { method: 'POST', json: { op: 'set-preset', name: 'Entrance' } }));
  const token = s.preset;
  assert.deepEqual(s.presets, [{ token, name: 'Entrance' }]);
  await v.http('/api/cameras/gate/ptz', { method: 'POST', json: { op: 'continuous', pan: -1, seconds: 0.2 } });
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(face.position('gate').pan < 0.3, 'panned');
  s = await json(await v.http('/api/cameras/gate/ptz', { method: 'POST', json: { op: 'goto-preset', preset: token } }));
  assert.deepEqual(s.status, { pan: 0.3, tilt: 0.2, zoom: 0.5, moving: false });
  const bad = await v.http('/api/cameras/gate/ptz', { method: 'POST', json: { op: 'absolute', pan: 5 } });
  assert.equal(bad.status, 400);
  assert.match((await json(bad)).error.message, /pan/);
  const unknown = await v.http('/api/cameras/gate/ptz', { method: 'POST', json: { op: 'goto-preset', preset: 'nope' } });
  assert.equal(unknown.status, 502);
  assert.match((await json(unknown)).error.message, /no such preset/);

  // Every command audited with who, which camera and what: the device's refusal too; a 400 never reached it.
  const op = (await v.store.getUserByName('op'))!;
  const steered = (await v.store.queryAudit({ limit: 50, action: 'camera.ptz' } as never)).sort((a, b) => a.seq - b.seq);
  assert.deepEqual(steered.map((a) => [a.actor, a.cameraId, a.details]), [
    [op.id, 'gate', { op: 'absolute', pan: 0.3, tilt: 0.2, zoom: 0.5 }],
    [op.id, 'gate', { op: 'set-preset', name: 'Entrance', presetToken: token }],
    [op.id, 'gate', { op: 'continuous', pan: -1, seconds: 0.2 }],
    [op.id, 'gate', { op: 'goto-preset', preset: token }],
    [op.id, 'gate', { op: 'goto-preset', preset: 'nope', failed: 'ONVIF_FAULT' }],
  ]);

  v.cookie = null;
  assert.equal((await v.login('viewer', 'Looking-only-2026!')).status, 200);
  assert.equal((await v.http('/api/cameras/gate/ptz', { method: 'POST', json: { op: 'stop' } })).status, 403, 'a viewer does not steer');
  assert.equal((await v.store.queryAudit({ limit: 50, action: 'camera.ptz' } as never)).length, 5, 'a refused viewer steered nothing');
  v.cookie = null;
  assert.equal((await v.login('admin', 'admin-password-1')).status, 200);
});

test('a device that refuses the password, never answers, or is garbage: 422 / 504 / 502 with the reason', async () => {
  const wrong = await v.http('/api/onvif/describe', { method: 'POST', json: { xaddr: face.xaddr('gate'), username: USER, password: 'wrong' } });
  assert.equal(wrong.status, 422);
  assert.equal((await json(wrong)).error.code, 'ONVIF_AUTH');
  const sockets: Socket[] = [];
  const silent: Server = createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  try {
    const t0 = Date.now();
    const hang = await v.http('/api/onvif/describe', { method: 'POST', json: { xaddr: `http://127.0.0.1:${(silent.address() as { port: number }).port}/onvif/device_service`, username: 'u', password: 'p', timeoutMs: 500 } });
    assert.equal(hang.status, 504);
    const body = await json(hang);
    assert.equal(body.error.code, 'ONVIF_TIMEOUT');
    assert.match(body.error.message, /did not answer GetSystemDateAndTime within 500 ms/);
    assert.ok(Date.now() - t0 < 3000);
  } finally {
    sockets.forEach((s) => s.destroy());
    silent.close();
  }
  const web = createHttpServer((_q, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Router login</title>'));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  try {
    const notOnvif = await v.http('/api/onvif/describe', { method: 'POST', json: { xaddr: `http://127.0.0.1:${(web.address() as { port: number }).port}/`, username: 'u', password: 'p' } });
    assert.equal(notOnvif.status, 502);
    const e = (await json(notOnvif)).error;
    assert.equal(e.code, 'ONVIF_BAD_RESPONSE');
    assert.match(e.message, /answered GetSystemDateAndTime with HTTP 200 and not XML/);
  } finally {
    web.close();
  }
  const badAddress = await v.http('/api/onvif/describe', { method: 'POST', json: { xaddr: 'file:///etc/passwd' } });
  assert.equal(badAddress.status, 400);
  const unlinked = await v.http('/api/cameras', { method: 'POST', json: { id: 'plain', name: 'Plain', url: 'rtsp://127.0.0.1:9/plain', enabled: false } });
  assert.equal(unlinked.status, 201);
  const r = await v.http('/api/cameras/plain/ptz');
  assert.equal(r.status, 409);
  assert.match((await json(r)).error.message, /no ONVIF address/);
  const noProfile = await v.http('/api/cameras/plain/onvif', { method: 'PUT', json: { xaddr: face.xaddr('gate'), profileToken: 'zzz' } });
  assert.equal(noProfile.status, 422, 'the camera\'s own credentials (none) are refused by the device');
});

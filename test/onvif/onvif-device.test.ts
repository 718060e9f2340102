// Vigil's ONVIF client and the npm `onvif` client (written by others) against the simulator's
// ONVIF face: describe a device and fill in its RTSP URL, PTZ moves and presets, pull-point events,
// and the attacker's requests (wrong password, a replayed request, a stale token).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { OnvifClient, envelope, usernameToken, NS } from '../../src/onvif/index.ts';
import { RtspClient } from '../../src/media/rtsp-client.ts';

const CACHE = path.join(os.tmpdir(), 'vigil-test-sim-cache');
const USER = 'operator';
const PASS = 'sim-onvif-pass';
let sim: Simulator;

before(async () => {
  sim = await startSimulator({ cameras: 2, port: 0, cacheDir: CACHE, clips: ['testsrc2'], subFps: 5, onvif: { username: USER, password: PASS, discovery: false } });
});
after(async () => {
  await sim?.close();
});

const client = (camera = 'cam1', password = PASS) => new OnvifClient({ xaddr: sim.onvif!.xaddr(camera), username: USER, password, timeoutMs: 3000 });

test('Vigil\'s client describes a camera: device, profiles and RTSP URLs that really stream', async () => {
  const d = await client('cam2').describe();
  assert.deepEqual({ manufacturer: d.info.manufacturer, serial: d.info.serialNumber }, { manufacturer: 'Vigil', serial: 'cam2' });
  assert.deepEqual(d.profiles.map((p) => [p.token, p.streamUri, p.width, p.height, p.encoding, p.ptz]), [
    ['main', sim.urls[1], 1280, 720, 'H264', true],
    ['sub', sim.subUrls[1], 640, 360, 'H264', true],
  ]);
  // The URL filled in is the camera's: an RTSP client gets its stream description.
  const rtsp = new RtspClient({ url: d.profiles[0].streamUri });
  let frames = 0;
  rtsp.on('accessUnit', () => frames++);
  try {
    await rtsp.connect();
    await new Promise((r) => setTimeout(r, 1000));
  } finally {
    await rtsp.close();
  }
  assert.ok(frames > 0, 'frames arrive from the URL ONVIF gave');
});

test('the attacker: a wrong password, a captured request replayed, and a stale token are refused', async () => {
  await assert.rejects(client('cam1', 'guess').getProfiles(), (e: Error & { code?: string }) => e.code === 'ONVIF_AUTH' && /refused the user name or password/.test(e.message));
  const media = sim.onvif!.xaddr('cam1').replace('device_service', 'media_service');
  const post = (xml: string) => fetch(media, { method: 'POST', headers: { 'content-type': 'application/soap+xml' }, body: xml });
  const captured = envelope('<trt:GetProfiles/>', usernameToken(USER, PASS, Date.now()));
  assert.equal((await post(captured)).status, 200, 'the genuine request is served');
  const replay = await post(captured);
  assert.equal(replay.status, 400);
  assert.match(await replay.text(), /NotAuthorized/, 'the same nonce a second time is refused');
  const stale = await post(envelope('<trt:GetProfiles/>', usernameToken(USER, PASS, Date.now() - 3_600_000)));
  assert.equal(stale.status, 400, 'a token created an hour ago is refused');
  const none = await post(envelope('<trt:GetProfiles/>'));
  assert.equal(none.status, 400, 'no token at all is refused');
  assert.ok(sim.onvif!.refused >= 4);
});

test('PTZ: absolute and continuous moves, stop, presets set, recalled, listed and removed', async () => {
  const c = client('cam1');
  await c.absoluteMove('main', { pan: 0.5, tilt: -0.25, zoom: 0.1 });
  assert.deepEqual(await c.getStatus('main'), { pan: 0.5, tilt: -0.25, zoom: 0.1, moving: false });
  const home = await c.setPreset('main', 'Gate north');
  await c.continuousMove('main', { pan: -1, tilt: 0 });
  await new Promise((r) => setTimeout(r, 300));
  const moving = await c.getStatus('main');
  assert.equal(moving.moving, true);
  await c.stop('main');
  const stopped = await c.getStatus('main');
  assert.ok(stopped.pan < 0.5 - 0.05 && stopped.pan > -1, `panned left: ${stopped.pan}`);
  assert.equal(stopped.moving, false);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal((await c.getStatus('main')).pan, stopped.pan, 'stays put after stop');
  await c.relativeMove('main', { tilt: 0.5 });
  assert.equal((await c.getStatus('main')).tilt, 0.25);
  await c.gotoPreset('main', home);
  assert.deepEqual(await c.getStatus('main'), { pan: 0.5, tilt: -0.25, zoom: 0.1, moving: false });
  assert.deepEqual(await c.getPresets('main'), [{ token: home, name: 'Gate north' }]);
  await c.removePreset('main', home);
  assert.deepEqual(await c.getPresets('main'), []);
  await assert.rejects(c.gotoPreset('main', home), { code: 'ONVIF_FAULT' });
  await assert.rejects(c.absoluteMove('main', { pan: 3 }), { code: 'ONVIF_BAD_INPUT' });
  await assert.rejects(c.continuousMove('main', { pan: Number.NaN }), { code: 'ONVIF_BAD_INPUT' });
  // A continuous move with a timeout stops by itself.
  await c.continuousMove('main', { zoom: 1 }, 0.2);
  await new Promise((r) => setTimeout(r, 400));
  const z = await c.getStatus('main');
  assert.equal(z.moving, false);
  assert.ok(Math.abs(z.zoom - 0.2) < 0.03, `zoomed for 0.2 s at 0.5/s: ${z.zoom}`);
});

test('events: a pull-point subscription receives the camera\'s events, and ends on unsubscribe', async () => {
  const c = client('cam2');
  const sub = await c.createPullPointSubscription(30);
  const pulled = c.pullMessages(sub, 5);
  await new Promise((r) => setTimeout(r, 100));
  sim.onvif!.raiseEvent('cam2', 'tns1:VideoSource/MotionAlarm', { State: 'true' });
  sim.onvif!.raiseEvent('cam1', 'tns1:VideoSource/MotionAlarm', { State: 'true' }); // another camera's
  const msgs = await pulled;
  assert.equal(msgs.length, 1);
  assert.equal(msgs[0].topic, 'tns1:VideoSource/MotionAlarm');
  assert.deepEqual(msgs[0].data, { State: 'true' });
  assert.equal(msgs[0].source.VideoSource, 'vs0');
  const t0 = Date.now();
  assert.deepEqual(await c.pullMessages(sub, 1), [], 'nothing more: an empty answer after the wait');
  assert.ok(Date.now() - t0 >= 900);
  await c.unsubscribe(sub);
  await assert.rejects(c.pullMessages(sub, 1), { code: 'ONVIF_FAULT' });
});

test('the npm onvif client connects, reads the stream URI and steers the head', async () => {
  const require = createRequire(import.meta.url);
  const { Cam } = require('onvif') as { Cam: new (o: Record<string, unknown>, cb: (err: Error | null) => void) => Record<string, (...a: unknown[]) => void> & { activeSource?: { profileToken: string; width: number; height: number; ptz?: unknown } } };
  const u = new URL(sim.onvif!.xaddr('cam1'));
  const cam = await new Promise<InstanceType<typeof Cam>>((resolve, reject) => {
    const c: InstanceType<typeof Cam> = new Cam({ hostname: u.hostname, port: Number(u.port), path: u.pathname, username: USER, password: PASS, timeout: 5000 }, (err) => (err ? reject(err) : resolve(c)));
  });
  const call = <T>(fn: string, ...args: unknown[]) => new Promise<T>((resolve, reject) => cam[fn].call(cam, ...args, (err: Error | null, v: T) => (err ? reject(err) : resolve(v))));
  assert.equal(cam.activeSource?.profileToken, 'main');
  assert.equal(cam.activeSource?.width, 1280);
  const info = await call<{ manufacturer: string; serialNumber: string }>('getDeviceInformation');
  assert.equal(info.serialNumber, 'cam1');
  const uri = await call<{ uri: string }>('getStreamUri', { protocol: 'RTSP', profileToken: 'sub' });
  assert.equal(uri.uri, sim.subUrls[0]);
  await call('absoluteMove', { x: -0.5, y: 0.5, zoom: 0.75 });
  const status = await call<{ position: { x: number; y: number; zoom: number } }>('getStatus', {});
  assert.deepEqual(status.position, { x: -0.5, y: 0.5, zoom: 0.75 });
  const preset = await call<{ presetToken?: string } | string>('setPreset', { presetName: 'npm' });
  const presets = await call<Record<string, { $: { token: string } }>>('getPresets', {});
  assert.ok(Object.keys(presets).includes('npm'), `presets seen by onvif: ${JSON.stringify(presets)} (set answered ${JSON.stringify(preset)})`);
  await call('absoluteMove', { x: 0, y: 0, zoom: 0 });
  await call('gotoPreset', { preset: presets.npm.$.token });
  assert.deepEqual((await call<{ position: unknown }>('getStatus', {})).position, { x: -0.5, y: 0.5, zoom: 0.75 });
  // and with the wrong password it is refused
  await assert.rejects(
    new Promise((resolve, reject) => {
      new Cam({ hostname: u.hostname, port: Number(u.port), path: u.pathname, username: USER, password: 'nope', timeout: 5000 }, (err) => (err ? reject(err) : resolve(null)));
    }),
    /NotAuthorized|Not Authorized|Sender not Authorized/i,
  );
  void NS;
});

test('vigil simulate --onvif-port needs credentials', async () => {
  const { parseSimulatorArgs } = await import('../../src/simulator/index.ts');
  assert.deepEqual(parseSimulatorArgs(['--onvif-port', '8000', '--onvif-user', 'a', '--onvif-password', 'b']).onvif, { port: 8000, username: 'a', password: 'b' });
  assert.throws(() => parseSimulatorArgs(['--onvif-port', '8000']), { code: 'SIM_USAGE' });
  assert.equal(parseSimulatorArgs([]).onvif, undefined);
});

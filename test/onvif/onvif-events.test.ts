// ONVIF pull-point events become Vigil events: the simulator's ONVIF face raises motion, tamper
// and a digital input on a linked camera; Vigil stores each as onvif.* on that camera and
// publishes it on the bus (whence MQTT and webhooks). Another camera's events, a camera no longer
// recorded, and a device that answers garbage raise nothing and stop nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import { startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { startOnvifFace, type OnvifFace } from '../../src/simulator/index.ts';
import type { EventRow } from '../../src/store/index.ts';
import { vigilEventOf } from '../../src/onvif/index.ts';

let v: TestVigil;
let face: OnvifFace;
let garbage: Server;
const USER = 'cam-admin';
const PASS = 'cam-secret-77';
const published: EventRow[] = [];

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  face = await startOnvifFace({ cameras: [{ name: 'gate', url: 'rtsp://127.0.0.1:9/gate' }, { name: 'yard', url: 'rtsp://127.0.0.1:9/yard' }], username: USER, password: PASS, discovery: false });
  garbage = createHttpServer((_q, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Router login</title>'));
  await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
  v = await startTestVigil();
  v.bus.subscribe('event', (e) => { if (e.kind.startsWith('onvif.')) published.push(e); });
  assert.equal((await v.login('admin', 'admin-password-1')).status, 200);
  for (const id of ['gate', 'yard', 'junk']) {
    const r = await v.http('/api/cameras', { method: 'POST', json: { id, name: id, url: `rtsp://127.0.0.1:9/${id}`, username: USER, password: PASS } });
    assert.equal(r.status, 201, await r.clone().text());
  }
  for (const id of ['gate', 'yard']) assert.equal((await v.http(`/api/cameras/${id}/onvif`, { method: 'PUT', json: { xaddr: face.xaddr(id), profileToken: 'main' } })).status, 200);
  // A device that answered once and now returns a web page: linked straight in the store.
  await v.store.putCameraOnvif({ cameraId: 'junk', xaddr: `http://127.0.0.1:${(garbage.address() as { port: number }).port}/onvif/device_service`, profileToken: 'main', updatedAt: Date.now() });
});
after(async () => {
  await v?.stop();
  await face?.close();
  garbage?.close();
});

test('motion, tamper and a digital input from the camera become onvif.* events of that camera, stored and published', async () => {
  await v.onvifEvents.sync();
  assert.deepEqual(v.onvifEvents.cameras().sort(), ['gate', 'junk', 'yard']);
  await until('gate subscribed', () => face.subscribers('gate') === 1);
  await until('yard subscribed', () => face.subscribers('yard') === 1);
  const t0 = Date.now();
  face.raiseEvent('gate', 'tns1:VideoSource/MotionAlarm', { State: 'true' });
  face.raiseEvent('gate', 'tns1:RuleEngine/TamperDetector/Tamper', { IsTamper: 'true' });
  face.raiseEvent('yard', 'tns1:Device/Trigger/DigitalInput', { LogicalState: 'true' });
  face.raiseEvent('gate', 'tns1:VideoSource/MotionAlarm', { State: 'false' });
  await until('four events published', () => published.length >= 4);
  const stored = (await v.store.listEvents({ fromMs: t0 - 1000, toMs: Date.now() + 1000, limit: 100 })).filter((e) => e.kind.startsWith('onvif.'));
  const seen = (list: EventRow[]) => list.map((e) => [e.cameraId, e.kind, e.severity, (e.details as { active: boolean }).active, (e.details as { topic: string }).topic]).sort();
  const want = [
    ['gate', 'onvif.motion', 'info', true, 'tns1:VideoSource/MotionAlarm'],
    ['gate', 'onvif.tamper', 'warning', true, 'tns1:RuleEngine/TamperDetector/Tamper'],
    ['yard', 'onvif.digital_input', 'info', true, 'tns1:Device/Trigger/DigitalInput'],
    ['gate', 'onvif.motion', 'info', false, 'tns1:VideoSource/MotionAlarm'],
  ].sort();
  assert.deepEqual(seen(stored), want);
  assert.deepEqual(seen(published), want, 'each published once on the bus');
  assert.deepEqual(new Set(stored.map((e) => e.id)), new Set(published.map((e) => e.id)));
  // Through the API like any event.
  const api = await (await v.http(`/api/events?from=${t0 - 1000}&to=${Date.now() + 1000}&camera=gate&kind=onvif.tamper`)).json() as { events: { kind: string }[] };
  assert.deepEqual(api.events.map((e) => e.kind), ['onvif.tamper']);
  // The garbage device raised nothing, and its failure was logged, not thrown.
  assert.ok(v.logs.some((l) => l.includes('ONVIF events not read') && l.includes('junk')), 'the garbage device is named in the log');
});

test('a camera that is no longer recorded (disabled) is unsubscribed and raises nothing', async () => {
  assert.equal((await v.http('/api/cameras/yard', { method: 'PATCH', json: { enabled: false } })).status, 200);
  await v.onvifEvents.sync();
  assert.deepEqual(v.onvifEvents.cameras().sort(), ['gate', 'junk']);
  await until('yard unsubscribed', () => face.subscribers('yard') === 0, 8000);
  const before = published.length;
  face.raiseEvent('yard', 'tns1:Device/Trigger/DigitalInput', { LogicalState: 'false' });
  face.raiseEvent('gate', 'tns1:VideoSource/ImageTooDark/ImagingService', { State: 'true' });
  await until('the gate event', () => published.length > before);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(published.slice(before).map((e) => [e.cameraId, e.kind]), [['gate', 'onvif.tamper']]);
});

test('topics map to kinds; unknown topics are kept as onvif.other; a hostile device\'s items are bounded', () => {
  const m = (topic: string, data: Record<string, string>) => vigilEventOf({ topic, utcTime: '2026-12-02T10:00:00Z', source: {}, data });
  assert.equal(m('tns1:RuleEngine/CellMotionDetector/Motion', { IsMotion: 'true' }).kind, 'onvif.motion');
  assert.deepEqual([m('tns1:RuleEngine/TamperDetector/Tamper', { IsTamper: 'false' }).severity, m('tns1:RuleEngine/TamperDetector/Tamper', { IsTamper: 'false' }).details.active], ['info', false]);
  assert.equal(m('tns1:Device/Trigger/Relay', { LogicalState: 'active' }).details.active, true);
  assert.equal(m('acme:Doorbell/Pressed', {}).kind, 'onvif.other');
  assert.equal(m('acme:Doorbell/Pressed', {}).details.active, null);
  const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, 'x'.repeat(10_000)]));
  const big = m('tns1:VideoSource/MotionAlarm', many).details.data;
  assert.equal(Object.keys(big).length, 32);
  assert.ok(Object.values(big).every((x) => x.length === 256));
});

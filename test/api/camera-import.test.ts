// Bulk import of cameras: each row checked and named, a dry run that creates nothing, a real run
// that creates the good rows (passwords sealed, each audited) and reports the refused ones.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';

let v: TestVigil;
before(async () => {
  v = await startTestVigil();
  await v.login('admin', 'admin-password-1');
});
after(async () => {
  await v?.stop();
});

const CSV = [
  'name,url,id,username,password,enabled',
  'Gate 1,rtsp://10.0.0.1/s1,gate-1,admin,pw-gate-1,false',
  'Gate 2,http://10.0.0.2/s1,gate-2,,,false',
  ',rtsp://10.0.0.3/s1,gate-3,,,false',
  'Gate 1 again,rtsp://10.0.0.4/s1,gate-1,,,false',
  '"Market, north",rtsp://u:secret-5@10.0.0.5/s1,,,,no',
  'Depot,rtsp://10.0.0.6/s1,Bad Id,,,false',
].join('\n');

type Report = { dryRun: boolean; taken: number; refused: { where: string; message: string }[]; created: string[] };

test('a dry run names every bad row and creates nothing; the real run creates the good rows only', async () => {
  const before = (await v.store.listCameras()).length;
  const dry = await v.http('/api/cameras/import', { method: 'POST', json: { format: 'csv', text: CSV, dryRun: true } });
  assert.equal(dry.status, 200);
  const d = (await dry.json()) as Report;
  assert.equal(d.taken, 2);
  assert.deepEqual(d.refused.map((r) => r.where), ['line 3', 'line 4', 'line 5', 'line 7']);
  assert.match(d.refused[0].message, /^url: /);
  assert.match(d.refused[1].message, /^name: /);
  assert.match(d.refused[2].message, /id: "gate-1" is also on line 2/);
  assert.match(d.refused[3].message, /^id: expected lower-case/);
  assert.equal((await v.store.listCameras()).length, before, 'a dry run creates nothing');

  const real = (await (await v.http('/api/cameras/import', { method: 'POST', json: { format: 'csv', text: CSV } })).json()) as Report;
  assert.equal(real.taken, 2);
  assert.equal(real.created.length, 2);
  const gate = await v.store.getCamera('gate-1');
  assert.equal(gate?.name, 'Gate 1');
  assert.ok(gate?.passwordEnc && !gate.passwordEnc.includes('pw-gate-1'), 'password sealed');
  const market = (await v.store.listCameras()).find((c) => c.name === 'Market, north');
  assert.equal(market?.username, 'u');
  assert.equal(market?.url, 'rtsp://10.0.0.5/s1', 'credentials taken out of the URL');
  assert.equal(market?.enabled, false);
  const audit = await v.store.listAudit(0, 10_000);
  assert.equal(audit.filter((e) => e.action === 'camera.create' && (e.cameraId === 'gate-1' || e.cameraId === market!.id)).length, 2);

  // again: the ids are taken now
  const again = (await (await v.http('/api/cameras/import', { method: 'POST', json: { format: 'csv', text: CSV } })).json()) as Report;
  assert.ok(again.refused.some((r) => r.where === 'line 2' && /exists already/.test(r.message)));
});

test('GeoJSON features are named by number; a file that is not one is refused as a whole; no session, no import', async () => {
  const fc = { type: 'FeatureCollection', features: [
    { type: 'Feature', geometry: { type: 'Point', coordinates: [69.17, 34.53] }, properties: { id: 'geo-1', name: 'Kabul 1', url: 'rtsp://10.1.0.1/s', enabled: false } },
    { type: 'Feature', geometry: null, properties: { name: 'No URL' } },
  ] };
  const r = (await (await v.http('/api/cameras/import', { method: 'POST', json: { format: 'geojson', text: JSON.stringify(fc) } })).json()) as Report;
  assert.equal(r.taken, 1);
  assert.deepEqual(r.refused, [{ where: 'feature 2', message: 'url: expected an rtsp:// URL, got nothing' }]);
  const bad = (await (await v.http('/api/cameras/import', { method: 'POST', json: { format: 'geojson', text: '{"type":"Point"}', dryRun: true } })).json()) as Report;
  assert.deepEqual(bad.refused, [{ where: 'file', message: 'expected a GeoJSON FeatureCollection' }]);
  const res = await fetch(`${v.url}/api/cameras/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ format: 'csv', text: CSV }) });
  assert.equal(res.status, 401);
});

test('a part of a larger file (offset) is reported in the whole file\'s lines and features', async () => {
  const part = ['name,url,id', 'Ok,rtsp://10.9.0.1/s,part-ok', 'Bad,ftp://10.9.0.2/s,part-bad'].join('\n');
  const r = (await (await v.http('/api/cameras/import', { method: 'POST', json: { format: 'csv', text: part, dryRun: true, offset: 2000 } })).json()) as Report;
  assert.deepEqual(r.refused.map((x) => x.where), ['line 2003']);
  const geo = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: null, properties: { name: 'x' } }] });
  const g = (await (await v.http('/api/cameras/import', { method: 'POST', json: { format: 'geojson', text: geo, dryRun: true, offset: 4000 } })).json()) as Report;
  assert.deepEqual(g.refused.map((x) => x.where), ['feature 4001']);
  assert.equal((await v.http('/api/cameras/import', { method: 'POST', json: { format: 'csv', text: part, dryRun: true, offset: -1 } })).status, 400);
});

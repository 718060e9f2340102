// The map's API and roles scoped to sites: an operator of the north site must not learn where the
// south site's cameras are, how many there are, or what they cover — not from the camera list,
// who-sees, coverage (its share), nor an outage (its count and its hull).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { UserAdmin } from '../../src/access/index.ts';
import { fromLocal, type LonLat } from '../../src/map/index.ts';

const ORIGIN: LonLat = [69.17, 34.53];
const at = (x: number, y: number) => fromLocal(ORIGIN, x, y);
let v: TestVigil;
let admin = '';
let north = '';
const json = async (r: Response) => (await r.json()) as any;

async function as(cookie: string, url: string, init?: Parameters<TestVigil['http']>[1]) {
  v.cookie = cookie;
  return v.http(url, init);
}

before(async () => {
  v = await startTestVigil({
    cameras: ['n1', 'n2', 's1', 's2'].map((id) => ({ id, name: `Camera ${id}`, url: `rtsp://127.0.0.1:9/${id}`, enabled: false })),
  });
  await v.cameraScopes.set('n1', [{ kind: 'site', id: 'north' }]);
  await v.cameraScopes.set('n2', [{ kind: 'site', id: 'north' }]);
  await v.cameraScopes.set('s1', [{ kind: 'site', id: 'south' }]);
  await v.cameraScopes.set('s2', [{ kind: 'site', id: 'south' }]);
  assert.equal((await v.login('admin', 'admin-password-1')).status, 200);
  admin = v.cookie!;
  const adminId = (await v.store.getUserByName('admin'))!.id;
  await new UserAdmin(v.store).create({ username: 'north-op', password: 'Northern-lights-2026!', role: 'operator', scopes: [{ kind: 'site', id: 'north' }] }, { id: adminId, ip: null });
  v.cookie = null;
  assert.equal((await v.login('north-op', 'Northern-lights-2026!')).status, 200);
  north = v.cookie!;
  // n1 at the origin looking east; s1 150 m further east looking west: both see the point 10 m east.
  // n2 and s2 are 2 km away, each alone.
  const place = async (id: string, x: number, y: number, bearing: number) => {
    const [lon, lat] = at(x, y);
    const r = await as(admin, `/api/map/cameras/${id}`, { method: 'PUT', json: { lon, lat, bearing, angle: 90, range: 200 } });
    assert.equal(r.status, 200, await r.clone().text());
  };
  await place('n1', 0, 0, 90);
  await place('s1', 150, 0, 270);
  await place('n2', 2000, 0, 0);
  await place('s2', -2000, 0, 0);
  // A site that only s2 sees.
  const r = await as(admin, '/api/map/sites', { method: 'POST', json: { name: 'Depot', kind: 'ministry', priority: 1, polygon: [at(-2010, 10), at(-1990, 10), at(-1990, 30), at(-2010, 30)] } });
  assert.equal(r.status, 201, await r.clone().text());
});
after(async () => {
  await v?.stop();
});

test('the camera list and who-sees show a scoped operator their site\'s cameras only', async () => {
  const all = await json(await as(admin, '/api/map/cameras'));
  assert.deepEqual(all.cameras.map((c: any) => c.id).sort(), ['n1', 'n2', 's1', 's2']);
  const mine = await json(await as(north, '/api/map/cameras'));
  assert.deepEqual(mine.cameras.map((c: any) => c.id).sort(), ['n1', 'n2']);

  const [lon, lat] = at(10, 0);
  assert.deepEqual((await json(await as(admin, `/api/map/who-sees?lon=${lon}&lat=${lat}`))).cameras.map((c: any) => c.id).sort(), ['n1', 's1']);
  assert.deepEqual((await json(await as(north, `/api/map/who-sees?lon=${lon}&lat=${lat}`))).cameras.map((c: any) => c.id), ['n1']);

  assert.equal((await as(north, '/api/map/cameras/s1', { method: 'PUT', json: { lon, lat } })).status, 403);
  assert.equal((await as(north, '/api/map/cameras/s1', { method: 'DELETE' })).status, 403);
});

test('coverage: a site seen only by another site\'s camera is uncovered for the scoped operator', async () => {
  const depot = (list: any) => list.sites.find((s: any) => s.name === 'Depot');
  const full = depot(await json(await as(admin, '/api/map/coverage')));
  assert.deepEqual(full.cameraIds, ['s2']);
  assert.ok(full.share > 0.5, `admin share ${full.share}`);
  const scoped = depot(await json(await as(north, '/api/map/coverage')));
  assert.deepEqual(scoped.cameraIds, []);
  assert.equal(scoped.share, 0, 'the share must not reveal the south camera');
});

test('outages: the scoped operator sees their cameras\' part only — count and hull — and nothing of an outage of other sites alone', async () => {
  const t0 = Date.now();
  await v.map.cameraDown('n1', t0);
  await v.map.cameraDown('s1', t0 + 1000);
  await v.map.cameraDown('s2', t0 + 2000);
  const full = await json(await as(admin, '/api/map/outages'));
  const together = full.current.find((o: any) => o.cameraIds.includes('n1'));
  assert.deepEqual(together.cameraIds, ['n1', 's1']);
  assert.equal(together.count, 2);
  assert.equal(full.current.length, 2);

  const mine = await json(await as(north, '/api/map/outages'));
  assert.equal(mine.current.length, 1, 'the south-only outage is not shown');
  const o = mine.current[0];
  assert.deepEqual([o.cameraIds, o.downIds, o.count], [['n1'], ['n1'], 1]);
  // The hull is drawn around n1 alone: it must not reach towards s1, 150 m east.
  const [s1lon] = at(150, 0);
  const [n1lon] = at(0, 0);
  const east = Math.max(...o.hull.map((p: number[]) => p[0]));
  assert.ok(east < (n1lon + s1lon) / 2, `hull reaches ${east}, s1 at ${s1lon}`);
  assert.ok(Math.max(...together.hull.map((p: number[]) => p[0])) > s1lon, 'the full hull holds s1');

  for (const id of ['n1', 's1', 's2']) await v.map.cameraUp(id, t0 + 60_000);
  const past = await json(await as(north, `/api/map/outages?from=${t0 - 1000}&to=${t0 + 120_000}`));
  assert.equal(past.current.length, 0);
  assert.deepEqual(past.past.map((p: any) => [p.cameraIds, p.count]), [[['n1'], 1]]);
});

test('the map view: a scoped operator\'s clusters count their cameras only, and the extent is theirs', async () => {
  const [w, s] = at(-3000, -3000);
  const [e, n] = at(3000, 3000);
  const q = `/api/map/view?bbox=${w},${s},${e},${n}`;
  const allFar = await json(await as(admin, `${q}&zoom=8`));
  assert.equal(allFar.total, 4);
  const mineFar = await json(await as(north, `${q}&zoom=8`));
  assert.equal(mineFar.total, 2);
  assert.equal(mineFar.clusters.reduce((a: number, c: any) => a + c.count, 0) + mineFar.cameras.length, 2);
  const mineNear = await json(await as(north, `${q}&zoom=17`));
  assert.deepEqual(mineNear.cameras.map((c: any) => c.id).sort(), ['n1', 'n2']);
  // n1 is at x = 0 and n2 at x = 2 km: the extent reaches neither s2 (x = -2 km) nor s1.
  const [west] = at(-1, 0);
  assert.ok(mineNear.extent[0] > west, `extent ${mineNear.extent} starts at the north site's cameras`);
  const byId = await json(await as(north, '/api/map/cameras?ids=s1,n1,s2'));
  assert.deepEqual(byId.cameras.map((c: any) => c.id), ['n1']);
});

test('the camera list: a scoped operator gets their cameras and their count; site and group filters page by id; a bad filter is a 400 naming it', async () => {
  const mine = await json(await as(north, '/api/cameras'));
  assert.deepEqual(mine.cameras.map((c: any) => c.id), ['n1', 'n2']);
  assert.equal(mine.total, 2, 'the total must not reveal how many cameras other sites have');
  const all = await json(await as(admin, '/api/cameras'));
  assert.equal(all.total, 4);
  const south1 = await json(await as(admin, '/api/cameras?site=south&limit=1'));
  assert.deepEqual([south1.cameras.map((c: any) => c.id), south1.total, south1.next], [['s1'], 2, 's1']);
  const south2 = await json(await as(admin, `/api/cameras?site=south&limit=1&after=${south1.next}`));
  assert.deepEqual(south2.cameras.map((c: any) => c.id), ['s2']);
  assert.ok(south2.cameras[0].position, 'a filtered page carries the cameras\' positions');
  // The north operator asking for the south site gets nothing of it.
  const foreign = await json(await as(north, '/api/cameras?site=south'));
  assert.deepEqual([foreign.cameras, foreign.total], [[], 0], 'nor how many cameras the south site has');
  assert.deepEqual((await json(await as(north, '/api/cameras?site=north&limit=1'))).total, 2);
  assert.deepEqual((await json(await as(admin, '/api/cameras?group=nobody'))).cameras, []);
  const bad = await as(admin, '/api/cameras?site=%3Cscript%3E');
  assert.equal(bad.status, 400);
  assert.match((await json(bad)).error.message, /site/);
});

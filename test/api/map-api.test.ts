// The security map's routes through a whole running Vigil (embedded store): placing a camera,
// the viewport query, who sees a point, sites and coverage, imports (all or nothing), outages, and
// GET /api/cameras paging with positions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { fromLocal, MapService, type LonLat } from '../../src/map/index.ts';

const ORIGIN: LonLat = [69.17, 34.53];
const at = (x: number, y: number) => fromLocal(ORIGIN, x, y);
let v: TestVigil;
before(async () => {
  v = await startTestVigil({
    cameras: ['a', 'b', 'c', 'd'].map((id) => ({ id, name: `Camera ${id}`, url: `rtsp://127.0.0.1:9/${id}`, enabled: false })),
  });
  assert.equal((await v.login('admin', 'admin-password-1')).status, 200);
});
after(async () => {
  await v?.stop();
});

const json = async (r: Response) => (await r.json()) as any;

test('a camera is placed, turned and widened; the viewport query and GET /api/cameras show it; audited', async () => {
  const [lon, lat] = at(0, 0);
  const put = await v.http('/api/map/cameras/a', { method: 'PUT', json: { lon, lat, bearing: 90, angle: 60, range: 80 } });
  assert.equal(put.status, 200, await put.clone().text());
  assert.deepEqual((await json(put)).position, { lon, lat, bearing: 90, angle: 60, range: 80, ptz: false, siteId: null });
  const turned = await v.http('/api/map/cameras/a', { method: 'PUT', json: { lon, lat, bearing: -90, angle: 120, range: 80 } });
  assert.equal((await json(turned)).position.bearing, 270);

  const [w, s] = at(-500, -500);
  const [e, n] = at(500, 500);
  const box = await json(await v.http(`/api/map/cameras?bbox=${w},${s},${e},${n}`));
  assert.deepEqual(box.cameras.map((c: any) => c.id), ['a']);
  assert.equal(box.cameras[0].state, 'disabled');
  const elsewhere = await json(await v.http('/api/map/cameras?bbox=0,0,1,1'));
  assert.deepEqual(elsewhere.cameras, []);

  const list = await json(await v.http('/api/cameras'));
  assert.equal(list.total, 4);
  assert.equal(list.next, null);
  assert.equal(list.cameras.find((c: any) => c.id === 'a').position.bearing, 270);
  assert.equal(list.cameras.find((c: any) => c.id === 'b').position, null);
  const paged = await json(await v.http('/api/cameras?limit=3'));
  assert.deepEqual(paged.cameras.map((c: any) => c.id), ['a', 'b', 'c']);
  assert.equal(paged.next, 'c');
  const rest = await json(await v.http('/api/cameras?limit=3&after=c'));
  assert.deepEqual(rest.cameras.map((c: any) => c.id), ['d']);

  const audit = await v.store.listAudit(0, 1000);
  assert.equal(audit.filter((x) => x.action === 'map.place' && x.cameraId === 'a').length, 2);
});

test('placing: bad input names the field; an unknown camera is refused', async () => {
  const bad = await v.http('/api/map/cameras/b', { method: 'PUT', json: { lon: 200, lat: 34 } });
  assert.equal(bad.status, 400);
  assert.match((await json(bad)).error.message, /lon/);
  const angle = await v.http('/api/map/cameras/b', { method: 'PUT', json: { lon: 69, lat: 34, angle: 0 } });
  assert.equal(angle.status, 400);
  assert.match((await json(angle)).error.message, /angle/);
  const unknown = await v.http('/api/map/cameras/zzz', { method: 'PUT', json: { lon: 69, lat: 34 } });
  assert.equal(unknown.status, 400);
  assert.match((await json(unknown)).error.message, /no camera has id zzz/);
});

test('who sees a point; a site and its coverage', async () => {
  const [lon, lat] = at(-40, 0); // west of a, which looks west (270°)
  const who = await json(await v.http(`/api/map/who-sees?lon=${lon}&lat=${lat}`));
  assert.deepEqual(who.cameras.map((c: any) => c.id), ['a']);
  assert.ok(Math.abs(who.cameras[0].distanceM - 40) < 0.5);
  const [elon, elat] = at(40, 0);
  assert.deepEqual((await json(await v.http(`/api/map/who-sees?lon=${elon}&lat=${elat}`))).cameras, []);

  const seen = { name: 'Ministry', kind: 'ministry', priority: 1, polygon: [at(-60, -10), at(-20, -10), at(-20, 10), at(-60, 10)] };
  const unseen = { name: 'School', kind: 'school', priority: 2, polygon: [at(300, 300), at(340, 300), at(340, 340)] };
  const r1 = await v.http('/api/map/sites', { method: 'POST', json: seen });
  assert.equal(r1.status, 201);
  assert.equal((await v.http('/api/map/sites', { method: 'POST', json: unseen })).status, 201);
  const badKind = await v.http('/api/map/sites', { method: 'POST', json: { ...unseen, kind: 'castle' } });
  assert.equal(badKind.status, 400);
  assert.match((await json(badKind)).error.message, /kind/);
  const cov = await json(await v.http('/api/map/coverage'));
  assert.deepEqual(cov.sites.map((s: any) => s.name), ['School', 'Ministry']);
  assert.equal(cov.sites[0].share, 0);
  assert.deepEqual(cov.sites[1].cameraIds, ['a']);
  assert.ok(cov.sites[1].share > 0.9, `share ${cov.sites[1].share}`);
});

test('import: a bad row refuses the whole file naming its line; skipBad imports the rest', async () => {
  const [lon, lat] = at(100, 0);
  const csv = `camera,lon,lat,bearing,angle,range\nb,${lon},${lat},0,90,50\nc,${lat},${lon},0,90,50\nnope,${lon},${lat},0,90,50\n`;
  const refused = await v.http('/api/map/import/placements', { method: 'POST', json: { format: 'csv', data: csv } });
  assert.equal(refused.status, 400);
  const msg = (await json(refused)).error.message as string;
  assert.match(msg, /line 3: .*swapped/);
  assert.match(msg, /line 4: camera: no camera has id nope/);
  assert.equal(await v.store.getCameraPlacement('b'), null, 'nothing half-imported');

  const partial = await json(await v.http('/api/map/import/placements', { method: 'POST', json: { format: 'csv', data: csv, skipBad: true } }));
  assert.equal(partial.imported, 1);
  assert.deepEqual(partial.skipped.map((p: any) => p.where), ['line 3', 'line 4']);
  assert.equal((await v.store.getCameraPlacement('b'))!.lon, lon);

  const huge = await v.http('/api/map/import/placements', { method: 'POST', json: { format: 'csv', data: 'x'.repeat(30 * 1024 * 1024) } });
  assert.equal(huge.status, 413);
});

test('outages: cameras going down together make one area with its count; back up, it is history', async () => {
  const t0 = Date.now();
  await v.map.cameraDown('a', t0);
  await v.map.cameraDown('b', t0 + 5_000);
  const now = await json(await v.http('/api/map/outages'));
  assert.equal(now.current.length, 1);
  assert.equal(now.current[0].count, 2);
  assert.ok(now.current[0].hull.length >= 4);
  await v.map.cameraUp('a', t0 + 60_000);
  await v.map.cameraUp('b', t0 + 61_000);
  const later = await json(await v.http(`/api/map/outages?from=${t0 - 1000}&to=${t0 + 120_000}`));
  assert.equal(later.current.length, 0);
  assert.equal(later.past.length, 1);
  assert.equal(later.past[0].endMs - later.past[0].startMs, 61_000);
});

test('the map routes are in the OpenAPI description', async () => {
  const doc = await json(await v.http('/api/openapi.json'));
  for (const p of ['/api/map/cameras', '/api/map/view', '/api/map/cameras/{id}', '/api/map/who-sees', '/api/map/sites', '/api/map/coverage', '/api/map/outages', '/api/map/import/placements']) {
    assert.ok(doc.paths[p], p);
  }
});

test('basemap import: a PMTiles archive is kept and served by range; a corrupt one is refused with the reason and changes nothing', async () => {
  const { writePmtiles } = await import('../helpers/pmtiles-writer.ts');
  const before = await json(await v.http('/api/map/basemap'));
  assert.equal(before.basemap.kind, 'none');
  const good = writePmtiles([{ z: 0, x: 0, y: 0, data: new Uint8Array([0x1a, 0x00]) }], { vector_layers: [{ id: 'roads' }] });
  const up = await v.http('/api/map/basemap', { method: 'POST', headers: { 'content-type': 'application/vnd.pmtiles' }, body: good });
  assert.equal(up.status, 200, await up.clone().text());
  assert.deepEqual((await json(up)).basemap.vectorLayers, ['roads']);
  const info = await json(await v.http('/api/map/basemap'));
  assert.equal(info.basemap.kind, 'pmtiles');
  const range = await v.http('/api/map/basemap.pmtiles', { headers: { range: 'bytes=0-6' } });
  assert.equal(range.status, 206);
  assert.equal(range.headers.get('content-range'), `bytes 0-6/${good.length}`);
  assert.equal(Buffer.from(await range.arrayBuffer()).toString('latin1'), 'PMTiles');

  const corrupt = good.slice(0, good.length - 3);
  const refused = await v.http('/api/map/basemap', { method: 'POST', headers: { 'content-type': 'application/vnd.pmtiles' }, body: corrupt });
  assert.equal(refused.status, 400);
  const err = (await json(refused)).error;
  assert.equal(err.code, 'MAP_BASEMAP_INVALID');
  assert.match(err.message, /truncated/);
  const still = await v.http('/api/map/basemap.pmtiles');
  assert.equal(Buffer.from(await still.arrayBuffer()).length, good.length, 'the good basemap is kept');
  assert.ok((await v.store.listAudit(0, 1000)).some((e) => e.action === 'map.basemap.import'));
});

test('the view: zoomed out the placed cameras come as one cluster with their count; zoomed in one by one; by id for alarms', async () => {
  for (const [id, x] of [['a', 0], ['b', 30], ['c', 60], ['d', 90]] as const) {
    const [lon, lat] = at(x, 0);
    assert.equal((await v.http(`/api/map/cameras/${id}`, { method: 'PUT', json: { lon, lat, bearing: 0, angle: 60, range: 40 } })).status, 200);
  }
  const [w, s] = at(-2_000, -2_000);
  const [e, n] = at(2_000, 2_000);
  const farRes = await v.http(`/api/map/view?bbox=${w},${s},${e},${n}&zoom=10`);
  assert.equal(farRes.status, 200, await farRes.clone().text());
  const far = await json(farRes);
  assert.equal(far.total, 4);
  assert.equal(far.detailed, false);
  assert.deepEqual(far.clusters.map((c: any) => c.count), [4], 'four cameras 90 m apart are one cluster at zoom 10');
  assert.deepEqual(far.cameras, []);
  assert.equal(far.extent.length, 4);
  const near = await json(await v.http(`/api/map/view?bbox=${w},${s},${e},${n}&zoom=17`));
  assert.equal(near.detailed, true);
  assert.deepEqual(near.cameras.map((c: any) => c.id).sort(), ['a', 'b', 'c', 'd']);
  assert.equal(near.cameras[0].state, 'disabled');
  const bad = await v.http('/api/map/view?bbox=1,2,0,3&zoom=10');
  assert.equal(bad.status, 400);
  const noZoom = await v.http(`/api/map/view?bbox=${w},${s},${e},${n}`);
  assert.equal(noZoom.status, 400);
  const byId = await json(await v.http('/api/map/cameras?ids=d,a,nope'));
  assert.deepEqual(byId.cameras.map((c: any) => c.id), ['d', 'a']);
});

test('the outage picture survives a restart: open areas are kept with their cameras and taken up again', async () => {
  const t0 = Date.now() - 30_000;
  await v.map.cameraDown('c', t0);
  await v.map.cameraDown('d', t0 + 2_000);
  const before = v.map.currentOutages().find((o) => o.cameraIds.includes('c'))!;
  assert.deepEqual(before.cameraIds, ['c', 'd']);
  // A second service on the same database, as after a restart.
  const restarted = new MapService(v.store);
  assert.equal(restarted.currentOutages().length, 0);
  await restarted.restoreOutages();
  const taken = restarted.currentOutages();
  assert.equal(taken.length, 1);
  assert.deepEqual({ id: taken[0]!.id, cameraIds: taken[0]!.cameraIds, downIds: taken[0]!.downIds, startMs: taken[0]!.startMs }, { id: before.id, cameraIds: ['c', 'd'], downIds: ['c', 'd'], startMs: t0 });
  // The camera reported down again after the restart stays in the same area; both back, it closes.
  await restarted.cameraDown('c', Date.now());
  assert.equal(restarted.currentOutages().length, 1);
  await restarted.cameraUp('c', t0 + 40_000);
  await restarted.cameraUp('d', t0 + 45_000);
  assert.equal(restarted.currentOutages().length, 0);
  const kept = (await v.store.listOutageAreas({ fromMs: t0, toMs: t0 + 60_000 })).find((a) => a.id === before.id)!;
  assert.equal(kept.endMs, t0 + 45_000);
  assert.equal(kept.members, null);
  // The first service's own picture is left as it was (it saw no ups): clean it up for the tests after.
  await v.map.cameraUp('c', t0 + 40_000);
  await v.map.cameraUp('d', t0 + 45_000);
});

test('basemap import: an MBTiles file is kept and served tile by tile (rows flipped, gzip said); one that is not SQLite, or has no tiles, is refused', async () => {
  const { DatabaseSync } = await import('node:sqlite');
  const { gzipSync } = await import('node:zlib');
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'vigil-mbtiles-'));
  const make = (tiles: [number, number, number, Uint8Array][], meta: Record<string, string>) => {
    const file = join(dir, `${Math.random()}.mbtiles`);
    const db = new DatabaseSync(file);
    db.exec('CREATE TABLE metadata (name TEXT, value TEXT); CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)');
    for (const [k, val] of Object.entries(meta)) db.prepare('INSERT INTO metadata VALUES (?, ?)').run(k, val);
    for (const [z, x, row, data] of tiles) db.prepare('INSERT INTO tiles VALUES (?, ?, ?, ?)').run(z, x, row, data);
    db.close();
    return readFileSync(file);
  };
  try {
    // One vector tile with an empty "roads" layer, gzip-compressed as MBTiles keeps them; z1 x1 y0 is row 1 (TMS).
    const name = [...new TextEncoder().encode('roads')];
    const layer = [0x0a, name.length, ...name, 0x28, 0x80, 0x20, 0x78, 0x02];
    const mvt = new Uint8Array([0x1a, layer.length, ...layer]);
    const good = make([[1, 1, 1, gzipSync(mvt)]], { name: 'city', format: 'pbf', minzoom: '0', maxzoom: '1', bounds: '69,34,69.5,34.7', json: JSON.stringify({ vector_layers: [{ id: 'roads' }] }) });
    const up = await v.http('/api/map/basemap', { method: 'POST', headers: { 'content-type': 'application/vnd.mbtiles' }, body: good });
    assert.equal(up.status, 200, await up.clone().text());
    const info = (await json(up)).basemap;
    assert.deepEqual({ kind: info.kind, tileType: info.tileType, minZoom: info.minZoom, maxZoom: info.maxZoom, bounds: info.bounds, vectorLayers: info.vectorLayers },
      { kind: 'mbtiles', tileType: 'mvt', minZoom: 0, maxZoom: 1, bounds: [69, 34, 69.5, 34.7], vectorLayers: ['roads'] });
    assert.equal((await json(await v.http('/api/map/basemap'))).basemap.kind, 'mbtiles');
    const tile = await v.http('/api/map/basemap/tiles/1/1/0');
    assert.equal(tile.status, 200);
    assert.equal(tile.headers.get('content-type'), 'application/vnd.mapbox-vector-tile');
    // fetch undoes the gzip the server declared: the tile arrives as the MVT bytes.
    assert.deepEqual(new Uint8Array(await tile.arrayBuffer()), mvt);
    assert.equal((await v.http('/api/map/basemap/tiles/1/1/1')).status, 204, 'a tile the file does not have is empty');
    assert.equal((await v.http('/api/map/basemap.pmtiles')).status, 404, 'the PMTiles archive imported before is replaced');

    const notSqlite = await v.http('/api/map/basemap', { method: 'POST', headers: { 'content-type': 'application/vnd.mbtiles' }, body: Buffer.from('SQLite format 3\0 but then nothing of a database'.padEnd(2048, 'x')) });
    assert.equal(notSqlite.status, 400);
    assert.equal((await json(notSqlite)).error.code, 'MAP_BASEMAP_INVALID');
    const empty = make([], { format: 'pbf' });
    const noTiles = await v.http('/api/map/basemap', { method: 'POST', headers: { 'content-type': 'application/vnd.mbtiles' }, body: empty });
    assert.equal(noTiles.status, 400);
    assert.match((await json(noTiles)).error.message, /no tiles/);
    const pngTiles = make([[0, 0, 0, mvt]], { format: 'png' });
    const lying = await v.http('/api/map/basemap', { method: 'POST', headers: { 'content-type': 'application/vnd.mbtiles' }, body: pngTiles });
    assert.equal(lying.status, 400);
    assert.match((await json(lying)).error.message, /not png images/);
    // The refused files changed nothing.
    assert.equal((await v.http('/api/map/basemap/tiles/1/1/0')).status, 200);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('basemap import: a georeferenced image with its corners; a file that is no image, or corners mirrored or off Earth, are refused', async () => {
  const { encodePng } = await import('../../src/media/index.ts');
  const png = encodePng(new Uint8Array(40 * 30 * 3).fill(128), 40, 30);
  const [w, s] = at(-500, -400);
  const [e, n] = at(500, 400);
  const corners = [w, n, e, n, e, s, w, s].join(',');
  const up = await v.http(`/api/map/basemap?corners=${corners}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
  assert.equal(up.status, 200, await up.clone().text());
  const info = (await json(up)).basemap;
  assert.deepEqual({ kind: info.kind, format: info.format, width: info.width, height: info.height }, { kind: 'raster', format: 'png', width: 40, height: 30 });
  assert.deepEqual(info.corners, [[w, n], [e, n], [e, s], [w, s]]);
  const image = await v.http('/api/map/basemap/image');
  assert.equal(image.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await image.arrayBuffer()), png);
  assert.equal((await v.http('/api/map/basemap/tiles/1/1/0')).status, 404, 'the MBTiles basemap is replaced');

  const refuse = async (q: string, type: string, body: Uint8Array, code: string, message: RegExp) => {
    const r = await v.http(`/api/map/basemap${q}`, { method: 'POST', headers: { 'content-type': type }, body });
    assert.equal(r.status, 400, q);
    const err = (await json(r)).error;
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
  };
  await refuse(`?corners=${corners}`, 'image/png', Buffer.from('GIF89a not a png at all, sorry'), 'MAP_BASEMAP_INVALID', /not a PNG, JPEG or WebP/);
  await refuse(`?corners=${corners}`, 'image/jpeg', png.subarray(0, 2), 'MAP_BASEMAP_INVALID', /not a PNG, JPEG or WebP/);
  await refuse('', 'image/png', png, 'BAD_REQUEST', /corners/);
  await refuse(`?corners=${[e, n, w, n, w, s, e, s].join(',')}`, 'image/png', png, 'MAP_BAD_INPUT', /mirrored/);
  await refuse(`?corners=${[w, n, e, n, e, s].join(',')}`, 'image/png', png, 'MAP_BAD_INPUT', /8 numbers/);
  await refuse(`?corners=${[w, 95, e, n, e, s, w, s].join(',')}`, 'image/png', png, 'MAP_BAD_INPUT', /top-left corner .* not on Earth/);
  const text = await v.http('/api/map/basemap', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: png });
  assert.ok([400, 415].includes(text.status), `a text body is refused (${text.status})`);
  assert.deepEqual(Buffer.from(await (await v.http('/api/map/basemap/image')).arrayBuffer()), png, 'the good image is kept');
  const audit = (await v.store.listAudit(0, 2000)).filter((x) => x.action === 'map.basemap.import');
  assert.deepEqual(audit.map((x) => (x.details as { kind: string }).kind).slice(-3), ['pmtiles', 'mbtiles', 'raster']);
});

test('label glyphs are served by Vigil itself: a range as MapLibre asks for it; a bad range is refused', async () => {
  const { decodeGlyphs } = await import('../helpers/glyph-reader.ts');
  const res = await v.http('/api/map/glyphs/DejaVu%20Sans/65024-65279.pbf');
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get('content-type'), 'application/x-protobuf');
  const range = decodeGlyphs(new Uint8Array(await res.arrayBuffer()));
  assert.equal(range.range, '65024-65279');
  assert.ok(range.glyphs.some((g) => g.id === 0xfeed), 'waw, isolated form');
  // Any font stack a style names is drawn with the one font Vigil has.
  assert.equal((await v.http('/api/map/glyphs/Noto%20Sans%20Regular,Arial%20Unicode%20MS%20Regular/0-255.pbf')).status, 200);
  for (const bad of ['0-100.pbf', '256-767.pbf', '100-355.pbf', '65536-65791.pbf', '0-255.png']) {
    assert.equal((await v.http(`/api/map/glyphs/DejaVu%20Sans/${bad}`)).status, 400, bad);
  }
  const cookie = v.cookie;
  v.cookie = null;
  assert.equal((await v.http('/api/map/glyphs/DejaVu%20Sans/0-255.pbf')).status, 401);
  v.cookie = cookie;
});

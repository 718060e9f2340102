// The security map in headless Chromium against the demo city: the map is home, nothing is fetched
// from another origin, a camera is placed and its cone turned, who sees a point, an alarm on the map
// opens its video, and the demo's power cut shows as one outage area. Screenshots in English and Dari.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openControlRoom, type ControlRoom, type RunningDemo, signInAsAdmin } from './helpers.ts';

// A quick power feed for the test: a cut 75 s after start and every 75 s, lasting 40 s (the
// cameras are back, reconnect back-off included, before the next cut: one area at a time).
process.env.VIGIL_DEMO_POWER_CUT_EVERY = '75';
process.env.VIGIL_DEMO_POWER_CUT_SECONDS = '40';

// Predicates are functions, not strings: the page's Content-Security-Policy forbids eval, which is
// how a string predicate would be run. They run in the page, so they reach the DOM through globalThis.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDoc = any;
const mapDrawn = (min: number) => Number((globalThis as AnyDoc).document.querySelector('[data-testid="map"]')?.dataset.rendered ?? 0) >= min;
const playing = (scope: string) => Array.from((globalThis as AnyDoc).document.querySelectorAll(`${scope} video`) as ArrayLike<AnyDoc>).some((v: AnyDoc) => v.readyState >= 2 && v.currentTime > 0);

interface Pos { lon: number; lat: number; bearing: number; angle: number; range: number; ptz: boolean; siteId: string | null }

/** Pixel (page coordinates) of a place, through the map's own projection. */
async function pixelOf(page: Page, lon: number, lat: number): Promise<{ x: number; y: number }> {
  return page.evaluate(([lo, la]) => {
    const map = (globalThis as AnyDoc).vigilMap;
    const pt = map.project([lo, la]);
    const box = map.getContainer().getBoundingClientRect();
    return { x: box.left + pt.x, y: box.top + pt.y } as { x: number; y: number };
  }, [lon, lat] as [number, number]);
}

async function position(page: Page, base: string, id: string): Promise<Pos | null> {
  const res = await page.request.get(`${base}/api/cameras/${id}`);
  assert.equal(res.status(), 200);
  return ((await res.json()) as { camera: { position: Pos | null } }).camera.position;
}

/** The point `m` metres from a camera along its bearing (a place its cone holds). */
function ahead(p: Pos, m: number): [number, number] {
  const rad = (p.bearing * Math.PI) / 180;
  return [p.lon + (Math.sin(rad) * m) / (111_195 * Math.cos((p.lat * Math.PI) / 180)), p.lat + (Math.cos(rad) * m) / 111_195];
}

describe('the security map', () => {
  let room: ControlRoom | null = null;
  let demo: RunningDemo;
  let page: Page;
  let shots: string;
  const foreign: string[] = [];

  before(async () => {
    room = await openControlRoom();
    ({ demo, page, shots } = room);
    page.on('request', (r) => {
      const url = r.url();
      if (!url.startsWith(demo.baseUrl) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
    });
    await signInAsAdmin(page, demo, '/', null);
  });

  after(async () => {
    await room?.close();
  });

  test('the map is home: the district, its 60 cameras, 9 sites, labels in Latin and Arabic script', async () => {
    await page.getByTestId('map-screen').waitFor({ timeout: 15_000 });
    await page.waitForFunction(mapDrawn, 60, { timeout: 30_000 });
    assert.ok((await page.getByTestId('site-label').count()) >= 8);
    const streetLabels = await page.locator('.map-label-street').allInnerTexts();
    assert.ok(streetLabels.some((l) => l.includes('Saffron Road') && l.includes('سرک زعفران')), streetLabels.join(' | '));
    // The Arabic-script label is drawn with the font Vigil serves, not a system fallback.
    await page.waitForFunction(() => (globalThis as AnyDoc).document.fonts.check('12px "Noto Sans Arabic"', 'سرک'), undefined, { timeout: 10_000 });
    const rows = await page.getByTestId('coverage-row').count();
    assert.equal(rows, 9);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(shots, 'map-en.png') });
  });

  test('zoomed out, the cameras are clusters (made by the server) whose counts add up; a click on one zooms in', async () => {
    const home = await page.evaluate(() => { const m = (globalThis as AnyDoc).vigilMap; return { center: m.getCenter().toArray(), zoom: m.getZoom() }; });
    await page.evaluate((z) => (globalThis as AnyDoc).vigilMap.jumpTo({ zoom: z }), home.zoom - 2.5);
    await page.waitForFunction(() => Number((globalThis as AnyDoc).document.querySelector('[data-testid="map"]')?.dataset.clusters ?? 0) > 0, undefined, { timeout: 10_000 });
    await page.waitForTimeout(800);
    const counts = (await page.getByTestId('cluster').allInnerTexts()).map(Number);
    assert.ok(counts.length >= 1 && counts.every((n) => n >= 2), counts.join(','));
    const shown = await page.evaluate(() => {
      const m = (globalThis as AnyDoc).vigilMap;
      return m.querySourceFeatures('cameras').filter((f: AnyDoc) => !('point_count' in f.properties)).length as number;
    });
    const total = Number(await page.getByTestId('map').getAttribute('data-rendered'));
    assert.ok(total >= 60, `${total} cameras in view`);
    assert.equal(counts.reduce((a, b) => a + b, 0) + shown, total, 'every camera is in a cluster or drawn alone');
    await page.screenshot({ path: path.join(shots, 'map-clusters-en.png') });
    const before = await page.evaluate(() => (globalThis as AnyDoc).vigilMap.getZoom() as number);
    const cluster = await page.evaluate(() => {
      const m = (globalThis as AnyDoc).vigilMap;
      const f = m.queryRenderedFeatures({ layers: ['clusters'] })[0];
      const p = m.project(f.geometry.coordinates);
      const box = m.getContainer().getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    });
    await page.mouse.click(cluster.x, cluster.y);
    await page.waitForFunction((z) => (globalThis as AnyDoc).vigilMap.getZoom() > z + 0.5 && !(globalThis as AnyDoc).vigilMap.isMoving(), before, { timeout: 10_000 });
    await page.evaluate((h) => (globalThis as AnyDoc).vigilMap.jumpTo(h), home);
    await page.waitForFunction(() => (globalThis as AnyDoc).document.querySelector('[data-testid="map"]')?.dataset.clusters === '0', undefined, { timeout: 10_000 });
  });

  test('place a camera by hand, then turn and widen its cone', async () => {
    const id = 'cam60';
    const del = await page.request.delete(`${demo.baseUrl}/api/map/cameras/${id}`);
    assert.equal(del.status(), 204);
    assert.equal(await position(page, demo.baseUrl, id), null);
    await page.getByTestId('mode-edit').click();
    const place = page.locator(`[data-testid="place-camera"][data-camera-id="${id}"]`);
    await place.waitFor({ timeout: 15_000 });
    await place.click();
    await page.getByTestId('placing-hint').waitFor();
    // Place it in front of the Ministry of Water, on Pomegranate Street.
    const cam1 = (await position(page, demo.baseUrl, 'cam1'))!;
    const target: [number, number] = [cam1.lon + 0.0062, cam1.lat + 0.0027];
    const px = await pixelOf(page, target[0], target[1]);
    await page.mouse.click(px.x, px.y);
    await page.waitForFunction((cam) => (globalThis as AnyDoc).document.querySelector('[data-testid="map-selected"]')?.dataset.cameraId === cam, id, { timeout: 10_000 });
    const placed = (await position(page, demo.baseUrl, id))!;
    assert.ok(placed, 'the camera has a position');
    assert.ok(Math.abs(placed.lon - target[0]) < 0.0002 && Math.abs(placed.lat - target[1]) < 0.0002, `placed at ${placed.lon},${placed.lat}, clicked ${target}`);

    // Turn it with the bearing field ...
    await page.getByTestId('edit-bearing').fill('135');
    await page.getByTestId('edit-range').focus();
    await expectPosition(page, demo.baseUrl, id, (p) => p.bearing === 135);
    // ... and by dragging the handle at the cone's tip to due west of the camera.
    await page.getByTestId('edit-tip').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(500);
    const tip = await page.getByTestId('edit-tip').boundingBox();
    assert.ok(tip, 'the cone handle is shown');
    const west = await pixelOf(page, placed.lon - 0.0009, placed.lat);
    await page.mouse.move(tip.x + tip.width / 2, tip.y + tip.height / 2);
    await page.mouse.down();
    await page.mouse.move(west.x, west.y, { steps: 8 });
    await page.mouse.up();
    const turned = await expectPosition(page, demo.baseUrl, id, (p) => Math.abs(p.bearing - 270) <= 3);
    assert.ok(Math.abs(turned.range - 82) < 10, `range follows the handle (${turned.range} m)`);
    await page.waitForFunction((b) => Number((globalThis as AnyDoc).document.querySelector('[data-testid="edit-bearing"]').value) === b, turned.bearing, { timeout: 10_000 });
    // Widen it.
    await page.getByTestId('edit-angle').focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await expectPosition(page, demo.baseUrl, id, (p) => p.angle === 95);
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(shots, 'map-place-en.png') });
    await page.getByTestId('mode-browse').click();
  });

  test('who sees this point: the cameras whose cones hold it, with their live video', async () => {
    const cam = (await position(page, demo.baseUrl, 'cam2'))!;
    const [lon, lat] = ahead(cam, 25);
    const expected = (await (await page.request.get(`${demo.baseUrl}/api/map/who-sees?lon=${lon}&lat=${lat}`)).json()) as { cameras: { id: string }[] };
    assert.ok(expected.cameras.some((c) => c.id === 'cam2'));
    await page.getByTestId('mode-whoSees').click();
    const px = await pixelOf(page, lon, lat);
    await page.mouse.click(px.x, px.y);
    await page.getByTestId('who-sees-count').waitFor({ timeout: 10_000 });
    const shown = await Promise.all((await page.getByTestId('who-sees-camera').all()).map((e) => e.getAttribute('data-camera-id')));
    assert.deepEqual(shown, expected.cameras.slice(0, 4).map((c) => c.id));
    await page.waitForFunction(playing, '[data-testid="who-sees"]', { timeout: 20_000 });
    await page.screenshot({ path: path.join(shots, 'map-who-sees-en.png') });
    // A place in the district no cone holds (found through the API among the sites' corners).
    const sites = ((await (await page.request.get(`${demo.baseUrl}/api/map/sites`)).json()) as { sites: { polygon: number[][] }[] }).sites;
    let unseen: number[] | null = null;
    for (const p of sites.flatMap((s) => s.polygon)) {
      const who = (await (await page.request.get(`${demo.baseUrl}/api/map/who-sees?lon=${p[0]}&lat=${p[1]}`)).json()) as { cameras: unknown[] };
      if (who.cameras.length === 0) { unseen = p; break; }
    }
    assert.ok(unseen, 'some site corner is seen by no camera');
    const empty = await pixelOf(page, unseen[0]!, unseen[1]!);
    await page.mouse.click(empty.x, empty.y);
    await page.getByTestId('who-sees-none').waitFor({ timeout: 10_000 });
    await page.getByTestId('mode-browse').click();
  });

  test('an open alarm pulses at its camera; a click opens the alarm and its live video', async () => {
    const marker = page.getByTestId('map-alarm').first();
    try {
      await marker.waitFor({ timeout: 120_000 });
    } catch (error) {
      throw new Error(`no alarm on the map within 120 s: ${(error as Error).message}\n${demo.output()}`);
    }
    const cameraId = await marker.getAttribute('data-camera-id');
    await marker.click();
    await page.getByTestId('map-alarm-detail').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('map-selected').getAttribute('data-camera-id'), cameraId);
    assert.match(await page.getByTestId('map-alarm-detail').innerText(), /Alarm: (Plaza front|Square)/);
    await page.waitForFunction(playing, '[data-testid="map-selected"]', { timeout: 20_000 });
    await page.screenshot({ path: path.join(shots, 'map-alarm-en.png') });
  });

  test('the power cut shows as one outage area with its count and start time', async () => {
    const label = page.getByTestId('outage-label').first();
    try {
      await label.waitFor({ timeout: 120_000 });
    } catch (error) {
      throw new Error(`no outage area within 120 s: ${(error as Error).message}\n${demo.output()}`);
    }
    const text = await label.innerText();
    assert.match(text, /^(\d+) cameras down since \d{2}:\d{2}:\d{2} \(\d+ min\)$/);
    const api = (await (await page.request.get(`${demo.baseUrl}/api/map/outages`)).json()) as { current: { count: number; cameraIds: string[] }[] };
    assert.equal(api.current.length, 1, 'one area for the whole feeder, not a dot per camera');
    assert.ok(api.current[0]!.count >= 3);
    assert.equal(Number(/^(\d+)/.exec(text)![1]), api.current[0]!.count);
    assert.equal(await page.getByTestId('outage-now').count(), 1);
    await page.screenshot({ path: path.join(shots, 'map-outage-en.png') });

    // The same picture in Dari, laid out right-to-left.
    await page.selectOption('[data-testid="language"]', 'fa');
    assert.equal(await page.evaluate(() => (globalThis as AnyDoc).document.documentElement.dir), 'rtl');
    const panel = await page.getByTestId('map-panel').boundingBox();
    assert.ok(panel && panel.x < 100, `the side panel is on the left in RTL (x=${panel?.x})`);
    await page.getByTestId('outage-label').first().waitFor();
    assert.match(await page.getByTestId('outage-label').first().innerText(), /دوربین از .* قطع است/);
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(shots, 'map-outage-fa.png') });
  });

  test('in Dari: who sees a point and an alarm, right-to-left', async () => {
    const cam = (await position(page, demo.baseUrl, 'cam2'))!;
    const [lon, lat] = ahead(cam, 25);
    await page.getByTestId('mode-whoSees').click();
    const px = await pixelOf(page, lon, lat);
    await page.mouse.click(px.x, px.y);
    await page.getByTestId('who-sees-count').waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('who-sees-count').innerText(), /این نقطه را/);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(shots, 'map-who-sees-fa.png') });
    await page.getByTestId('mode-browse').click();
    const marker = page.getByTestId('map-alarm').first();
    await marker.waitFor({ timeout: 60_000 });
    await marker.click();
    await page.getByTestId('map-alarm-detail').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(shots, 'map-alarm-fa.png') });
    // Clusters in Dari: their counts in Persian digits.
    const home = await page.evaluate(() => { const m = (globalThis as AnyDoc).vigilMap; return { center: m.getCenter().toArray(), zoom: m.getZoom() }; });
    await page.evaluate((z) => (globalThis as AnyDoc).vigilMap.jumpTo({ zoom: z }), home.zoom - 2.5);
    await page.getByTestId('cluster').first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(800);
    assert.match((await page.getByTestId('cluster').allInnerTexts()).join(' '), /^[۰-۹ ]+$/);
    await page.screenshot({ path: path.join(shots, 'map-clusters-fa.png') });
    await page.evaluate((h) => (globalThis as AnyDoc).vigilMap.jumpTo(h), home);
    await page.selectOption('[data-testid="language"]', 'en');
  });

  test('double click on a camera opens its page', async () => {
    const cam = (await position(page, demo.baseUrl, 'cam3'))!;
    const px = await pixelOf(page, cam.lon, cam.lat);
    await page.mouse.dblclick(px.x, px.y);
    await page.waitForURL('**/cameras/cam3', { timeout: 10_000 });
    await page.getByTestId('details').waitFor({ timeout: 10_000 });
  });

  test('an imported PMTiles basemap is drawn from Vigil itself', async () => {
    const { writePmtiles } = await import('../helpers/pmtiles-writer.ts');
    // One vector tile with an empty "roads" layer (name, extent 4096, version 2): a valid MVT.
    const name = [...new TextEncoder().encode('roads')];
    const layer = [0x0a, name.length, ...name, 0x28, 0x80, 0x20, 0x78, 0x02];
    const tile = new Uint8Array([0x1a, layer.length, ...layer]);
    const archive = writePmtiles([{ z: 0, x: 0, y: 0, data: tile }], { vector_layers: [{ id: 'roads' }] });
    const up = await page.request.post(`${demo.baseUrl}/api/map/basemap`, { headers: { 'content-type': 'application/vnd.pmtiles' }, data: Buffer.from(archive) });
    assert.equal(up.status(), 200, await up.text());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const ranges: string[] = [];
    page.on('request', (r) => { if (r.url().includes('basemap.pmtiles')) ranges.push(r.headers().range ?? ''); });
    await page.goto(demo.baseUrl + '/');
    await page.waitForFunction(() => (globalThis as AnyDoc).document.querySelector('[data-testid="map"]')?.dataset.basemap === 'pmtiles', undefined, { timeout: 20_000 });
    await page.waitForFunction(mapDrawn, 60, { timeout: 30_000 });
    await page.waitForTimeout(1500);
    assert.ok(ranges.some((r) => r.startsWith('bytes=')), `the archive is read by range requests (${ranges.join(', ')})`);
    assert.deepEqual(errors, []);
  });

  test('an imported MBTiles street map is labelled in Latin and Arabic script with glyphs Vigil builds and serves', async () => {
    const { DatabaseSync } = await import('node:sqlite');
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { writeMvt, tileOf } = await import('../helpers/mvt-writer.ts');
    const cam1 = (await position(page, demo.baseUrl, 'cam1'))!;
    const z = 14;
    const t = tileOf(cam1.lon, cam1.lat, z);
    const [, y0] = t.at(cam1.lon, cam1.lat);
    const mvt = writeMvt('roads', [
      // A street ~300 m north of cam1 (in view: cam1 is near the district's southern edge).
      { type: 'line', coords: [[0, y0 - 600], [4096, y0 - 600]], properties: { name: 'Saffron Road', 'name:fa': 'سرک زعفران' } },
      { type: 'point', coords: [t.at(cam1.lon + 0.003, cam1.lat + 0.002)], properties: { name: 'دروازهٔ وزارت' } },
    ]);
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-e2e-mbtiles-'));
    const file = path.join(dir, 'city.mbtiles');
    const db = new DatabaseSync(file);
    db.exec('CREATE TABLE metadata (name TEXT, value TEXT); CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)');
    for (const [k, val] of Object.entries({ format: 'pbf', minzoom: String(z), maxzoom: String(z), json: JSON.stringify({ vector_layers: [{ id: 'roads' }] }) })) db.prepare('INSERT INTO metadata VALUES (?, ?)').run(k, val);
    db.prepare('INSERT INTO tiles VALUES (?, ?, ?, ?)').run(z, t.x, 2 ** z - 1 - t.y, mvt);
    db.close();
    const up = await page.request.post(`${demo.baseUrl}/api/map/basemap`, { headers: { 'content-type': 'application/vnd.mbtiles' }, data: readFileSync(file) });
    rmSync(dir, { recursive: true, force: true });
    assert.equal(up.status(), 200, await up.text());
    const glyphs = new Map<string, number>();
    page.on('response', (r) => { const u = new URL(r.url()); if (u.pathname.startsWith('/api/map/glyphs/')) glyphs.set(decodeURIComponent(u.pathname), r.status()); });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const labelsDrawn = () => {
      const m = (globalThis as AnyDoc).vigilMap;
      return m && m.getLayer('imported-roads-place-names') && m.queryRenderedFeatures({ layers: ['imported-roads-place-names'] }).length >= 1
        && m.queryRenderedFeatures({ layers: ['imported-roads-street-names'] }).length >= 1;
    };
    await page.goto(demo.baseUrl + '/');
    await page.waitForFunction(() => (globalThis as AnyDoc).document.querySelector('[data-testid="map"]')?.dataset.basemap === 'mbtiles', undefined, { timeout: 20_000 });
    await page.waitForFunction(labelsDrawn, undefined, { timeout: 30_000 });
    await page.waitForTimeout(1000);
    const asked = [...glyphs.keys()];
    assert.ok(asked.includes('/api/map/glyphs/DejaVu Sans/0-255.pbf'), asked.join(', '));
    // MapLibre shapes Arabic words into presentation forms (U+FB50–U+FEFF): those ranges are asked for.
    assert.ok(asked.some((u) => /\/(64256|64512|65024)-\d+\.pbf$/.test(u)), asked.join(', '));
    assert.ok([...glyphs.values()].every((s) => s === 200), JSON.stringify([...glyphs]));
    assert.deepEqual(errors, []);
    await page.screenshot({ path: path.join(shots, 'map-labels-en.png') });
    // In Dari the street carries its Dari name (name:fa).
    await page.selectOption('[data-testid="language"]', 'fa');
    await page.reload();
    await page.waitForFunction(labelsDrawn, undefined, { timeout: 30_000 });
    const streetNames = await page.evaluate(() => (globalThis as AnyDoc).vigilMap.queryRenderedFeatures({ layers: ['imported-roads-street-names'] }).map((f: AnyDoc) => f.properties['name:fa']));
    assert.ok(streetNames.includes('سرک زعفران'), streetNames.join(', '));
    await page.waitForTimeout(1000);
    await page.screenshot({ path: path.join(shots, 'map-labels-fa.png') });
    // Back in English without a reload, the street's own name again.
    await page.selectOption('[data-testid="language"]', 'en');
    await page.waitForFunction(() => (globalThis as AnyDoc).vigilMap.getLayoutProperty('imported-roads-street-names', 'text-field')[1][1] === 'name:en', undefined, { timeout: 10_000 });
  });

  test('imports on the screen: a sites file with a bad feature is refused naming it; with "skip bad rows" the rest comes in', async () => {
    await page.getByTestId('mode-edit').click();
    await page.getByTestId('map-import').waitFor();
    await page.selectOption('[data-testid="import-kind"]', 'sites');
    const cam1 = (await position(page, demo.baseUrl, 'cam1'))!;
    const square = (dx: number) => [[cam1.lon + dx, cam1.lat], [cam1.lon + dx + 0.0008, cam1.lat], [cam1.lon + dx + 0.0008, cam1.lat + 0.0006], [cam1.lon + dx, cam1.lat + 0.0006], [cam1.lon + dx, cam1.lat]];
    const doc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { name: 'Water Pumping Station', kind: 'other', priority: 2 }, geometry: { type: 'Polygon', coordinates: [square(0.001)] } },
        { type: 'Feature', properties: { name: 'Nowhere', kind: 'castle', priority: 9 }, geometry: { type: 'Polygon', coordinates: [square(0.003)] } },
      ],
    };
    const before = ((await (await page.request.get(`${demo.baseUrl}/api/map/sites`)).json()) as { sites: unknown[] }).sites.length;
    await page.setInputFiles('[data-testid="import-file"]', { name: 'sites.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(doc)) });
    await page.getByTestId('import-run').click();
    const error = page.getByTestId('import-error');
    await error.waitFor({ timeout: 10_000 });
    assert.match(await error.innerText(), /nothing imported.*feature 2.*kind/);
    assert.equal(((await (await page.request.get(`${demo.baseUrl}/api/map/sites`)).json()) as { sites: unknown[] }).sites.length, before, 'nothing half-imported');
    await page.getByTestId('import-skip-bad').check();
    await page.getByTestId('import-run').click();
    await page.getByTestId('import-result').waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('import-result').innerText(), /Imported: 1\.[\s\S]*Skipped 1:[\s\S]*feature 2/);
    await page.locator('[data-testid="site-label"]', { hasText: 'Water Pumping Station' }).waitFor({ timeout: 10_000 });
    await page.getByTestId('map-import').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'map-import-en.png') });
    await page.selectOption('[data-testid="language"]', 'fa');
    await page.waitForTimeout(800);
    assert.match(await page.getByTestId('import-result').innerText(), /وارد شد/);
    await page.screenshot({ path: path.join(shots, 'map-import-fa.png') });
    await page.selectOption('[data-testid="language"]', 'en');
  });

  test('an imported georeferenced plan (an image and its corners, through the screen) is drawn under the cameras', async () => {
    const { encodePng } = await import('../../src/media/index.ts');
    // A plan of 400 × 300 pixels: a grid of light lines, as a scanned city plan would have.
    const w = 400, h = 300;
    const rgb = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const line = x % 50 < 3 || y % 50 < 3;
      rgb.set(line ? [200, 190, 150] : [70, 62, 50], (y * w + x) * 3);
    }
    const cam1 = (await position(page, demo.baseUrl, 'cam1'))!;
    const [west, north, east, south] = [cam1.lon - 0.002, cam1.lat + 0.009, cam1.lon + 0.014, cam1.lat - 0.002];
    const images: number[] = [];
    page.on('response', (r) => { if (new URL(r.url()).pathname === '/api/map/basemap/image') images.push(r.status()); });
    await page.getByTestId('map-import').waitFor();
    await page.selectOption('[data-testid="import-kind"]', 'basemap');
    await page.setInputFiles('[data-testid="import-file"]', { name: 'city-plan.png', mimeType: 'image/png', buffer: encodePng(rgb, w, h) });
    // Mirrored corners (east and west swapped) are refused with the reason; nothing changes.
    await page.getByTestId('import-corners').fill([east, north, west, north, west, south, east, south].join(','));
    await page.getByTestId('import-run').click();
    await page.getByTestId('import-error').waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('import-error').innerText(), /mirrored/);
    await page.getByTestId('import-corners').fill([west, north, east, north, east, south, west, south].join(','));
    await page.getByTestId('import-run').click();
    await page.getByTestId('import-result').waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => (globalThis as AnyDoc).document.querySelector('[data-testid="map"]')?.dataset.basemap === 'raster', undefined, { timeout: 20_000 });
    await page.waitForFunction(() => (globalThis as AnyDoc).vigilMap.isSourceLoaded('imported'), undefined, { timeout: 20_000 });
    await page.waitForTimeout(1000);
    assert.deepEqual(images, [200]);
    assert.equal(await page.evaluate(() => (globalThis as AnyDoc).vigilMap.getStyle().layers.some((l: AnyDoc) => l.id === 'imported-image')), true);
    await page.screenshot({ path: path.join(shots, 'map-raster-en.png') });
    await page.selectOption('[data-testid="language"]', 'fa');
    await page.waitForTimeout(1000);
    await page.screenshot({ path: path.join(shots, 'map-raster-fa.png') });
    await page.selectOption('[data-testid="language"]', 'en');
    await page.getByTestId('mode-browse').click();
  });

  test('nothing was asked of another origin', () => {
    assert.deepEqual(foreign, []);
  });
});

async function expectPosition(page: Page, base: string, id: string, ok: (p: Pos) => boolean): Promise<Pos> {
  const deadline = Date.now() + 10_000;
  let last: Pos | null = null;
  while (Date.now() < deadline) {
    last = await position(page, base, id);
    if (last && ok(last)) return last;
    await page.waitForTimeout(200);
  }
  throw new Error(`position of ${id} never matched: ${JSON.stringify(last)}`);
}

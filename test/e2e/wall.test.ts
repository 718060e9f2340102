// The video wall in a real browser against a real `vigil demo` (issue 12): layouts, a camera
// dragged from the list into a tile, each tile's clock a real wall-clock time (when the frame was
// taken, not how long it has played) with the name on an opaque plate, a layout saved with a tour
// (audited) that comes back after a reload and runs (the tile's camera changes after the dwell),
// full screen for a tile, and an alarm pushed from the alarm screen into a tile.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { repoRoot, type RunningDemo, openControlRoom, type ControlRoom, signInAsAdmin } from './helpers.ts';

describe('the video wall', { timeout: 240_000 }, () => {
  let demo: RunningDemo;
  let page: Page;
  let shots: string;
  let room: ControlRoom | null = null;

  before(async () => {
    const models = path.join(repoRoot, '.cache', 'models');
    if (!process.env.VIGIL_MODEL_DIR && existsSync(models)) process.env.VIGIL_MODEL_DIR = models;
    room = await openControlRoom();
    ({ demo, page, shots } = room);
    await signInAsAdmin(page, demo, '/wall', 'wall-screen');
  });

  after(async () => {
    await room?.close();
  });

  const tile = (i: number) => page.locator(`[data-testid="wall-tile"][data-tile="${i}"]`);
  const tileCamera = async (i: number) => tile(i).getAttribute('data-camera-id');

  test('layouts; a camera dragged into a tile; the tile clock is the time the frame was taken, the name on an opaque plate', async () => {
    await page.getByTestId('wall-camera').nth(5).waitFor({ timeout: 15_000 });
    // A first visit fills the 2×2 wall with the first cameras.
    await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-testid="wall-tile"][data-tile="3"]')?.getAttribute('data-camera-id'), undefined, { timeout: 10_000 });
    for (const [kind, tiles] of [['1', 1], ['3x3', 9], ['4x4', 16], ['1+7', 8], ['1+5', 6]] as const) {
      await page.getByTestId(`wall-layout-${kind}`).click();
      assert.equal(await page.getByTestId('wall-tile').count(), tiles, `layout ${kind}`);
    }
    // 1+5: the large tile is four small ones (and the gaps) in area.
    const big = (await tile(0).boundingBox())!;
    const small = (await tile(1).boundingBox())!;
    assert.ok(big.width > small.width * 1.9 && big.height > small.height * 1.9, `large ${big.width}×${big.height}, small ${small.width}×${small.height}`);
    await page.getByTestId('wall-layout-custom').click();
    await page.getByTestId('wall-cols').fill('5');
    await page.getByTestId('wall-rows').fill('1');
    assert.equal(await page.getByTestId('wall-tile').count(), 5);
    await page.getByTestId('wall-layout-2x2').click();

    // Drag the sixth camera of the list onto tile 2.
    const source = page.getByTestId('wall-camera').nth(5);
    const id = await source.getAttribute('data-camera-id');
    assert.notEqual(await tileCamera(1), id);
    await source.dragTo(tile(1));
    assert.equal(await tileCamera(1), id, 'the dropped camera fills the tile');

    // Each playing tile shows when its frame was taken: a clock time near now, on the 24-hour clock.
    const clock = tile(1).getByTestId('frame-clock');
    await clock.waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1500);
    // Both read in one go: the clock ticks with the video, so two reads could straddle a second.
    const { iso, shown } = await clock.evaluate((el) => ({ iso: el.getAttribute('datetime')!, shown: (el as any).innerText as string }));
    const lag = Date.now() - Date.parse(iso);
    assert.ok(lag > -2000 && lag < 10_000, `the frame was taken ${lag} ms ago (${iso}), not hours or days off`);
    assert.match(shown, /^\d{2}:\d{2}:\d{2}$/);
    const expected = await page.evaluate((at) => new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(Date.parse(at)), iso);
    assert.equal(shown, expected, 'the text is that time of day');
    // It advances with the video, like a clock.
    await page.waitForTimeout(2200);
    const later = Date.parse((await clock.getAttribute('datetime'))!);
    assert.ok(later - Date.parse(iso) >= 1000, `the clock moved ${later - Date.parse(iso)} ms`);
    // The name sits on an (almost) opaque plate, readable over whatever the camera writes into its picture.
    const plate = await tile(1).getByTestId('wall-tile-name').evaluate((el) => (globalThis as any).getComputedStyle(el).backgroundColor as string);
    const alpha = Number(/rgba?\([^)]*?,\s*([\d.]+)\)$/.exec(plate)?.[1] ?? (plate.startsWith('rgb(') ? 1 : 0));
    assert.ok(alpha >= 0.8, `name plate background ${plate}`);
    await page.screenshot({ path: path.join(shots, 'wall-en.png') });

    // Full screen for one tile.
    await tile(1).hover();
    await tile(1).getByTestId('wall-tile-fullscreen').click();
    await page.waitForFunction(() => (globalThis as any).document.fullscreenElement?.getAttribute('data-tile') === '1', undefined, { timeout: 5000 });
    await page.screenshot({ path: path.join(shots, 'wall-tile-fullscreen-en.png') });
    await page.evaluate(() => (globalThis as any).document.exitFullscreen());
    await page.waitForFunction(() => !(globalThis as any).document.fullscreenElement, undefined, { timeout: 5000 });
    // And the whole wall.
    await page.getByTestId('wall-fullscreen').click();
    await page.waitForFunction(() => (globalThis as any).document.fullscreenElement?.getAttribute('data-testid') === 'wall-grid', undefined, { timeout: 5000 });
    await page.evaluate(() => (globalThis as any).document.exitFullscreen());
    await page.waitForFunction(() => !(globalThis as any).document.fullscreenElement, undefined, { timeout: 5000 });
  });

  test('a tour runs on a saved layout: saved (audited), back after a reload, the tile changes camera after the dwell', async () => {
    await page.getByTestId('wall-layout-1').click();
    const ids = await page.getByTestId('wall-camera').evaluateAll((els) => els.slice(0, 3).map((e) => e.getAttribute('data-camera-id')!));
    for (let i = 0; i < 3; i++) await page.getByTestId('wall-tour-add').nth(i).click();
    assert.equal(await page.locator('[data-testid="wall-tour-list"] li').count(), 3);
    await page.getByTestId('wall-dwell').fill('4');
    await page.getByTestId('wall-name').fill('Night tour');
    await page.getByTestId('wall-save').click();
    await page.locator('[data-testid="wall-message"]', { hasText: 'Saved “Night tour”' }).waitFor({ timeout: 5000 });
    const auditRes = await page.context().request.get(`${demo.baseUrl}/api/audit?action=wall.create`);
    assert.equal(auditRes.status(), 200, await auditRes.text());
    const audit = (await auditRes.json()) as { entries: { details: Record<string, unknown> }[] };
    assert.ok(audit.entries.some((e) => e.details.name === 'Night tour' && e.details.tour === 3), JSON.stringify(audit.entries.slice(0, 3)));

    // The saved layout is the server's, not the page's: a reload brings it back.
    await page.reload();
    await page.getByTestId('wall-screen').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="wall-grid"][data-layout="1"]').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('wall-name').inputValue(), 'Night tour');
    assert.equal(await page.locator('[data-testid="wall-tour-list"] li').count(), 3);
    assert.equal(await page.getByTestId('wall-dwell').inputValue(), '4');

    await page.getByTestId('wall-tour-toggle').click();
    await page.getByTestId('wall-tour-status').waitFor({ timeout: 3000 });
    const first = await tileCamera(0);
    assert.equal(first, ids[0], 'the tour starts with its first camera');
    await page.waitForFunction((want) => (globalThis as any).document.querySelector('[data-testid="wall-tile"][data-tile="0"]')?.getAttribute('data-camera-id') === want, ids[1], { timeout: 7000, polling: 200 });
    assert.equal(await page.getByTestId('wall-tour-status').getAttribute('data-step'), '1');
    await page.getByTestId('frame-clock').first().waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(shots, 'wall-tour-en.png') });
    await page.waitForFunction((want) => (globalThis as any).document.querySelector('[data-testid="wall-tile"][data-tile="0"]')?.getAttribute('data-camera-id') === want, ids[2], { timeout: 7000, polling: 200 });
    await page.getByTestId('wall-tour-toggle').click();
  });

  test('an alarm pushed from the alarm screen: into an open wall in another window, or a wall opened here', async () => {
    let alarms: { id: string; cameraId: string }[] = [];
    for (let i = 0; i < 120 && alarms.length === 0; i++) {
      alarms = ((await (await page.context().request.get(`${demo.baseUrl}/api/alarms`)).json()) as { alarms: { id: string; cameraId: string }[] }).alarms;
      if (alarms.length === 0) await page.waitForTimeout(1000);
    }
    assert.ok(alarms.length > 0, 'the demo raised an alarm within two minutes');
    const alarm = alarms[0];

    // A wall open in a second window (the wall's monitor) takes the push.
    const wall = await page.context().newPage();
    await wall.goto(demo.baseUrl + '/wall');
    await wall.getByTestId('wall-screen').waitFor({ timeout: 15_000 });
    await page.goto(`${demo.baseUrl}/alarms/${alarm.id}`);
    await page.getByTestId('alarm-push-wall').waitFor({ timeout: 15_000 });
    await page.getByTestId('alarm-push-wall').click();
    await page.getByTestId('alarm-pushed').waitFor({ timeout: 5000 });
    const pushedTile = wall.locator('[data-testid="wall-tile"][data-tile="0"]');
    await pushedTile.getByTestId('wall-tile-alarm').waitFor({ timeout: 5000 });
    assert.equal(await pushedTile.getAttribute('data-camera-id'), alarm.cameraId);
    await wall.screenshot({ path: path.join(shots, 'wall-alarm-push-en.png') });
    await wall.close();

    // No wall open: the push opens one here, with the alarm in the chosen tile (the last tile when
    // the wall, here the one-tile tour saved above, has fewer).
    await page.getByTestId('alarm-push-tile').selectOption({ value: '1' });
    await page.getByTestId('alarm-push-wall').click();
    await page.waitForURL(`**/wall?alarm=${alarm.id}&tile=1`);
    await page.locator('[data-testid="wall-grid"][data-layout="1"]').waitFor({ timeout: 10_000 });
    await tile(0).getByTestId('wall-tile-alarm').waitFor({ timeout: 10_000 });
    assert.equal(await tileCamera(0), alarm.cameraId);
    await page.getByTestId('wall-layout-2x2').click();
    await tile(1).getByTestId('wall-tile-alarm').waitFor({ timeout: 5000 });
    assert.equal(await tileCamera(1), alarm.cameraId, 'on a wall with that tile, the alarm is in it');
  });

  test('a camera dragged from the map (open in another window) onto a tile', async () => {
    const map = await page.context().newPage();
    await map.goto(demo.baseUrl + '/');
    // The demo's open alarm marks a camera on the map; a click selects it.
    await map.getByTestId('map-alarm').first().waitFor({ timeout: 60_000 });
    await map.getByTestId('map-alarm').first().click();
    const heading = map.getByTestId('map-selected-name');
    await heading.waitFor({ timeout: 10_000 });
    const cameraId = (await map.getByTestId('map-selected').getAttribute('data-camera-id'))!;
    assert.equal(await heading.getAttribute('draggable'), 'true');
    // What the map's drag carries (the browser's own drag between windows cannot be scripted: the
    // two halves are driven with the same DataTransfer the browser would hand over).
    const carried = await heading.evaluate((el) => {
      const g = globalThis as any;
      const dt = new g.DataTransfer();
      el.dispatchEvent(new g.DragEvent('dragstart', { bubbles: true, dataTransfer: dt }));
      return dt.getData('application/x-vigil-camera') as string;
    });
    assert.equal(carried, cameraId);
    await map.close();
    await page.goto(demo.baseUrl + '/wall');
    await page.getByTestId('wall-screen').waitFor({ timeout: 15_000 });
    await page.getByTestId('wall-layout-2x2').click();
    await tile(2).evaluate((el, id) => {
      const g = globalThis as any;
      const dt = new g.DataTransfer();
      dt.setData('application/x-vigil-camera', id);
      el.dispatchEvent(new g.DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
      el.dispatchEvent(new g.DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
    }, carried);
    assert.equal(await tileCamera(2), cameraId);
  });

  test('right to left: the wall in Dari', async () => {
    await page.goto(demo.baseUrl + '/wall?lang=fa');
    await page.getByTestId('wall-screen').waitFor({ timeout: 15_000 });
    assert.equal(await page.evaluate(() => (globalThis as any).document.documentElement.dir), 'rtl');
    await page.getByTestId('wall-layout-1+5').click();
    await page.getByTestId('frame-clock').first().waitFor({ timeout: 30_000 });
    // The large tile sits at the inline start: the right in a right-to-left page.
    const big = (await tile(0).boundingBox())!;
    const small = (await tile(1).boundingBox())!;
    assert.ok(big.x > small.x, `large tile at ${big.x}, small at ${small.x}`);
    assert.match(await page.getByTestId('frame-clock').first().innerText(), /^[0-9۰-۹]{2}:[0-9۰-۹]{2}:[0-9۰-۹]{2}$/);
    await page.screenshot({ path: path.join(shots, 'wall-fa.png') });
  });
});

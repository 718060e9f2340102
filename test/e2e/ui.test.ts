// The control room in a real browser against a real `vigil demo`: login, live grid, camera view, RTL.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type RunningDemo, openControlRoom, type ControlRoom } from './helpers.ts';

// Evaluated in the page (a string, because this file is type-checked without DOM types).
const VIDEO_TIMES = `Array.from(document.querySelectorAll('[data-testid="tile"] video')).map((v) => v.currentTime)`;
const FIRST_FRAME = `Array.from(document.querySelectorAll('video')).some((v) => v.readyState >= 2 && v.currentTime > 0)`;
const VIEW_VIDEO_TIME = `document.querySelector('[data-testid="camera-video"] video')?.currentTime ?? -1`;

/** Tiles whose video shows frames and whose player says so (no overlay left over the picture). */
async function playingTiles(page: Page, minimum: number, timeoutMs: number): Promise<void> {
  await page.waitForFunction(
    `Array.from(document.querySelectorAll('[data-testid="tile"] .live[data-live-state="playing"] video')).filter((v) => v.readyState >= 2 && v.currentTime > 0).length >= ${minimum}`,
    undefined,
    { timeout: timeoutMs, polling: 200 },
  );
}

describe('control-room web app', { timeout: 240_000 }, () => {
  let demo: RunningDemo | null = null;
  let browser: Browser | null = null;
  let page: Page;
  let shots: string;
  let room: ControlRoom | null = null;

  before(async () => {
    room = await openControlRoom();
    ({ demo, browser, page, shots } = room);
  });

  after(async () => {
    await room?.close();
  });

  test('login page rejects a wrong password with a message', async () => {
    await page.goto(demo!.baseUrl + '/cameras');
    await page.locator('input[name="username"]').waitFor({ timeout: 15_000 });
    assert.equal(await page.evaluate('document.documentElement.dir'), 'ltr');
    await page.screenshot({ path: path.join(shots, 'login.png') });
    await page.fill('input[name="username"]', demo!.username);
    await page.fill('input[name="password"]', 'definitely-not-the-password');
    await page.click('button[type="submit"]');
    const error = page.getByTestId('login-error');
    await error.waitFor({ timeout: 10_000 });
    assert.match(await error.innerText(), /wrong username or password|too many attempts/i);
    await page.screenshot({ path: path.join(shots, 'login-error.png') });
  });

  test('logs in through the form and at least 4 live tiles play', async () => {
    await page.fill('input[name="username"]', demo!.username);
    await page.fill('input[name="password"]', demo!.password);
    const clickedAt = Date.now();
    await page.click('button[type="submit"]');
    await page.getByTestId('tiles').waitFor({ timeout: 15_000 });
    await page.waitForFunction(FIRST_FRAME, undefined, { timeout: 30_000, polling: 50 });
    console.log(`# time from login click to first video frame: ${Date.now() - clickedAt} ms`);

    assert.ok((await page.getByTestId('tile').count()) >= 4, 'at least 4 camera tiles');
    assert.ok(await page.getByTestId('audit-notice').isVisible(), 'the audit notice is visible');
    await playingTiles(page, 4, 30_000);
    const before = (await page.evaluate(VIDEO_TIMES)) as number[];
    await page.waitForTimeout(3000);
    const afterTimes = (await page.evaluate(VIDEO_TIMES)) as number[];
    const advanced = afterTimes.filter((time, i) => before[i] !== undefined && time - before[i] > 1).length;
    console.log(`# tiles advancing over 3 s: ${advanced} of ${afterTimes.length} (${before.map((b, i) => `${b.toFixed(1)}→${afterTimes[i]?.toFixed(1)}`).join(', ')})`);
    assert.ok(advanced >= 4, `at least 4 tiles' video advance, got ${advanced}`);
    await page.screenshot({ path: path.join(shots, 'grid.png') });
  });

  test('the filter box narrows the grid and the keyboard opens a tile', async () => {
    const total = await page.getByTestId('tile').count();
    const name = (await page.locator('[data-testid="tile"] .tile-name').first().innerText()).trim();
    await page.keyboard.press('/');
    await page.keyboard.type(name);
    await page.waitForFunction(`document.querySelectorAll('[data-testid="tile"]').length === 1`, undefined, { timeout: 5000 });
    assert.equal(await page.locator('[data-testid="tile"] .tile-name').innerText(), name);
    await page.keyboard.press('Escape');
    await page.waitForFunction(`document.querySelectorAll('[data-testid="tile"]').length === ${total}`, undefined, { timeout: 5000 });
    // Arrow keys move between tiles; Enter follows the focused tile's link; Esc comes back.
    await page.locator('[data-testid="tile"]').first().focus();
    await page.keyboard.press('ArrowRight');
    const focused = await page.evaluate(`document.activeElement?.getAttribute('data-camera-id')`);
    assert.equal(focused, await page.locator('[data-testid="tile"]').nth(1).getAttribute('data-camera-id'));
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/cameras/${encodeURIComponent(String(focused))}`);
    await page.keyboard.press('Escape');
    await page.getByTestId('tiles').waitFor({ timeout: 10_000 });
    await playingTiles(page, 4, 20_000);
  });

  test('opens a camera view whose live video advances', async () => {
    const tile = page.locator('[data-testid="tile"]:has(video)').first();
    const id = await tile.getAttribute('data-camera-id');
    assert.ok(id, 'a live tile has a camera id');
    await tile.click();
    await page.waitForURL(`**/cameras/${encodeURIComponent(id)}`);
    await page.getByTestId('details').waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('details').innerText(), new RegExp(id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    // The demo's cameras have sub-streams (live analytics decode those): the page names it and its state.
    assert.match(await page.getByTestId('details').innerText(), new RegExp(`Sub-stream URL \\(analytics\\)\\s+rtsp://\\S+/${id}/sub`));
    await page.waitForFunction(`(${VIEW_VIDEO_TIME}) > 0`, undefined, { timeout: 20_000, polling: 100 });
    const start = (await page.evaluate(VIEW_VIDEO_TIME)) as number;
    await page.waitForTimeout(2500);
    const end = (await page.evaluate(VIEW_VIDEO_TIME)) as number;
    assert.ok(end - start > 1, `camera view video advances (${start} → ${end})`);
    await page.getByTestId('latency').waitFor({ timeout: 5000 });
    console.log(`# camera view: ${await page.getByTestId('latency').innerText()}`);
    await page.waitForTimeout(1000); // let the recordings list load for the screenshot
    await page.screenshot({ path: path.join(shots, 'camera-view.png') });
    await page.getByTestId('back').click();
    await page.getByTestId('tiles').waitFor({ timeout: 10_000 });
  });

  test('switching to the draft Dari/Persian catalogue lays the page out right-to-left', async () => {
    await page.selectOption('[data-testid="language"]', 'fa');
    assert.equal(await page.evaluate('document.documentElement.dir'), 'rtl');
    assert.equal(await page.evaluate('document.documentElement.lang'), 'fa');
    // In RTL the toolbar's first item (the title) sits at the right edge.
    const title = await page.locator('.toolbar-title').boundingBox();
    assert.ok(title && title.x > 800, `title on the right in RTL (x=${title?.x})`);
    await playingTiles(page, 4, 20_000);
    await page.screenshot({ path: path.join(shots, 'grid-fa-rtl.png') });
    await page.selectOption('[data-testid="language"]', 'en');
    assert.equal(await page.evaluate('document.documentElement.dir'), 'ltr');
  });
});

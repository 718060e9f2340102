// Alarms in a real browser against a real `vigil demo`: the pedestrian camera's live analytics
// raise alarms that appear in the list with a head-pixelated thumbnail, and acknowledging one
// updates the list and is audited.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { repoRoot, type RunningDemo, openControlRoom, type ControlRoom } from './helpers.ts';

const VTEST = '/usr/share/doc/opencv-doc/examples/data/vtest.avi';
// Thumbnails that have loaded real pixels (not a broken image).
const LOADED_THUMBS = `Array.from(document.querySelectorAll('[data-testid="alarm-thumb"]')).filter((i) => i.complete && i.naturalWidth > 100).length`;

describe('live alarms in the control room', { timeout: 170_000 }, () => {
  let demo: RunningDemo | null = null;
  let browser: Browser | null = null;
  let page: Page;
  let shots: string;
  let room: ControlRoom | null = null;

  before(async () => {
    assert.ok(existsSync(VTEST), `${VTEST} missing (the pedestrian clip): apt-get install opencv-doc`);
    // The demo's data dir is new each run: reuse the converted detector models instead of converting again.
    const models = path.join(repoRoot, '.cache', 'models');
    if (!process.env.VIGIL_MODEL_DIR && existsSync(models)) process.env.VIGIL_MODEL_DIR = models;
    room = await openControlRoom();
    ({ demo, browser, page, shots } = room);
  });

  after(async () => {
    await room?.close();
  });

  test('an alarm from the pedestrian camera appears in the list with its thumbnail, and can be acknowledged', async () => {
    await page.goto(demo!.baseUrl + '/cameras');
    await page.fill('input[name="username"]', demo!.username);
    await page.fill('input[name="password"]', demo!.password);
    await page.click('button[type="submit"]');
    await page.getByTestId('alarm-panel').waitFor({ timeout: 15_000 });
    const firstAlarm = page.getByTestId('alarm').first();
    try {
      await firstAlarm.waitFor({ timeout: 90_000 });
    } catch (error) {
      await page.screenshot({ path: path.join(shots, 'alarms-none.png') });
      throw new Error(`no alarm within 90 s: ${(error as Error).message}\n${demo!.output()}`);
    }
    await page.waitForFunction(`${LOADED_THUMBS} >= 1`, undefined, { timeout: 20_000, polling: 250 });
    const text = await firstAlarm.innerText();
    assert.match(text, /Line crossed: Crossing|Zone entered: Plaza front/);
    assert.match(text, /Hospital Entrance|Market Street East|Pedestrian Bridge|Bus Station Gate|Central Square North|River Embankment/);
    // One 24-hour clock: the list once showed "3:54:35 AM" while every other screen said 03:54:35.
    const shown = await firstAlarm.locator('.alarm-time').innerText();
    assert.match(shown, /^\d{2}:\d{2}:\d{2}$/, `alarm time "${shown}" is not on the 24-hour clock`);
    const detector = await page.getByTestId('alarm-detector').innerText();
    assert.match(detector, /NanoDet|Motion stand-in/);
    await page.screenshot({ path: path.join(shots, 'alarms-list.png') });

    // The thumbnail alone, large, to look at the pixelated heads.
    const src = await page.getByTestId('alarm-thumb').first().getAttribute('src');
    assert.ok(src?.startsWith('/api/alarms/'));
    const snap = await page.context().request.get(demo!.baseUrl + src!);
    assert.equal(snap.status(), 200);
    assert.equal(snap.headers()['content-type'], 'image/png');
    const shotPage = await page.context().newPage();
    await shotPage.goto(demo!.baseUrl + src!);
    await shotPage.screenshot({ path: path.join(shots, 'alarm-snapshot.png') });
    await shotPage.close();

    // Acknowledge the newest open alarm; the list says who did.
    const open = page.locator('[data-testid="alarm"]:has([data-testid="alarm-ack"])').first();
    const id = await open.getAttribute('data-alarm-id');
    await open.getByTestId('alarm-ack').click();
    await page.locator(`[data-alarm-id="${id}"] [data-testid="alarm-acked"]`).waitFor({ timeout: 10_000 });
    assert.match(await page.locator(`[data-alarm-id="${id}"]`).innerText(), /Acknowledged by admin/);
    const listed = await page.context().request.get(demo!.baseUrl + '/api/alarms?limit=500');
    const alarm = ((await listed.json()) as { alarms: { id: string; ack: { by: string } | null }[] }).alarms.find((a) => a.id === id);
    assert.equal(alarm?.ack?.by, 'admin');
    await page.screenshot({ path: path.join(shots, 'alarms-acknowledged.png') });

    // RTL: the panel moves to the other side with the language.
    await page.goto(demo!.baseUrl + '/cameras?lang=fa');
    await page.getByTestId('alarm').first().waitFor({ timeout: 15_000 });
    assert.equal(await page.evaluate('document.documentElement.dir'), 'rtl');
    await page.screenshot({ path: path.join(shots, 'alarms-rtl.png') });
  });

  test('a crowd alarm says both figures: persons and persons per m² (the demo square is about 600 m²)', async () => {
    await page.goto(demo!.baseUrl + '/cameras?lang=en');
    const crowd = page.locator('[data-testid="alarm"]:has([data-testid="alarm-crowd"])').first();
    try {
      await crowd.waitFor({ timeout: 90_000 });
    } catch (error) {
      await page.screenshot({ path: path.join(shots, 'alarms-no-crowd.png') });
      throw new Error(`no crowd alarm within 90 s: ${(error as Error).message}`);
    }
    const figures = await crowd.getByTestId('alarm-crowd').innerText();
    const m = /^(\d+) persons · (\d+\.\d\d) persons\/m²$/.exec(figures);
    assert.ok(m, `crowd figures "${figures}"`);
    assert.ok(Number(m[1]) >= 8, 'at or over the rule threshold of 8 persons');
    assert.equal(Number(m[2]), Math.round((Number(m[1]) / 600) * 100) / 100);
    assert.match(await crowd.innerText(), /Crowd: Square/);
    await crowd.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'alarms-crowd.png') });
    await page.goto(demo!.baseUrl + '/cameras?lang=ur');
    await page.locator('[data-testid="alarm-crowd"]').first().waitFor({ timeout: 15_000 });
    assert.match(await page.locator('[data-testid="alarm-crowd"]').first().innerText(), /افراد/);
    await page.locator('[data-testid="alarm"]:has([data-testid="alarm-crowd"])').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'alarms-crowd-rtl.png') });
  });
});

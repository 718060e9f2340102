// The camera's detector panel (issue 16) in a real browser against a real `vigil demo`: on the
// camera counting people (the demo's pedestrian camera with its crowd rule) an admin sees the
// settings in force (320 px input, square tiles) and the cost per analysed frame as the server
// measures it; on a camera without analytics, that it is not analysed; an operator sees no panel
// (the settings are the admin's). Screenshots in English and Dari (RTL).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { repoRoot, type RunningDemo, openControlRoom, type ControlRoom, signInAsAdmin } from './helpers.ts';

const VTEST = '/usr/share/doc/opencv-doc/examples/data/vtest.avi';

interface CameraRow { id: string; name: string }
interface DetectorReply { detector: string | null; detection: { inputSize: number; tiles: false | { rows: number } }; cost: { inferencesPerFrame: number; units320PerFrame: number; detectorWallMsPerFrame: number } | null }

/** A number as the page shows it (Latin or Eastern Arabic/Persian digits, either decimal mark). */
function shownNumber(text: string): number {
  const latin = text.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660));
  const m = /(\d+)(?:[.,٫](\d+))?/.exec(latin);
  assert.ok(m, `a number in "${text}"`);
  return Number(`${m[1]}.${m[2] ?? '0'}`);
}

describe('the camera\'s detector and its cost', { timeout: 240_000 }, () => {
  let demo: RunningDemo;
  let page: Page;
  let shots: string;
  let room: ControlRoom | null = null;
  let counting: CameraRow;
  let plain: CameraRow;

  before(async () => {
    assert.ok(existsSync(VTEST), `${VTEST} missing (the pedestrian clip): apt-get install opencv-doc`);
    // The demo's data dir is new each run: reuse the converted detector models instead of converting again.
    const models = path.join(repoRoot, '.cache', 'models');
    if (!process.env.VIGIL_MODEL_DIR && existsSync(models)) process.env.VIGIL_MODEL_DIR = models;
    room = await openControlRoom();
    ({ demo, page, shots } = room);
    await signInAsAdmin(page, demo, '/cameras?lang=en');
    const { cameras } = (await (await page.request.get(`${demo.baseUrl}/api/cameras`)).json()) as { cameras: CameraRow[] };
    const found = cameras.find((c) => c.name === 'Hospital Entrance');
    assert.ok(found, `the demo's pedestrian camera among ${cameras.map((c) => c.name).join(', ')}`);
    counting = found;
    plain = cameras.find((c) => c.id !== counting.id)!;
  });

  after(async () => {
    await room?.close();
  });

  test('an admin sees the settings in force and the cost per analysed frame the server measured', async () => {
    await page.goto(`${demo.baseUrl}/cameras/${encodeURIComponent(counting.id)}?lang=en`);
    const panel = page.getByTestId('detector-panel');
    await panel.waitFor({ timeout: 15_000 });
    assert.match(await panel.locator('.panel-title').innerText(), /detector/i);
    assert.equal(await page.getByTestId('detector-input').innerText(), '320 px');
    // a crowd rule: people are counted, so busy frames are seen in square tiles
    assert.equal(await page.getByTestId('detector-tiles').innerText(), 'Square tiles, 1 row(s)');
    // the analyser needs its first frames (and the model) before there is a cost
    await page.getByTestId('detector-cost').waitFor({ timeout: 90_000 });
    const runs = shownNumber(await page.getByTestId('detector-runs').innerText());
    const unitsText = await page.getByTestId('detector-units').innerText();
    assert.match(unitsText, /× one 320-px run/);
    const units = shownNumber(unitsText);
    assert.ok(runs > 0 && units > 0, `runs ${runs}, units ${units}`);
    assert.ok(Math.abs(units - runs) < 0.011, 'at 320 px one run is one unit');
    // en groups thousands ("1,435.4 ms" on a loaded machine)
    assert.match(await page.getByTestId('detector-wait').innerText(), /^\d{1,3}(,\d{3})*\.\d ms$/);
    // what the page shows is the server's figure (it moves as frames are analysed: close, not equal)
    const api = (await (await page.request.get(`${demo.baseUrl}/api/cameras/${encodeURIComponent(counting.id)}/analytics`)).json()) as DetectorReply;
    assert.ok(api.cost, 'the API has a cost too');
    assert.ok(Math.abs(api.cost.inferencesPerFrame - runs) < 0.5, `page ${runs} vs API ${api.cost.inferencesPerFrame}`);
    assert.deepEqual(api.detection.tiles, { rows: 1 });
    const kind = await panel.getAttribute('data-detector');
    assert.equal(kind, api.detector, 'the detector named as the server runs it');
    await page.screenshot({ path: path.join(shots, 'detector-cost-en.png') });
  });

  test('a camera without analytics says so; Dari lays the panel out right to left', async () => {
    await page.goto(`${demo.baseUrl}/cameras/${encodeURIComponent(plain.id)}?lang=en`);
    const panel = page.getByTestId('detector-panel');
    await panel.waitFor({ timeout: 15_000 });
    assert.equal(await panel.getAttribute('data-detector'), 'off');
    assert.match(await panel.innerText(), /Not analysed/);
    assert.equal(await page.getByTestId('detector-tiles').innerText(), 'Whole frame in one input');
    assert.equal(await page.getByTestId('detector-no-cost').innerText(), 'No frame analysed yet.');

    await page.goto(`${demo.baseUrl}/cameras/${encodeURIComponent(counting.id)}?lang=fa`);
    await page.getByTestId('detector-cost').waitFor({ timeout: 30_000 });
    assert.equal(await page.evaluate('document.documentElement.dir'), 'rtl');
    assert.equal(await page.locator('#detector-title').innerText(), 'آشکارساز');
    assert.match(await page.getByTestId('detector-tiles').innerText(), /کاشی‌های مربعی/);
    assert.ok(shownNumber(await page.getByTestId('detector-runs').innerText()) > 0);
    await page.screenshot({ path: path.join(shots, 'detector-cost-fa.png') });
    await page.goto(`${demo.baseUrl}/cameras/${encodeURIComponent(counting.id)}?lang=en`);
  });

  test('an operator sees the camera but not the detector panel', async () => {
    const created = await page.request.post(`${demo.baseUrl}/api/users`, { data: { username: 'oscar', password: 'operator-pass-16', role: 'operator', scopes: null } });
    assert.equal(created.status(), 201, await created.text());
    const context = await room!.browser.newContext({ viewport: { width: 1600, height: 900 }, locale: 'en-GB', bypassCSP: true });
    try {
      const op = await context.newPage();
      await op.goto(`${demo.baseUrl}/cameras?lang=en`);
      await op.fill('input[name="username"]', 'oscar');
      await op.fill('input[name="password"]', 'operator-pass-16');
      await op.click('button[type="submit"]');
      await op.getByTestId('tiles').waitFor({ timeout: 15_000 });
      await op.goto(`${demo.baseUrl}/cameras/${encodeURIComponent(counting.id)}?lang=en`);
      await op.getByTestId('details').waitFor({ timeout: 15_000 });
      assert.equal(await op.getByTestId('detector-panel').count(), 0);
      assert.equal((await op.request.get(`${demo.baseUrl}/api/cameras/${encodeURIComponent(counting.id)}/analytics`)).status(), 403);
    } finally {
      await context.close();
    }
  });
});

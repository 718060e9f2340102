// Drawing on a still of the camera in a real browser against a real `vigil demo` (issue 12 item 7,
// issue 14 item 1): a zone that crosses itself gets a message in the drawing tool (and the API
// refuses it naming the field); a zone is drawn on the hospital camera's still (real pedestrians)
// and previewed on its recording: the would-be hits are listed with their times and pictures; then
// saved. A calibration is placed with four points and their ground positions: its reprojection
// error and the ground grid show, and it is saved with the camera; collinear points are refused
// with the reason. Screenshots in English and Dari (RTL).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type RunningDemo, openControlRoom, type ControlRoom, signInAsAdmin } from './helpers.ts';

describe('drawing rules and calibration on a still', { timeout: 400_000 }, () => {
  let demo: RunningDemo;
  let page: Page;
  let shots: string;
  let room: ControlRoom | null = null;
  let hospital = '';
  let other = '';

  before(async () => {
    room = await openControlRoom();
    ({ demo, page, shots } = room);
    await signInAsAdmin(page, demo);
    const cams = ((await (await page.request.get(`${demo.baseUrl}/api/cameras`)).json()) as { cameras: { id: string; name: string }[] }).cameras;
    const h = cams.find((c) => c.name === 'Hospital Entrance');
    assert.ok(h, 'the demo has its pedestrian camera (Debian opencv-doc: apt-get install opencv-doc)');
    hospital = h.id;
    other = cams.find((c) => c.id !== hospital)!.id;
  });

  after(async () => {
    await room?.close();
  });

  /** Clicks at normalised positions of the still. */
  async function clickStill(points: [number, number][]): Promise<void> {
    const box = (await page.getByTestId('drawing-svg').boundingBox())!;
    for (const [x, y] of points) await page.mouse.click(box.x + x * box.width, box.y + y * box.height);
  }

  async function openRules(lang = 'en'): Promise<void> {
    await page.goto(`${demo.baseUrl}/cameras/${encodeURIComponent(hospital)}/rules?lang=${lang}`);
    await page.waitForFunction(`(document.querySelector('.drawing-still')?.naturalWidth ?? 0) > 0`, undefined, { timeout: 30_000, polling: 200 });
  }

  test('a zone that crosses itself is refused with a message in the tool, and by the API naming the field', async () => {
    await openRules();
    await page.fill('input[name="rule-name"]', 'Bow');
    await clickStill([[0.2, 0.5], [0.6, 0.9], [0.6, 0.5], [0.2, 0.9]]);
    const problem = page.getByTestId('draft-problem');
    await problem.waitFor();
    assert.match(await problem.innerText(), /The zone crosses itself \(edges 1 and 3\)/);
    assert.equal(await page.getByTestId('save-rules').isDisabled(), true);
    assert.equal(await page.getByTestId('preview').isDisabled(), true);
    assert.ok(await page.locator('[data-tone="error"] polygon').count() >= 1, 'the refused outline is drawn in the error colour');
    await page.screenshot({ path: path.join(shots, 'drawing-zone-crosses-en.png') });
    // Two points are not a zone either.
    await page.getByTestId('draft-clear').click();
    await clickStill([[0.2, 0.5], [0.6, 0.9]]);
    assert.match(await problem.innerText(), /at least three points \(2 so far\)/);

    const settings = (await (await page.request.get(`${demo.baseUrl}/api/cameras/${hospital}/analytics`)).json()).settings;
    const bad = await page.request.put(`${demo.baseUrl}/api/cameras/${hospital}/analytics`, { data: { ...settings, zones: [...settings.zones, { name: 'Bow', polygon: [[0.2, 0.5], [0.6, 0.9], [0.6, 0.5], [0.2, 0.9]] }] } });
    assert.equal(bad.status(), 400);
    assert.match((await bad.json()).error.message, new RegExp(`zones/${settings.zones.length}/polygon: the polygon crosses itself`));
  });

  test('a zone is drawn and previewed on the recent recording, then saved', async () => {
    // The preview needs some recording: the demo writes 10 s segments.
    const deadline = Date.now() + 90_000;
    for (;;) {
      const r = await page.request.get(`${demo.baseUrl}/api/cameras/${hospital}/recordings?from=${Date.now() - 290_000}&to=${Date.now()}`);
      const segs = r.ok() ? ((await r.json()) as { segments: { startMs: number; endMs: number }[] }).segments : [];
      if (segs.reduce((s, x) => s + x.endMs - x.startMs, 0) >= 25_000) break;
      assert.ok(Date.now() < deadline, 'no 25 s of recording of the hospital camera within 90 s');
      await page.waitForTimeout(2000);
    }
    await openRules();
    await page.fill('input[name="rule-name"]', 'Walkway');
    await clickStill([[0.02, 0.35], [0.98, 0.35], [0.98, 0.98], [0.02, 0.98]]);
    await page.getByTestId('draft-ok').waitFor();
    await page.fill('input[name="dwell"]', '20');
    await page.fill('input[name="from"]', '00:00');
    await page.fill('input[name="to"]', '23:59');
    await page.selectOption('select[name="minutes"]', '5');
    await page.getByTestId('preview').click();
    const panel = page.getByTestId('preview-panel');
    await panel.waitFor({ timeout: 180_000 });
    const summary = await page.getByTestId('preview-draft-count').innerText();
    const hits = Number(/: (\d+) hits/.exec(summary)?.[1] ?? -1);
    assert.ok(hits >= 1, `the walkway would have had hits on the pedestrians (${summary})`);
    assert.match(await panel.innerText(), /s of recording \(\d+ frames\) from \d\d:\d\d:\d\d to \d\d:\d\d:\d\d/);
    assert.ok(await page.getByTestId('preview-hit').count() >= 1);
    // The first hit's picture is shown (heads pixelated on the server).
    await page.waitForFunction(`(document.querySelector('[data-testid="preview-hit"] img')?.naturalWidth ?? 0) > 0`, undefined, { timeout: 15_000, polling: 200 });
    assert.match(await page.getByTestId('preview-hit').first().innerText(), /^\d\d:\d\d:\d\d Walkway/);
    await page.screenshot({ path: path.join(shots, 'drawing-zone-preview-en.png'), fullPage: true });

    await page.getByTestId('save-rules').click();
    await page.getByTestId('rules-saved').waitFor({ timeout: 15_000 });
    const saved = (await (await page.request.get(`${demo.baseUrl}/api/cameras/${hospital}/analytics`)).json()).settings;
    const zone = saved.zones.find((z: { name: string }) => z.name === 'Walkway');
    assert.ok(zone, 'the zone is stored with the camera');
    assert.deepEqual(zone.schedule, [{ from: 0, to: 1439 }]);
    assert.ok(saved.dwell.some((d: { zone: string; seconds: number }) => d.zone === 'Walkway' && d.seconds === 20));
    assert.match(await page.getByTestId('existing-rules').innerText(), /Walkway/);
  });

  test('right to left: the rules screen and its preview in Dari', async () => {
    await openRules('fa');
    assert.equal(await page.evaluate('document.documentElement.dir'), 'rtl');
    // The picture is not mirrored: the still keeps its own left-to-right orientation.
    assert.equal(await page.locator('.drawing-stage').getAttribute('dir'), 'ltr');
    await page.getByTestId('tool-line').click();
    await page.fill('input[name="rule-name"]', 'Door');
    await clickStill([[0.1, 0.6], [0.9, 0.6]]);
    assert.ok(await page.getByTestId('line-arrow').count() >= 1, 'the line shows its positive direction');
    await page.selectOption('select[name="minutes"]', '5');
    await page.getByTestId('preview').click();
    await page.getByTestId('preview-panel').waitFor({ timeout: 180_000 });
    assert.match(await page.getByTestId('preview-panel').innerText(), /ثانیه ضبط/);
    await page.screenshot({ path: path.join(shots, 'drawing-line-preview-fa.png'), fullPage: true });
    await page.getByTestId('tool-zone').click();
    await clickStill([[0.2, 0.5], [0.6, 0.9], [0.6, 0.5], [0.2, 0.9]]);
    assert.match(await page.getByTestId('draft-problem').innerText(), /خودش را قطع/);
    await page.screenshot({ path: path.join(shots, 'drawing-zone-crosses-fa.png') });
  });

  test('a calibration is placed, checked by its error and grid, and saved with the camera', async () => {
    await page.goto(`${demo.baseUrl}/cameras/${encodeURIComponent(hospital)}/calibration?lang=en`);
    await page.waitForFunction(`(document.querySelector('.drawing-still')?.naturalWidth ?? 0) > 0`, undefined, { timeout: 30_000, polling: 200 });
    await clickStill([[0.25, 0.92], [0.75, 0.92], [0.62, 0.45], [0.38, 0.45], [0.5, 0.6]]);
    assert.equal(await page.getByTestId('cal-row').count(), 5);
    const ground = [[0, 0], [8, 0], [8, 20], [0, 20], [4, 9]];
    for (let i = 0; i < ground.length; i++) {
      await page.fill(`input[name="x${i}"]`, String(ground[i][0]));
      await page.fill(`input[name="y${i}"]`, String(ground[i][1]));
    }
    const rms = page.getByTestId('cal-rms');
    await rms.waitFor({ timeout: 10_000 });
    const px = Number(/([\d.]+) px/.exec(await rms.innerText())?.[1] ?? NaN);
    assert.ok(Number.isFinite(px) && px >= 0 && px < 50, `a reprojection error in pixels (${await rms.innerText()})`);
    assert.ok(await page.locator('[data-tone="grid"] polyline').count() > 4, 'the ground grid is drawn over the still');
    await page.screenshot({ path: path.join(shots, 'drawing-calibration-en.png') });
    await page.getByTestId('cal-save').click();
    await page.getByTestId('cal-message').waitFor({ timeout: 10_000 });
    assert.match(await page.getByTestId('cal-message').innerText(), /Saved with the camera at \d\d:\d\d:\d\d/);
    const stored = (await (await page.request.get(`${demo.baseUrl}/api/cameras/${hospital}/calibration`)).json()).calibration;
    assert.equal(stored.points.length, 5);
    assert.deepEqual(stored.points[1].ground, [8, 0]);

    // Dari: the stored calibration comes back with its grid.
    await page.goto(`${demo.baseUrl}/cameras/${encodeURIComponent(hospital)}/calibration?lang=fa`);
    await page.getByTestId('cal-rms').waitFor({ timeout: 30_000 });
    await page.waitForFunction(`(document.querySelector('.drawing-still')?.naturalWidth ?? 0) > 0`, undefined, { timeout: 30_000, polling: 200 });
    assert.equal(await page.getByTestId('cal-row').count(), 5);
    assert.ok(await page.locator('[data-tone="grid"] polyline').count() > 4);
    await page.screenshot({ path: path.join(shots, 'drawing-calibration-fa.png') });
  });

  test('two lane lines with their width and length become four points and a fit', async () => {
    await page.goto(`${demo.baseUrl}/cameras/${encodeURIComponent(other)}/calibration?lang=en`);
    await page.waitForFunction(`(document.querySelector('.drawing-still')?.naturalWidth ?? 0) > 0`, undefined, { timeout: 30_000, polling: 200 });
    await page.getByTestId('cal-mode-lanes').click();
    // A near, A far, B near, B far: a road going away from the camera.
    await clickStill([[0.3, 0.95], [0.45, 0.4], [0.7, 0.95], [0.55, 0.4]]);
    await page.fill('input[name="lane-width"]', '3.5');
    await page.fill('input[name="lane-length"]', '24');
    await page.getByTestId('cal-use-lanes').click();
    assert.equal(await page.getByTestId('cal-row').count(), 4);
    assert.equal(await page.inputValue('input[name="x2"]'), '3.5');
    assert.equal(await page.inputValue('input[name="y1"]'), '24');
    await page.getByTestId('cal-rms').waitFor({ timeout: 10_000 });
    assert.ok(await page.locator('[data-tone="grid"] polyline').count() > 4);
    // Nothing stored until saved: the next test refuses points on this camera.
    await page.screenshot({ path: path.join(shots, 'drawing-calibration-lanes-en.png') });
  });

  test('collinear calibration points are refused with the reason', async () => {
    await page.reload();
    await page.waitForFunction(`(document.querySelector('.drawing-still')?.naturalWidth ?? 0) > 0`, undefined, { timeout: 30_000, polling: 200 });
    await clickStill([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8]]);
    for (let i = 0; i < 4; i++) {
      await page.fill(`input[name="x${i}"]`, String(i * 5));
      await page.fill(`input[name="y${i}"]`, String(i * 3 + (i === 2 ? 4 : 0)));
    }
    const refused = page.getByTestId('cal-refused');
    await refused.waitFor({ timeout: 10_000 });
    assert.match(await refused.innerText(), /^Refused: .*line/);
    assert.equal(await page.getByTestId('cal-save').isDisabled(), true);
    await page.screenshot({ path: path.join(shots, 'drawing-calibration-refused-en.png') });
  });
});

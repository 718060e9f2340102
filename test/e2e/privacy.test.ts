// Privacy in a real browser against a real `vigil demo`: a liftable mask on a camera is burned
// into the live view (the pixels under it, read back from the <video>, are black); a lift with a
// reason shows the picture; looking back past the free window opens the purpose prompt, and the
// recording plays once a purpose from the list is given. A viewer (no permission to lift) gets the
// masked picture while the admin's lift is in force, and the lift is in the audit log with its
// reason. Screenshots in English and Dari (RTL).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type RunningDemo, openControlRoom, type ControlRoom, signInAsAdmin } from './helpers.ts';

// The mask: the left 40 % of the frame, between 30 % and 80 % of its height.
const MASK = [[0.05, 0.3], [0.45, 0.3], [0.45, 0.8], [0.05, 0.8]];

/** Brightest channel inside the mask (4 % in from its edges) and the mean outside, read from the video. */
function maskedPixels(page: Page): Promise<{ maxInside: number; meanOutside: number }> {
  // A string: this file is compiled without the DOM library; the function runs in the page.
  return page.evaluate(`(() => {
    const video = document.querySelector('[data-testid="camera-video"] video');
    const c = document.createElement('canvas');
    c.width = video.videoWidth;
    c.height = video.videoHeight;
    const g = c.getContext('2d');
    g.drawImage(video, 0, 0);
    const data = g.getImageData(0, 0, c.width, c.height).data;
    let maxInside = 0, sumOut = 0, nOut = 0;
    for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) {
      const i = (y * c.width + x) * 4;
      const v = Math.max(data[i], data[i + 1], data[i + 2]);
      const fx = x / c.width, fy = y / c.height;
      if (fx > 0.07 && fx < 0.43 && fy > 0.33 && fy < 0.77) maxInside = Math.max(maxInside, v);
      else if (fx > 0.5) { sumOut += v; nOut++; }
    }
    return { maxInside, meanOutside: sumOut / nOut };
  })()`) as Promise<{ maxInside: number; meanOutside: number }>;
}

describe('privacy in the control room', { timeout: 300_000 }, () => {
  let demo: RunningDemo;
  let page: Page;
  let shots: string;
  let room: ControlRoom | null = null;
  let cameraId = '';

  before(async () => {
    room = await openControlRoom();
    ({ demo, page, shots } = room);
    await signInAsAdmin(page, demo);
    cameraId = String(await page.locator('[data-testid="tile"]').first().getAttribute('data-camera-id'));
    const res = await page.request.post(`${demo.baseUrl}/api/cameras/${encodeURIComponent(cameraId)}/masks`, { data: { name: 'neighbour window', polygon: MASK, liftable: true } });
    assert.equal(res.status(), 201, await res.text());
  });

  after(async () => {
    await room?.close();
  });

  async function openCamera(): Promise<void> {
    await page.goto(`${demo.baseUrl}/cameras/${encodeURIComponent(cameraId)}`);
    await page.getByTestId('mask-panel').waitFor({ timeout: 15_000 });
    await waitForVideo();
  }

  async function waitForVideo(): Promise<void> {
    await page.waitForFunction(`(document.querySelector('[data-testid="camera-video"] video')?.currentTime ?? 0) > 0.5`, undefined, { timeout: 30_000, polling: 200 });
  }

  test('the live view is masked until a lift with a reason, which shows the picture', async () => {
    await openCamera();
    const masked = await maskedPixels(page);
    assert.ok(masked.maxInside <= 48, `black under the mask (brightest ${masked.maxInside})`);
    assert.ok(masked.meanOutside > 50, `the camera's picture outside the mask (${masked.meanOutside.toFixed(0)})`);
    assert.match(await page.getByTestId('mask-panel').innerText(), /1 mask\(s\) hide parts of this picture/);
    await page.screenshot({ path: path.join(shots, 'privacy-masked-live-en.png') });

    await page.getByTestId('mask-lift').click();
    assert.match(await page.getByTestId('mask-panel').innerText(), /Give a reason/);
    await page.fill('input[name="lift-reason"]', 'incident 2026-118 at the entrance');
    await page.getByTestId('mask-lift').click();
    await page.locator('[data-testid="mask-panel"][data-lifted="yes"]').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(1500);
    await waitForVideo();
    const lifted = await maskedPixels(page);
    assert.ok(lifted.maxInside > 80, `the picture under the lifted mask (brightest ${lifted.maxInside})`);
    assert.match(await page.getByTestId('mask-panel').innerText(), /Masks lifted for you until \d\d:\d\d/);
    await page.screenshot({ path: path.join(shots, 'privacy-lifted-live-en.png') });

    // Meanwhile a viewer, who may not lift, gets the masked picture: the same region, other pixels.
    const viewer = { username: 'vera', password: 'Silver-estuary-2026!', role: 'viewer' };
    assert.equal((await page.request.post(`${demo.baseUrl}/api/users`, { data: viewer })).status(), 201);
    const context = await room!.browser.newContext({ viewport: { width: 1600, height: 900 }, locale: 'en-GB', bypassCSP: true });
    try {
      assert.equal((await context.request.post(`${demo.baseUrl}/api/session`, { data: { username: viewer.username, password: viewer.password } })).status(), 200);
      const vp = await context.newPage();
      await vp.goto(`${demo.baseUrl}/cameras/${encodeURIComponent(cameraId)}`);
      await vp.getByTestId('mask-panel').waitFor({ timeout: 15_000 });
      await vp.waitForFunction(`(document.querySelector('[data-testid="camera-video"] video')?.currentTime ?? 0) > 0.5`, undefined, { timeout: 30_000, polling: 200 });
      const seen = await maskedPixels(vp);
      assert.ok(seen.maxInside <= 48, `the viewer gets black under the mask (brightest ${seen.maxInside}) while the admin sees ${lifted.maxInside}`);
      assert.ok(seen.meanOutside > 50, `and the camera's picture outside it (${seen.meanOutside.toFixed(0)})`);
      assert.match(await vp.getByTestId('mask-panel').innerText(), /1 mask\(s\) hide parts of this picture/);
      assert.equal(await vp.getByTestId('mask-lift').count(), 0, 'a viewer is offered no lift');
      assert.equal(await vp.getByTestId('export-panel').count() + await vp.getByTestId('timeline').count(), 0, 'live only: no timeline or export for a viewer');
      await vp.screenshot({ path: path.join(shots, 'privacy-masked-live-viewer-en.png') });
      await vp.goto(`${demo.baseUrl}/cameras/${encodeURIComponent(cameraId)}?lang=fa`);
      await vp.getByTestId('mask-panel').waitFor({ timeout: 15_000 });
      await vp.waitForFunction(`(document.querySelector('[data-testid="camera-video"] video')?.currentTime ?? 0) > 0.5`, undefined, { timeout: 30_000, polling: 200 });
      assert.equal(await vp.evaluate('document.documentElement.dir'), 'rtl');
      assert.ok((await maskedPixels(vp)).maxInside <= 48);
      await vp.screenshot({ path: path.join(shots, 'privacy-masked-live-viewer-fa.png') });
    } finally {
      await context.close();
    }
    // The lift is audited with its reason; the viewer's live view says it was masked.
    type Entries = { entries: { action: string; actorName: string | null; cameraId: string | null; details: Record<string, unknown> | null }[] };
    const lifts = (await (await page.request.get(`${demo.baseUrl}/api/audit?action=mask.lift&limit=50`)).json()) as Entries;
    assert.ok(lifts.entries.some((e) => e.action === 'mask.lift' && e.cameraId === cameraId && e.actorName === demo.username && e.details?.reason === 'incident 2026-118 at the entrance'), 'mask.lift audited with the reason');
    const views = (await (await page.request.get(`${demo.baseUrl}/api/audit?action=live.start&camera=${encodeURIComponent(cameraId)}&limit=100`)).json()) as Entries;
    assert.ok(views.entries.some((e) => e.actorName === 'vera' && Number(e.details?.masked) >= 1), 'the viewer\'s live view audited as masked');
    await page.getByTestId('mask-restore').click();
    await page.locator('[data-testid="mask-panel"][data-lifted="no"]').waitFor({ timeout: 10_000 });
  });

  test('looking back past the free window asks for a purpose; with one the recording plays', async () => {
    // The demo has only just started recording: a free window of 0 makes any recording "looking back".
    const policy = await page.request.put(`${demo.baseUrl}/api/privacy/look-back`, { data: { freeWindowMinutes: 0, maxHoursByRole: { admin: 'unlimited', operator: 168 } } });
    assert.equal(policy.status(), 200);
    await openCamera();
    const span = page.getByTestId('timeline-span').first();
    // A span only a few seconds long is under a pixel wide in the 1 h window (not "visible"): wait on its data.
    await page.waitForFunction(`(() => { const s = document.querySelector('[data-testid="timeline-span"]'); return s && Number(s.dataset.end) - Number(s.dataset.start) > 25000; })()`, undefined, { timeout: 90_000, polling: 1000 });
    const box = (await span.boundingBox())!;
    const track = (await page.getByTestId('timeline-track').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, track.y + track.height / 2);
    await page.getByTestId('purpose-prompt').waitFor({ timeout: 15_000 });
    assert.match(await page.getByTestId('purpose-prompt').innerText(), /why are you looking back\?/i);
    await page.screenshot({ path: path.join(shots, 'privacy-purpose-prompt-en.png') });

    await page.getByTestId('purpose-submit').click();
    assert.match(await page.getByTestId('purpose-prompt').innerText(), /Choose a purpose/);
    await page.selectOption('[data-testid="purpose-select"]', { label: 'Incident investigation' });
    await page.fill('input[name="purpose-text"]', 'incident 2026-118');
    await page.getByTestId('purpose-submit').click();
    await page.locator('.playback[data-playback-state="playing"]').waitFor({ timeout: 30_000 });
    assert.match(await page.getByTestId('purpose-badge').innerText(), /Purpose: Incident investigation/);
    await page.screenshot({ path: path.join(shots, 'privacy-purpose-playing-en.png') });

    // The access is in the audit log with its purpose.
    // (No audit route for the web yet in this build: the auditor's screen is issue 10's.)
  });

  test('right to left: the mask panel and the purpose prompt in Dari', async () => {
    await page.evaluate(`sessionStorage.removeItem('vigil.purpose')`);
    await page.selectOption('[data-testid="language"]', 'fa');
    await openCamera();
    assert.equal(await page.evaluate('document.documentElement.dir'), 'rtl');
    assert.match(await page.getByTestId('mask-panel').innerText(), /ماسک/);
    await page.screenshot({ path: path.join(shots, 'privacy-masked-live-fa.png') });
    const span = page.getByTestId('timeline-span').first();
    const box = (await span.boundingBox())!;
    const track = (await page.getByTestId('timeline-track').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, track.y + track.height / 2);
    await page.getByTestId('purpose-prompt').waitFor({ timeout: 15_000 });
    assert.match(await page.getByTestId('purpose-prompt').innerText(), /هدف/);
    await page.screenshot({ path: path.join(shots, 'privacy-purpose-prompt-fa.png') });
    await page.selectOption('[data-testid="language"]', 'en');
  });
});

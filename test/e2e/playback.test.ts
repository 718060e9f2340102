// Playback in a real browser against a real `vigil demo`: the camera view shows the timeline with
// recorded spans, a click into a span plays the recording from that time (the video advances and
// its clock shows the clicked time), Live goes back, an export waits for a second user's approval
// (the demo runs four-eyes export), then completes.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type RunningDemo, openControlRoom, type ControlRoom, signInAsAdmin } from './helpers.ts';

const VIEW_VIDEO_TIME = `document.querySelector('[data-testid="camera-video"] video')?.currentTime ?? -1`;

describe('playback in the control room', { timeout: 240_000 }, () => {
  let demo: RunningDemo | null = null;
  let browser: Browser | null = null;
  let page: Page;
  let shots: string;
  let room: ControlRoom | null = null;

  before(async () => {
    room = await openControlRoom();
    ({ demo, browser, page, shots } = room);
    await signInAsAdmin(page, demo);
  });

  after(async () => {
    await room?.close();
  });

  test('timeline shows recorded spans; a click plays the recording from there and the video advances', async () => {
    const tile = page.locator('[data-testid="tile"]').first();
    const id = await tile.getAttribute('data-camera-id');
    await tile.click();
    await page.waitForURL(`**/cameras/${encodeURIComponent(String(id))}`);
    await page.getByTestId('timeline').waitFor({ timeout: 10_000 });
    // Let the demo record ~25 s so the span is wide enough to click in the 1 h window.
    const span = page.getByTestId('timeline-span').first();
    await span.waitFor({ timeout: 30_000 });
    await page.waitForFunction(
      `(() => { const s = document.querySelector('[data-testid="timeline-span"]'); return s && Number(s.dataset.end) - Number(s.dataset.start) > 25000; })()`,
      undefined, { timeout: 60_000, polling: 1000 },
    );
    await page.screenshot({ path: path.join(shots, 'playback-timeline-live.png') });

    const box = (await span.boundingBox())!;
    const start = Number(await span.getAttribute('data-start'));
    const end = Number(await span.getAttribute('data-end'));
    assert.ok(box.width >= 4, `span ${box.width}px wide`);
    // Click a third into the span: recorded time well before now.
    const x = box.x + box.width / 3;
    const trackBox = (await page.getByTestId('timeline-track').boundingBox())!;
    await page.mouse.click(x, trackBox.y + trackBox.height / 2);
    await page.locator('[data-testid="camera-video"][data-mode="playback"]').waitFor({ timeout: 5000 });
    await page.locator('.playback[data-playback-state="playing"]').waitFor({ timeout: 20_000 });
    await page.waitForFunction(`(${VIEW_VIDEO_TIME}) > 0`, undefined, { timeout: 20_000, polling: 100 });
    const t0 = Number(await page.evaluate(VIEW_VIDEO_TIME));
    const clock0 = await page.getByTestId('playback-clock').locator('time').getAttribute('datetime');
    await page.waitForTimeout(2500);
    const t1 = Number(await page.evaluate(VIEW_VIDEO_TIME));
    assert.ok(t1 - t0 > 1.5, `playback advances: ${t0} -> ${t1}`);
    const shown = Date.parse(String(clock0));
    assert.ok(shown >= start - 1000 && shown <= end, `the clock shows recorded time (${new Date(shown).toISOString()})`);
    assert.ok(Date.now() - shown > 5000, 'it is a recording, not live');
    const cursor = await page.getByTestId('timeline-cursor').boundingBox();
    assert.ok(cursor && Math.abs(cursor.x - x) < 12, `the cursor sits where we clicked (${cursor?.x} vs ${x})`);
    await page.screenshot({ path: path.join(shots, 'playback-playing.png') });

    await page.getByTestId('go-live').click();
    await page.locator('[data-testid="camera-video"][data-mode="live"]').waitFor({ timeout: 5000 });
  });

  test('export from the camera view: reason required, a second user approves (four eyes), then a download link', async () => {
    // the interval is typed on the 24-hour clock whatever the browser's locale (a datetime field showed AM/PM)
    for (const name of ['export-from-time', 'export-to-time']) {
      assert.match(await page.inputValue(`input[name="${name}"]`), /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/);
    }
    assert.equal(await page.locator('[data-testid="export-panel"] input[type="datetime-local"]').count(), 0);
    await page.getByTestId('export-start').click();
    await page.locator('[data-testid="export-panel"] [role="alert"]').waitFor({ timeout: 5000 });
    await page.fill('input[name="export-reason"]', 'e2e test: incident 42');
    // the last 20 s before the panel's end: every exported file is re-encoded with faces and plates
    // pixelated, and two minutes of it took more than 30 s on a busy machine
    const [h, m, sec] = (await page.inputValue('input[name="export-to-time"]')).split(':').map(Number);
    const fromS = Math.max(0, h! * 3600 + m! * 60 + sec! - 20);
    await page.fill('input[name="export-from-time"]', [Math.floor(fromS / 3600), Math.floor(fromS / 60) % 60, fromS % 60].map((v) => String(v).padStart(2, '0')).join(':'));
    await page.getByTestId('export-start').click();
    // The demo runs four-eyes export: the request waits for a second user, nothing to download yet.
    await page.locator('[data-testid="export-status"][data-state="awaiting_approval"]').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('export-download').count(), 0);
    const supervisor = { username: 'pat', password: 'Granite-orchard-2026!', role: 'supervisor' };
    assert.equal((await page.request.post(`${demo!.baseUrl}/api/users`, { data: supervisor })).status(), 201);
    const second = await browser!.newContext();
    try {
      assert.equal((await second.request.post(`${demo!.baseUrl}/api/session`, { data: { username: supervisor.username, password: supervisor.password } })).status(), 200);
      const queue = (await (await second.request.get(`${demo!.baseUrl}/api/export-requests`)).json()) as { requests: { id: string }[] };
      assert.equal(queue.requests.length, 1);
      assert.equal((await second.request.post(`${demo!.baseUrl}/api/exports/${queue.requests[0]!.id}/approve`, { data: {} })).status(), 200);
    } finally {
      await second.close();
    }
    // produced after the approval: re-encoded with faces and plates pixelated, which takes a while on a busy machine
    await page.locator('[data-testid="export-status"]:is([data-state="done"], [data-state="failed"])').waitFor({ timeout: 120_000 });
    assert.equal(await page.getByTestId('export-status').getAttribute('data-state'), 'done', await page.getByTestId('export-status').innerText());
    const href = await page.getByTestId('export-download').getAttribute('href');
    assert.match(String(href), /^\/api\/exports\/[0-9a-f-]+\/download$/);
    await page.screenshot({ path: path.join(shots, 'playback-export.png') });
  });

  test('a camera switched off for a while leaves a gap that the timeline marks with its reason', async () => {
    const id = decodeURIComponent(page.url().split('/cameras/')[1].split('?')[0]);
    const patch = async (enabled: boolean) => {
      const res = await page.request.patch(`${demo!.baseUrl}/api/cameras/${encodeURIComponent(id)}`, { data: { enabled } });
      assert.equal(res.status(), 200, await res.text());
    };
    await patch(false);
    await page.waitForTimeout(5000);
    await patch(true);
    // The recorder indexes the gap when video returns; the timeline polls every 10 s. While the
    // camera is off the open hole already shows the camera's state; wait for the closed gap: one
    // with recording after it, whose reason can only come from the gap index.
    await page.waitForFunction(`(() => {
      const starts = [...document.querySelectorAll('[data-testid="timeline-span"]')].map((s) => Number(s.dataset.start));
      return [...document.querySelectorAll('[data-testid="timeline-gap"][data-reason="DISABLED"]')].some((g) => starts.some((st) => st >= Number(g.dataset.end)));
    })()`, undefined, { timeout: 45_000, polling: 500 });
    const gap = page.locator('[data-testid="timeline-gap"][data-reason="DISABLED"]');
    const list = page.getByTestId('timeline-gaps');
    assert.match(String(await list.textContent()), /camera disabled/);
    const title = String(await gap.first().getAttribute('title'));
    assert.match(title, /^Not recorded .+ – .+: camera disabled$/);
    await page.screenshot({ path: path.join(shots, 'playback-timeline-gap.png') });
  });

  test('right-to-left: timeline and export panel laid out for Dari', async () => {
    await exportPanelShot('en');
    await page.goto(page.url().split('?')[0] + '?lang=fa');
    await page.getByTestId('timeline-span').first().waitFor({ timeout: 15_000 });
    assert.equal(await page.evaluate('document.documentElement.dir'), 'rtl');
    await page.screenshot({ path: path.join(shots, 'playback-timeline-rtl.png') });
    await exportPanelShot('fa');
  });

  /** The export panel sits low in the side column: scrolled into view, its fields inside it, a picture of it alone. */
  async function exportPanelShot(lang: 'en' | 'fa'): Promise<void> {
    const panel = page.getByTestId('export-panel');
    await panel.scrollIntoViewIfNeeded();
    const box = (await panel.boundingBox())!;
    const viewport = page.viewportSize()!;
    assert.ok(box.y >= 0 && box.y + box.height <= viewport.height, `export panel at y ${box.y}–${box.y + box.height}, window ${viewport.height}`);
    const fields = ['export-from-date', 'export-from-time', 'export-to-date', 'export-to-time', 'export-reason'];
    for (const name of fields) {
      const field = (await panel.locator(`input[name="${name}"]`).boundingBox())!;
      assert.ok(field.x >= box.x && field.x + field.width <= box.x + box.width + 0.5, `${lang}: ${name} outside the panel`);
      assert.ok(field.width >= 100, `${lang}: ${name} only ${field.width}px wide`);
    }
    // Right to left, the start of a row is on the right: the date before (right of) its time.
    const date = (await panel.locator('input[name="export-from-date"]').boundingBox())!;
    const time = (await panel.locator('input[name="export-from-time"]').boundingBox())!;
    assert.equal(date.x > time.x, lang === 'fa', `${lang}: date at ${date.x}, time at ${time.x}`);
    assert.match(await panel.getByTestId('export-start').innerText(), lang === 'fa' ? /خروجی/ : /Export/);
    await panel.screenshot({ path: path.join(shots, `playback-export-${lang}.png`) });
  }
});

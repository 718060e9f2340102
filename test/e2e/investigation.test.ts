// Investigation in a real browser against a real `vigil demo` (issue 12): two cameras played in
// step on one timeline (their frames' wall-clock times stay together while playing, paused and at
// another speed), a time picker to the second, a timeline window of 5 minutes, and bookmarks with a
// note (listed, marked on the timeline, audited).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type RunningDemo, openControlRoom, type ControlRoom, signInAsAdmin } from './helpers.ts';

describe('investigation: synchronised playback and bookmarks', { timeout: 240_000 }, () => {
  let demo: RunningDemo;
  let page: Page;
  let shots: string;
  let room: ControlRoom | null = null;
  let cams: string[] = [];
  let at = 0;

  before(async () => {
    room = await openControlRoom();
    ({ demo, page, shots } = room);
    await signInAsAdmin(page, demo);
    const api = async <T,>(p: string) => (await (await page.context().request.get(demo.baseUrl + p)).json()) as T;
    const cameras = (await api<{ cameras: { id: string; status: { state: string } }[] }>('/api/cameras')).cameras;
    cams = cameras.filter((c) => c.status.state === 'online').slice(0, 2).map((c) => c.id);
    assert.equal(cams.length, 2, 'two cameras online');
    // Wait until both have recorded 30 s; play from 25 s ago.
    for (let i = 0; i < 90; i++) {
      const now = Date.now();
      const ok = await Promise.all(cams.map(async (id) => {
        const tl = await api<{ spans: { startMs: number; endMs: number }[] }>(`/api/cameras/${id}/timeline?from=${now - 600_000}&to=${now}`);
        return tl.spans.some((s) => s.startMs <= now - 30_000 && s.endMs >= now - 8000);
      }));
      if (ok.every(Boolean)) break;
      await page.waitForTimeout(1000);
    }
    at = Date.now() - 25_000;
  });

  after(async () => {
    await room?.close();
  });

  const positions = async () => (await page.getByTestId('sync-player').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-position'))))) as number[];
  const videos = (expr: string) => page.evaluate(`[...document.querySelectorAll('[data-testid="sync-player"] video')].map((v) => ${expr})`) as Promise<unknown[]>;

  test('two cameras play in step on one timeline: together while playing, paused, faster, and after a jump', async () => {
    await page.goto(`${demo.baseUrl}/investigate?cameras=${cams.join(',')}&at=${at}`);
    await page.getByTestId('investigation').waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('sync-player').count(), 2);
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('[data-testid="sync-player"] .playback[data-playback-state="playing"]').length === 2, undefined, { timeout: 30_000 });
    // One timeline, a row per camera.
    assert.deepEqual(await page.getByTestId('timeline-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-camera-id'))), cams);
    await page.waitForTimeout(3000);
    let p = await positions();
    assert.ok(p.every((x) => x > at - 2000 && x < Date.now() - 10_000), `both play recorded time near the start: ${p.map((x) => x - at)}`);
    assert.ok(Math.abs(p[0] - p[1]) < 700, `in step while playing: ${p[0] - p[1]} ms apart`);
    await page.screenshot({ path: path.join(shots, 'investigation-en.png') });

    // Pause (the leader's controls): both stop, on the same moment.
    await page.getByTestId('inv-pause').click();
    await page.waitForFunction(() => [...(globalThis as any).document.querySelectorAll('[data-testid="sync-player"] video')].every((v: any) => v.paused), undefined, { timeout: 5000 });
    await page.waitForTimeout(800);
    p = await positions();
    assert.ok(Math.abs(p[0] - p[1]) < 250, `in step while paused: ${p[0] - p[1]} ms apart`);
    // A frame forward on the leader: the follower follows it.
    await page.getByTestId('inv-frame-fwd').click();
    await page.waitForTimeout(800);
    const q = await positions();
    assert.ok(q[0] > p[0] && q[0] - p[0] < 200, `one frame forward: ${q[0] - p[0]} ms`);
    assert.ok(Math.abs(q[0] - q[1]) < 250, `the follower took the step: ${q[0] - q[1]} ms apart`);

    // 2×: both.
    await page.getByTestId('inv-speed').selectOption('2');
    await page.getByTestId('inv-pause').click();
    await page.waitForFunction(() => [...(globalThis as any).document.querySelectorAll('[data-testid="sync-player"] video')].every((v: any) => !v.paused && v.playbackRate === 2), undefined, { timeout: 5000 });
    await page.waitForTimeout(2000);
    p = await positions();
    assert.ok(Math.abs(p[0] - p[1]) < 900, `in step at 2×: ${p[0] - p[1]} ms apart`);
    assert.deepEqual(await videos('v.playbackRate'), [2, 2]);
    await page.getByTestId('inv-speed').selectOption('1');

    // The time picker, to the second (24-hour, in the browser's time zone): both jump there.
    const target = at + 9000;
    const hhmmss = await page.evaluate((ms) => { const d = new Date(ms); return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':'); }, target);
    await page.getByTestId('time-picker-time').fill(hhmmss);
    await page.getByTestId('time-picker-go').click();
    await page.waitForFunction((want) => {
      const ps = [...(globalThis as any).document.querySelectorAll('[data-testid="sync-player"]')].map((e: any) => Number(e.getAttribute('data-position')));
      return ps.every((x: number) => Math.abs(x - want) < 2500);
    }, Math.floor(target / 1000) * 1000, { timeout: 20_000, polling: 250 });
    await page.getByTestId('time-picker-time').fill('25:00:00');
    await page.getByTestId('time-picker-go').click();
    assert.match(await page.getByTestId('time-picker-error').innerText(), /HH:MM:SS/);

    // A 5-minute window.
    await page.getByTestId('timeline').getByRole('button', { name: '5 min', exact: true }).click();
    const track = page.getByTestId('timeline-track');
    const span = Number(await track.getAttribute('data-end')) - Number(await track.getAttribute('data-start'));
    assert.equal(span, 300_000);
  });

  test('a bookmark with a note: listed, on the timeline, audited; a click plays from it', async () => {
    await page.getByTestId('bookmark-note').fill('Van stops at the gate');
    await page.getByTestId('bookmark-add').click();
    const item = page.locator('[data-testid="bookmark-item"]', { hasText: 'Van stops at the gate' });
    await item.waitFor({ timeout: 5000 });
    assert.equal(await item.getAttribute('data-camera-id'), cams[0]);
    const markedAt = Number(await item.getAttribute('data-at'));
    assert.ok(markedAt > at - 5000 && markedAt < Date.now(), `marked a recorded moment (${markedAt - at} ms after the start)`);
    await page.getByTestId('timeline-bookmark').first().waitFor({ timeout: 5000 });
    const listed = (await (await page.context().request.get(`${demo.baseUrl}/api/cameras/${cams[0]}/bookmarks`)).json()) as { bookmarks: { note: string; at: number }[] };
    assert.ok(listed.bookmarks.some((b) => b.note === 'Van stops at the gate' && b.at === markedAt));
    const audit = (await (await page.context().request.get(`${demo.baseUrl}/api/audit?action=bookmark.create`)).json()) as { entries: { cameraId: string; details: { note?: string } }[] };
    assert.ok(audit.entries.some((e) => e.cameraId === cams[0] && e.details.note === 'Van stops at the gate'));
    await page.screenshot({ path: path.join(shots, 'investigation-bookmark-en.png') });

    // Right to left.
    await page.goto(`${page.url().split('&lang')[0]}&lang=fa`);
    await page.getByTestId('investigation').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="bookmark-item"]').first().waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('[data-testid="sync-player"] .playback[data-playback-state="playing"]').length === 2, undefined, { timeout: 30_000 });
    assert.equal(await page.evaluate(() => (globalThis as any).document.documentElement.dir), 'rtl');
    await page.screenshot({ path: path.join(shots, 'investigation-fa.png') });
  });
});

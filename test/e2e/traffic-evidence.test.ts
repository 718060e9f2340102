// A traffic violation's evidence package in a real browser: a running Vigil watches a real
// motorway clip (highway_nl through the camera simulator) with a calibration from its lane dashes
// and a 30 km/h limit; the first speeding violation's package opens from its alarm, showing the
// speed ± uncertainty, the limit, the calibration's error, the recording statement, the plate (or
// why it is unread), the frames with the measured path, and that the package verifies.
// Screenshots in English and Dari (right to left).
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildWeb, ensureScreenshotDir, launchChromium } from './helpers.ts';
import { startSimulator, SHARED_VIDEO_DIR, type Simulator } from '../../src/simulator/index.ts';
import { TEST_SIM_CACHE } from '../helpers/recording-rig.ts';
import { startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { parseCalibrationSpec } from '../../src/traffic/index.ts';

const POINTS = parseCalibrationSpec('0.3672,0.5796=0,0;0.3870,0.5019=0,3;0.4260,0.3537=0,12;0.4344,0.3204=0,15;0.4531,0.2444=0,24;0.4568,0.2259=0,27;0.6677,0.5593=7,0;0.6536,0.4833=7,3;0.6193,0.3407=7,12;0.6120,0.3074=7,15;0.5943,0.2389=7,24;0.5901,0.2204=7,27');
const ANALYTICS = {
  enabled: true, detector: 'motion', fps: 10, width: 640, tamper: false,
  traffic: { lanes: [{ name: 'near', polygon: [[0.22, 0.75], [0.42, 0.2], [0.64, 0.2], [0.85, 0.75]] }], speed: [{ lane: 'near', limitKmh: 30, toleranceKmh: 3 }], stopped: false },
};

describe('a violation\'s evidence package in the browser', { timeout: 300_000 }, () => {
  let sim: Simulator;
  let v: TestVigil;
  let browser: Browser;
  let page: Page;
  let shots = '';
  let eventId = '';

  before(async () => {
    assert.ok(existsSync(path.join(SHARED_VIDEO_DIR, 'highway_nl.mp4')), 'the shared footage (VIGIL_SHARED_VIDEO names its folder)');
    shots = ensureScreenshotDir();
    buildWeb();
    sim = await startSimulator({ cameras: 1, port: 0, cacheDir: TEST_SIM_CACHE, clips: ['highway_nl'] });
    v = await startTestVigil({ cameras: [{ id: 'road', name: 'Motorway', url: sim.urls[0] }], recording: { segmentSeconds: 2 } });
    await v.login('admin', 'admin-password-1');
    assert.equal((await v.http('/api/cameras/road/calibration', { method: 'PUT', json: { points: POINTS } })).status, 200);
    assert.equal((await v.http('/api/cameras/road/analytics', { method: 'PUT', json: ANALYTICS })).status, 200);
    const end = Date.now() + 90_000;
    while (!eventId && Date.now() < end) {
      const [e] = await v.store.listEvents({ fromMs: 0, toMs: Date.now() + 1000, cameraId: 'road', kind: 'analytics.speeding', limit: 1 });
      if (e) eventId = e.id;
      else await new Promise((r) => setTimeout(r, 300));
    }
    assert.ok(eventId, 'a speeding violation');
    await v.evidence.wait(eventId);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'en-GB', bypassCSP: true });
    page = await context.newPage();
    page.on('pageerror', (error) => console.log(`# page error: ${error.message}`));
    await page.goto(v.url + '/cameras');
    await page.fill('input[name="username"]', 'admin');
    await page.fill('input[name="password"]', 'admin-password-1');
    await page.click('button[type="submit"]');
    await page.getByTestId('user').waitFor({ timeout: 30_000 }); // signed in (the language picker is on the login screen too)
  });
  after(async () => {
    await browser?.close().catch(() => {});
    await v?.stop();
    await sim?.close();
  });

  test('from the alarm to the package: speed, limit, calibration, recording, plate, frames, verified', async () => {
    const alarms = (await (await v.http('/api/alarms')).json()) as { alarms: { id: string; ruleKind: string; eventId: string }[] };
    const alarm = alarms.alarms.find((a) => a.ruleKind === 'speeding');
    assert.ok(alarm, 'the violation raised an alarm');
    await page.goto(`${v.url}/alarms/${alarm.id}`);
    await page.getByTestId('alarm-screen').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(shots, 'traffic-alarm-en.png') });
    await page.getByTestId('alarm-evidence-link').click();
    await page.getByTestId('evidence-screen').waitFor();
    await page.getByTestId('evidence-speed').waitFor({ timeout: 15_000 });
    const record = v.evidence.record(alarm.eventId)!;
    const speed = await page.getByTestId('evidence-speed').innerText();
    assert.match(speed, /km\/h/);
    assert.ok(speed.includes(String(record.measurement.speedKmh).split('.')[0]), `${speed} vs ${record.measurement.speedKmh}`);
    assert.match(await page.getByTestId('evidence-verified').innerText(), /verified/i);
    assert.match(await page.getByTestId('evidence-calibration').innerText(), /12 pts · RMS/);
    // worded by the screen from the package's fields: the local 24-hour clock, not the signed UTC sentence
    const recording = await page.getByTestId('evidence-recording').innerText();
    assert.match(recording, record.recording.files.length === 0 ? /Nothing was recorded/ : record.recording.gaps.length ? /has gaps/ : /clip is complete/);
    assert.doesNotMatch(recording, /\d{4}-\d{2}-\d{2}T/, 'no ISO timestamps');
    assert.match(recording, /\d{2}:\d{2}:\d{2}/);
    const plate = await page.getByTestId('evidence-plate').innerText();
    if (record.plate.status === 'read') assert.ok(plate.includes(record.plate.text));
    else assert.match(plate, /Not read/);
    await page.getByTestId('evidence-frame').first().waitFor();
    // the frame image loads (served from the signed package)
    await page.waitForFunction(`(() => { const i = document.querySelector('[data-testid="evidence-frame"]'); return i && i.complete && i.naturalWidth > 0; })()`, undefined, { timeout: 15_000 });
    await page.screenshot({ path: path.join(shots, 'traffic-evidence-en.png'), fullPage: true });
  });

  test('the camera\'s traffic dashboard: counts per lane and class over time, speed histogram, events with evidence links', async () => {
    await page.getByTestId('evidence-dashboard-link').click();
    await page.getByTestId('traffic-screen').waitFor();
    // vehicles are counted as they leave the lane: wait for the first ones
    await page.waitForFunction(`(() => { const c = document.querySelector('[data-testid="traffic-lane-counts"]'); return c && /\\d/.test(c.textContent); })()`, undefined, { timeout: 60_000, polling: 1000 });
    assert.match(await page.getByTestId('traffic-running').innerText(), /counting since \d{2}:\d{2}/);
    assert.match(await page.getByTestId('traffic-lane-counts').first().innerText(), /car: \d+/);
    assert.ok(await page.locator('[data-testid="traffic-counts-chart"] rect').count() >= 1, 'bars in the counts chart');
    assert.ok(await page.locator('[data-testid="traffic-histogram"] rect').count() >= 5);
    assert.ok(await page.locator('[data-testid="traffic-event"][data-kind="speeding"]').count() >= 1);
    const api = (await (await v.http('/api/cameras/road/traffic')).json()) as { lanes: { lane: string; counts: Record<string, number>; binKmh: number }[]; minutes: unknown[] };
    assert.equal(api.lanes[0].lane, 'near');
    // the speed axis: every other bin's lower edge, in km/h
    const axis = await page.locator('[data-testid="traffic-histogram"]').first().locator('text').allTextContents();
    assert.ok(axis.length >= 3, axis.join(' '));
    assert.deepEqual(axis, axis.map((_, k) => String(k * 2 * api.lanes[0].binKmh)));
    const chart = (await page.locator('[data-testid="traffic-histogram"]').first().boundingBox())!;
    const zero = (await page.locator('[data-testid="traffic-histogram"]').first().locator('text').first().boundingBox())!;
    assert.ok(zero.x >= chart.x - 1 && zero.x < chart.x + chart.width / 2, `0 km/h at ${JSON.stringify(zero)} in ${JSON.stringify(chart)}`);
    assert.ok(api.minutes.length >= 1);
    await page.screenshot({ path: path.join(shots, 'traffic-dashboard-en.png'), fullPage: true });
    // the links lead to each violation's package (the newest may still be being made): ours
    assert.ok(await page.locator(`a[href="/violations/${eventId}"]`).count() <= 1);
    await page.goto(`${v.url}/violations/${eventId}`);
    await page.getByTestId('evidence-verified').waitFor();
  });

  test('right to left: the package in Dari', async () => {
    await page.selectOption('[data-testid="language"]', 'fa');
    await page.getByTestId('evidence-verified').waitFor();
    assert.equal(await page.evaluate('document.documentElement.dir'), 'rtl');
    assert.match(await page.getByTestId('evidence-verified').innerText(), /تأیید/);
    const recordingFa = await page.getByTestId('evidence-recording').innerText();
    assert.match(recordingFa, /کامل است|وقفه|ثبت نشده/, recordingFa);
    assert.doesNotMatch(recordingFa, /[A-Za-z0-9]/, `the recording sentence in Dari has Latin letters or digits: ${recordingFa}`);
    await page.screenshot({ path: path.join(shots, 'traffic-evidence-fa.png'), fullPage: true });
    await page.getByTestId('evidence-dashboard-link').click();
    await page.getByTestId('traffic-lane').first().waitFor();
    assert.match(await page.getByTestId('traffic-screen').innerText(), /ترافیک/);
    // every number on the charts in the reader's digits, as on the rest of the Dari page
    const chartNumbers = [
      ...await page.locator('[data-testid="traffic-histogram"] text').allTextContents(),
      ...await page.locator('[data-testid="traffic-counts-chart"] text').allTextContents(),
      ...await page.locator('[data-testid="traffic-histogram"] title, [data-testid="traffic-counts-chart"] title').allTextContents(),
      ...await page.getByTestId('traffic-lane-counts').allTextContents(),
    ];
    assert.ok(chartNumbers.length >= 8, chartNumbers.join(' | '));
    const latin = chartNumbers.filter((text) => /[0-9]/.test(text));
    assert.deepEqual(latin, [], 'Latin digits on the Dari charts');
    assert.ok(chartNumbers.every((text) => /[۰-۹]/.test(text)), chartNumbers.join(' | '));
    const axis = await page.locator('[data-testid="traffic-histogram"]').first().locator('text').allTextContents();
    const persian = (n: number) => String(n).replace(/[0-9]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]!);
    const api = (await (await v.http('/api/cameras/road/traffic')).json()) as { lanes: { binKmh: number }[] };
    assert.deepEqual(axis, axis.map((_, k) => persian(k * 2 * api.lanes[0].binKmh)), 'the speed axis in Persian digits');
    // mirrored: 0 km/h is the rightmost label, and inside the chart (not pushed out by the page's rtl)
    const chart = (await page.locator('[data-testid="traffic-histogram"]').first().boundingBox())!;
    const zero = (await page.locator('[data-testid="traffic-histogram"]').first().locator('text').first().boundingBox())!;
    assert.ok(zero.x > chart.x + chart.width / 2 && zero.x + zero.width <= chart.x + chart.width + 1, `0 km/h at ${JSON.stringify(zero)} in ${JSON.stringify(chart)}`);
    await page.screenshot({ path: path.join(shots, 'traffic-dashboard-fa.png'), fullPage: true });
    await page.selectOption('[data-testid="language"]', 'en');
  });
});

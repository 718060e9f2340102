// The public transparency report in a real browser against a real `vigil demo` (which publishes it):
// no login; the cameras with their retention, the month's counts from the audit log (a live view
// made here shows up in them), the latest signed audit checkpoint and the public key; and none of
// the things it must never publish (user names, the cameras' addresses).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openControlRoom, type ControlRoom, type RunningDemo } from './helpers.ts';

describe('the public transparency report', { timeout: 300_000 }, () => {
  let demo: RunningDemo;
  let room: ControlRoom | null = null;
  let page: Page;
  let shots: string;

  before(async () => {
    room = await openControlRoom();
    demo = room.demo;
    shots = room.shots;
    // an operator watches live first, so that this month has a live view to count
    const op = room.page;
    await op.goto(demo.baseUrl + '/cameras');
    await op.fill('input[name="username"]', demo.username);
    await op.fill('input[name="password"]', demo.password);
    await op.click('button[type="submit"]');
    await op.getByTestId('tiles').waitFor({ timeout: 15_000 });
    await op.waitForTimeout(3000);
    // the visitor: a context of its own, no session
    const visitor = await room.browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await visitor.newPage();
  });
  after(async () => {
    await room?.close();
  });

  test('a visitor with no account reads cameras, use per month, the checkpoint and the key; no person is named', async () => {
    const res = await page.goto(demo.baseUrl + '/transparency');
    assert.equal(res?.status(), 200);
    await page.getByRole('heading', { name: 'Transparency report' }).waitFor();
    const text = await page.locator('body').innerText();
    assert.match(text, /Cameras \((\d+)\)/);
    const cameras = Number(/Cameras \((\d+)\)/.exec(text)![1]);
    assert.ok(cameras >= 60, `the demo city's cameras are listed: ${cameras}`);
    assert.match(text, /\d+ h/, 'each camera says how long it is kept');
    const month = page.getByTestId('months').locator('tbody tr').first();
    const liveViews = Number(await month.locator('td').first().innerText());
    assert.ok(liveViews >= 1, `this month's live views are counted from the audit log: ${liveViews}`);
    assert.match(text, /Audit log checkpoint/);
    assert.match(text, /public key/);
    // never published: the operator's name and any camera address (which may carry credentials)
    assert.doesNotMatch(text, new RegExp(`\\b${demo.username}\\b`));
    assert.doesNotMatch(text, /rtsp:\/\//);
    await page.screenshot({ path: path.join(shots, 'transparency-en.png'), fullPage: false });

    // the page's JSON twin is signed, and its cameras agree with the page
    const json = (await (await page.request.get(demo.baseUrl + '/api/transparency')).json()) as { report: { cameras: { total: number } }; signature?: unknown };
    assert.equal(json.report.cameras.total, cameras);
    assert.ok(json.signature, 'signed');
  });
});

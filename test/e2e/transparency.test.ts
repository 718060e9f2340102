// The public transparency report in a real browser against a real `vigil demo` (which publishes it):
// no login; the cameras with their retention, the month's counts from the audit log (a live view
// made here shows up in them), the latest signed audit checkpoint and the public key; and none of
// the things it must never publish (user names, the cameras' addresses). Each camera's stated
// purpose and legal basis, and the cameras grouped by them. In English and, chosen by the
// browser's language or ?lang=, in Dari, Pashto and Urdu (right to left, 24-hour clock).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { REPORT_TEXT } from '../../src/privacy/index.ts';
import { openControlRoom, type ControlRoom, type RunningDemo, signInAsAdmin } from './helpers.ts';

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
    await signInAsAdmin(op, demo);
    // two cameras state a purpose (before the report is first built: it is kept for a minute)
    for (const id of ['cam1', 'cam2']) {
      const res = await op.request.put(`${demo.baseUrl}/api/cameras/${id}/purpose`, { data: { purpose: 'Safety of people on the street', legalBasis: 'public_task' } });
      assert.equal(res.status(), 200, await res.text());
    }
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

  test('each camera\'s purpose and legal basis, grouped, in the page and the signed JSON', async () => {
    await page.goto(demo.baseUrl + '/transparency');
    const group = page.getByTestId('purposes').locator('tbody tr').first();
    assert.deepEqual((await group.locator('td').allInnerTexts()).slice(0, 3), ['Safety of people on the street', 'public task (e)', '2']);
    const last = page.getByTestId('purposes').locator('tbody tr').last();
    assert.match(await last.innerText(), /no purpose stated \(kept 72 h at most\)/);
    const json = (await (await page.request.get(demo.baseUrl + '/api/transparency')).json()) as { report: { cameras: { byPurpose: { purpose: string | null; legalBasis: string | null; cameras: number }[] } } };
    assert.deepEqual(json.report.cameras.byPurpose[0], { ...json.report.cameras.byPurpose[0], purpose: 'Safety of people on the street', legalBasis: 'public_task', cameras: 2 });
  });

  test('in the visitor\'s language: Dari from the browser, right to left; Pashto and Urdu by ?lang=', async () => {
    const browser = (page.context().browser() as Browser);
    const dari = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fa-AF' });
    try {
      const fa = await dari.newPage();
      const res = await fa.goto(demo.baseUrl + '/transparency');
      assert.equal(res?.headers()['content-language'], 'fa');
      await fa.getByRole('heading', { name: REPORT_TEXT.fa.heading }).waitFor();
      assert.equal(await fa.evaluate('document.documentElement.dir'), 'rtl');
      const text = await fa.locator('body').innerText();
      assert.ok(text.includes(REPORT_TEXT.fa.legalBases.public_task!), 'the legal basis in Dari');
      assert.ok(text.includes(REPORT_TEXT.fa.counters.liveViews), 'the counters in Dari');
      assert.match(text, /[۰-۹]{2}:[۰-۹]{2}:[۰-۹]{2}/, 'times on the 24-hour clock');
      assert.doesNotMatch(text, /\b(AM|PM)\b|ق\.ظ|ب\.ظ/);
      await fa.screenshot({ path: path.join(shots, 'transparency-fa.png'), fullPage: false });
      for (const lang of ['ps', 'ur'] as const) {
        await fa.goto(`${demo.baseUrl}/transparency?lang=${lang}`);
        assert.equal(await fa.locator('h1').innerText(), REPORT_TEXT[lang].heading);
        assert.equal(await fa.evaluate('document.documentElement.lang'), lang);
        assert.equal(await fa.evaluate('document.documentElement.dir'), 'rtl');
      }
    } finally {
      await dari.close();
    }
  });
});

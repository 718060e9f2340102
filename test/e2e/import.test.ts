// Bulk camera import in a real browser against a real Vigil: an admin picks a CSV of 4,500
// cameras with a few bad rows, checks it (a dry run: the bad rows named by line, nothing
// created), then imports it in parts with a progress bar; the report says how many were taken
// and names the refused rows. Screenshots in English and Dari (right to left).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildWeb, ensureScreenshotDir, launchChromium } from './helpers.ts';
import { startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';

let v: TestVigil;
let browser: Browser;
let page: Page;
const shots = ensureScreenshotDir();
const ROWS = 4500;
const BAD = new Map([[17, 'ftp'], [2222, 'noname'], [4400, 'dup']]);

function csv(): string {
  const lines = ['name,url,id,site,enabled'];
  for (let i = 1; i <= ROWS; i++) {
    const bad = BAD.get(i);
    const id = bad === 'dup' ? 'cam-00010' : `cam-${String(i).padStart(5, '0')}`;
    lines.push(`${bad === 'noname' ? '' : `Street camera ${i}`},${bad === 'ftp' ? 'ftp' : 'rtsp'}://10.${Math.floor(i / 250)}.${i % 250}.1/stream,${id},district-${i % 22},false`);
  }
  return lines.join('\n') + '\n';
}

before(async () => {
  buildWeb();
  v = await startTestVigil();
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 760 }, locale: 'en-GB' })).newPage();
});
after(async () => {
  await browser?.close().catch(() => {});
  await v?.stop();
});

test('an admin checks a city\'s camera list, then imports it with progress and a report of what was refused', { timeout: 170_000 }, async () => {
  await page.goto(v.url + '/');
  await page.fill('input[name="username"]', 'admin');
  await page.fill('input[name="password"]', 'admin-password-1');
  await page.click('button[type="submit"]');
  await page.getByTestId('topbar-more').click();
  await page.getByTestId('import-link').click();
  await page.getByTestId('import-file').setInputFiles({ name: 'kabul-cameras.csv', mimeType: 'text/csv', buffer: Buffer.from(csv()) });
  assert.equal(await page.getByTestId('import-summary').innerText(), 'kabul-cameras.csv: CSV, 4,500 rows');

  const before = (await v.store.listCameras()).length;
  await page.getByTestId('import-check').click();
  await page.getByTestId('import-report').waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId('import-taken').textContent(), '4,497 would be taken');
  assert.equal(await page.getByTestId('import-refused-count').textContent(), '3 refused');
  const rows = await page.getByTestId('import-refused-row').allInnerTexts();
  assert.equal(rows.length, 3);
  assert.match(rows[0], /^line 18\s+url: /);
  assert.match(rows[1], /^line 2223\s+name: /);
  assert.match(rows[2], /^line 4401\s+id: "cam-00010" is also on line 11/);
  assert.equal((await v.store.listCameras()).length, before, 'the check created nothing');
  await page.screenshot({ path: path.join(shots, 'import-check.png') });

  await page.getByTestId('import-run').click();
  await page.getByTestId('import-progress').waitFor({ timeout: 10_000 });
  const progress = await page.locator('[data-testid="import-progress"] progress').evaluate((el) => ({ max: (el as unknown as { max: number }).max, value: (el as unknown as { value: number }).value }));
  assert.equal(progress.max, ROWS);
  assert.ok(progress.value < ROWS, `progress shown while parts are sent: ${progress.value}`);
  await page.screenshot({ path: path.join(shots, 'import-progress.png') });
  await page.getByTestId('import-report').waitFor({ timeout: 150_000 });
  await page.locator('[data-testid="import-taken"]', { hasText: /^[\d,]+ taken$/i }).waitFor({ timeout: 150_000 });
  // The duplicate id is only found against the store by the part that holds it (parts are sent one by one).
  assert.equal(await page.getByTestId('import-taken').textContent(), '4,497 taken');
  const refused = await page.getByTestId('import-refused-row').allInnerTexts();
  assert.deepEqual(refused.map((r) => r.split(/\s+/).slice(0, 2).join(' ')), ['line 18', 'line 2223', 'line 4401']);
  assert.match(refused[2], /exists already/);
  assert.equal((await v.store.listCameras()).length, before + 4497, 'the good rows are cameras now');
  await page.screenshot({ path: path.join(shots, 'import-report.png') });

  await page.selectOption('[data-testid="language"]', 'fa');
  assert.equal(await page.evaluate('document.documentElement.dir'), 'rtl');
  await page.getByText('وارد کردن تمام شد').waitFor();
  await page.screenshot({ path: path.join(shots, 'import-report-fa-rtl.png') });
  await page.selectOption('[data-testid="language"]', 'en');
});

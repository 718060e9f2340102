// The users screen and the auditor's screen in a real browser against a real `vigil demo`:
// an admin adds an auditor and a scoped operator, disables one; the audit log filtered, the chain
// verified from the browser; the auditor signs in, sees the log and no video, takes a signed
// extract that checks offline. Screenshots in English and Dari (right to left).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openControlRoom, type ControlRoom } from './helpers.ts';
import { verifyAuditExtract, type SignedAuditExtract } from '../../src/audit/index.ts';

const AUDITOR = { username: 'ana-audit', password: 'Quiet-ledger-2026!' };
const OPERATOR = { username: 'otto', password: 'North-shift-ops-77' };

describe('users and audit screens', { timeout: 240_000 }, () => {
  let room: ControlRoom;
  let page: Page;

  before(async () => {
    room = await openControlRoom();
    page = room.page;
  });
  after(async () => {
    await room?.close();
  });

  async function signIn(username: string, password: string): Promise<void> {
    await page.goto(room.demo.baseUrl + '/');
    await page.locator('input[name="username"]').waitFor({ timeout: 15_000 });
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="password"]', password);
    await page.click('button[type="submit"]');
  }

  test('an admin adds an auditor and a scoped operator, and disables the operator', async () => {
    await signIn(room.demo.username, room.demo.password);
    await page.getByTestId('nav-users').click();
    await page.getByTestId('users-screen').waitFor({ timeout: 10_000 });
    for (const [u, role, scopes] of [[AUDITOR, 'auditor', ''], [OPERATOR, 'operator', 'site:north, group:gates']] as const) {
      await page.fill('input[name="new-username"]', u.username);
      await page.fill('input[name="new-password"]', u.password);
      await page.selectOption('select[name="new-role"]', role);
      await page.fill('input[name="new-scopes"]', scopes);
      await page.click('[data-testid="user-form"] button[type="submit"]');
      await page.getByTestId(`user-row-${u.username}`).waitFor({ timeout: 10_000 });
    }
    const otto = page.getByTestId(`user-row-${OPERATOR.username}`);
    assert.match(await otto.innerText(), /group:gates, site:north/);
    assert.match(await page.getByTestId(`user-row-${AUDITOR.username}`).innerText(), /every camera/);
    // A weak password is refused with the rule, and nothing is added.
    await page.fill('input[name="new-username"]', 'weak');
    await page.fill('input[name="new-password"]', 'password1234');
    await page.click('[data-testid="user-form"] button[type="submit"]');
    await page.waitForFunction(`document.querySelector('[data-testid="users-notice"]')?.textContent?.includes('common')`, undefined, { timeout: 10_000 });
    assert.equal(await page.getByTestId('user-row-weak').count(), 0);
    await otto.getByRole('button', { name: 'Disable' }).click();
    await page.waitForFunction(`document.querySelector('[data-testid="user-row-otto"]')?.textContent?.includes('disabled')`, undefined, { timeout: 10_000 });
    await page.screenshot({ path: path.join(room.shots, 'users-en.png') });
    await page.selectOption('[data-testid="language"]', 'fa');
    await page.waitForFunction(`document.documentElement.dir === 'rtl'`, undefined, { timeout: 5000 });
    assert.match(await page.locator('.screen-title').innerText(), /کاربران/);
    await page.screenshot({ path: path.join(room.shots, 'users-fa.png') });
    await page.selectOption('[data-testid="language"]', 'en');
  });

  test('a server error reads in Dari on a Dari screen, and the banner follows a language switch', async () => {
    await page.selectOption('[data-testid="language"]', 'fa');
    await page.waitForFunction(`document.documentElement.dir === 'rtl'`, undefined, { timeout: 5000 });
    // A name already taken: the server answers DUPLICATE with an English detail naming the field.
    await page.fill('input[name="new-username"]', OPERATOR.username);
    await page.fill('input[name="new-password"]', 'Another-strong-pass-31');
    await page.click('[data-testid="user-form"] button[type="submit"]');
    const notice = page.getByTestId('users-notice');
    await page.waitForFunction(`document.querySelector('[data-testid="users-notice"]')?.textContent?.includes('این نام از قبل استفاده شده است.')`, undefined, { timeout: 10_000 });
    assert.match(await notice.innerText(), /username: "otto" is taken/);
    assert.equal(await notice.getAttribute('role'), 'alert');
    await page.screenshot({ path: path.join(room.shots, 'users-error-fa.png') });
    await page.selectOption('[data-testid="language"]', 'en');
    await page.waitForFunction(`document.querySelector('[data-testid="users-notice"]')?.textContent?.startsWith('That name is already in use.')`, undefined, { timeout: 5000 });
    await page.screenshot({ path: path.join(room.shots, 'users-error-en.png') });
    // A success banner too is words of the current language, not of the moment it appeared.
    await page.getByTestId(`user-row-${OPERATOR.username}`).getByRole('button', { name: 'Enable' }).click();
    await page.waitForFunction(`document.querySelector('[data-testid="users-notice"]')?.getAttribute('role') === 'status'`, undefined, { timeout: 10_000 });
    const english = await notice.innerText();
    await page.selectOption('[data-testid="language"]', 'ur');
    await page.waitForFunction(`document.documentElement.lang === 'ur'`, undefined, { timeout: 5000 });
    assert.notEqual(await notice.innerText(), english);
    assert.match(await notice.innerText(), /[\u0600-\u06FF]/);
    await page.selectOption('[data-testid="language"]', 'en');
  });

  test('the audit log: filtered by action, the chain verified from the browser', async () => {
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-screen').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="audit-row"]').first().waitFor({ timeout: 10_000 });
    await page.selectOption('select[name="action"]', 'user.update');
    await page.click('[data-testid="audit-filters"] button[type="submit"]');
    await page.waitForFunction(
      `(() => { const rows = [...document.querySelectorAll('[data-testid="audit-row"]')]; return rows.length > 0 && rows.every((r) => r.textContent.includes('user.update')); })()`,
      undefined,
      { timeout: 10_000 },
    );
    // A time range typed on the 24-hour clock: nothing in 2099.
    await page.fill('input[name="from"]', '2099-01-01 00:00');
    await page.click('[data-testid="audit-filters"] button[type="submit"]');
    await page.waitForFunction(`document.querySelectorAll('[data-testid="audit-row"]').length === 0`, undefined, { timeout: 10_000 });
    await page.fill('input[name="from"]', '');
    await page.click('[data-testid="audit-filters"] button[type="submit"]');
    await page.locator('[data-testid="audit-row"]').first().waitFor({ timeout: 10_000 });
    await page.getByTestId('audit-verify').getByRole('button').click();
    const result = page.getByTestId('audit-verify-result');
    await result.waitFor({ timeout: 60_000 });
    assert.match(await result.innerText(), /Chain intact: [\d,]+ entries, checked against [\d,]+ signed checkpoints/);
    await page.screenshot({ path: path.join(room.shots, 'audit-en.png') });
    await page.selectOption('[data-testid="language"]', 'fa');
    await page.waitForFunction(`document.documentElement.dir === 'rtl'`, undefined, { timeout: 5000 });
    assert.match(await page.locator('.screen-title').innerText(), /دفتر ممیزی/);
    await page.screenshot({ path: path.join(room.shots, 'audit-fa.png') });
    await page.selectOption('[data-testid="language"]', 'en');
  });

  test('under the server\'s Content-Security-Policy the app signs in and shows its home with no violation', async () => {
    const context = await room.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    try {
      const p = await context.newPage();
      const violations: string[] = [];
      p.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
      });
      await p.goto(room.demo.baseUrl + '/');
      await p.locator('input[name="username"]').waitFor({ timeout: 15_000 });
      await p.fill('input[name="username"]', room.demo.username);
      await p.fill('input[name="password"]', room.demo.password);
      await p.click('button[type="submit"]');
      await p.getByTestId('nav-audit').waitFor({ timeout: 15_000 });
      // The home is the map (MapLibre: WebGL, workers from blob: URLs, fonts from this server).
      await p.waitForTimeout(4000);
      await p.getByTestId('nav-grid').click();
      await p.getByTestId('tiles').waitFor({ timeout: 15_000 });
      await p.waitForTimeout(3000);
      assert.deepEqual(violations, []);
    } finally {
      await context.close();
    }
  });

  test('the auditor sees the log and no video, and takes a signed extract that checks offline', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await signIn(AUDITOR.username, AUDITOR.password);
    await page.getByTestId('audit-screen').waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('tiles').count(), 0, 'no camera grid');
    assert.equal(await page.locator('video').count(), 0, 'no video anywhere');
    const live = await page.evaluate(`fetch('/api/cameras/cam1/playback?from=0&to=1000').then((r) => r.status)`);
    assert.equal(live, 403);
    await page.fill('input[name="extract-reason"]', 'ombudsman request 2026/17');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-extract').click()]);
    const file = await download.path();
    const doc = JSON.parse(readFileSync(file!, 'utf8')) as SignedAuditExtract;
    assert.ok(doc.extract.entries.length > 0);
    assert.deepEqual(verifyAuditExtract(doc), []);
    doc.extract.entries[0].actor = 'someone-else';
    assert.ok(verifyAuditExtract(doc).length > 0, 'an edited extract fails');
    await page.screenshot({ path: path.join(room.shots, 'audit-auditor-en.png') });
  });
});

// The retention screen in a real browser against a real `vigil demo`: an admin opens it from the
// top bar's menu and sees how long each kind is kept (events, snapshots, exports, counts, the audit
// log, each camera's recordings); a change the server refuses (the audit log kept 7 days) shows the
// server's refusal in the user's language and changes nothing; a change shorter than an evidence
// lock is saved and the screen says the lock wins, naming it; a sweep's deletions are listed from
// the audit log on the 24-hour clock. The same in Dari (right to left), with the Pashto and Urdu
// words checked. Screenshots in English and Dari.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openControlRoom, type ControlRoom, type RunningDemo, signInAsAdmin } from './helpers.ts';
import { en } from '../../web/src/i18n/en.ts';
import { fa } from '../../web/src/i18n/fa.ts';
import { ps } from '../../web/src/i18n/ps.ts';
import { ur } from '../../web/src/i18n/ur.ts';

const DAY = 86_400_000;
const lockReason = 'case 2026-131: hit and run';
/** The start of a catalogue line, up to its first placeholder. */
const head = (text: string | undefined): string => (text ?? '').split('{')[0]!;

describe('the retention screen in the control room', { timeout: 300_000 }, () => {
  let room: ControlRoom | null = null;
  let demo: RunningDemo;
  let page: Page;
  let shots: string;

  const days = (kind: string) => page.locator(`input[name="${kind}-days"]`);
  const policy = async () => ((await (await page.request.get(`${demo.baseUrl}/api/privacy/retention`)).json()) as { policy: Record<string, number> }).policy;

  before(async () => {
    room = await openControlRoom();
    ({ demo, page, shots } = room);
    await signInAsAdmin(page, demo);
  });

  after(async () => {
    await room?.close();
  });

  test('opened from the menu: every kind with its days and default, and each camera\'s recordings', async () => {
    await page.getByTestId('topbar-more').click();
    await page.getByTestId('retention-link').click();
    await page.waitForURL('**/retention');
    await page.getByTestId('retention-kinds').waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('h1').innerText(), en.messages['retention.title']);
    assert.deepEqual(
      await Promise.all(['events', 'snapshots', 'exports', 'counts', 'audit'].map((k) => days(k).inputValue())),
      ['30', '3', '30', '365', '730'],
    );
    assert.equal(await page.locator('tr[data-kind="audit"] th').innerText(), 'Audit log');
    assert.equal(await page.locator('tr[data-kind="snapshots"] td').last().innerText(), '3 days', 'the default beside it');
    const cameras = page.locator('[data-testid="retention-recordings"] tbody tr');
    assert.ok((await cameras.count()) >= 10, 'every camera of the demo city is listed');
    assert.match(await cameras.first().innerText(), /\d+ h/);
    await page.getByTestId('retention-change-cam2').waitFor();
    assert.equal(await page.getByTestId('retention-change-cam2').getAttribute('href'), '/cameras/cam2/purpose', 'a camera\'s recordings are changed on its purpose screen');
  });

  test('the server refuses an audit log kept 7 days: its refusal shown, nothing changed', async () => {
    await days('audit').fill('7');
    await page.getByTestId('retention-save').click();
    const error = page.getByTestId('retention-error');
    await error.waitFor({ timeout: 10_000 });
    assert.ok((await error.innerText()).startsWith(en.messages['apiError.AUDIT_RETENTION_TOO_SHORT']), await error.innerText());
    assert.equal((await policy()).auditDays, 730, 'nothing half-done');
    await days('audit').fill('730');
  });

  test('shorter than an evidence lock: saved, and the screen says the lock wins, naming it', async () => {
    const now = Date.now();
    const lock = await page.request.post(`${demo.baseUrl}/api/cameras/cam3/locks`, { data: { from: now - 20 * DAY, to: now - 19 * DAY, reason: lockReason } });
    assert.equal(lock.status(), 201, await lock.text());
    await days('events').fill('7');
    await page.getByTestId('retention-save').click();
    await page.getByTestId('retention-saved').waitFor({ timeout: 10_000 });
    assert.equal((await policy()).eventsDays, 7);
    const notice = page.locator('[data-testid="retention-notices"] li[data-code="LOCK_KEEPS_DATA"]');
    const text = await notice.innerText();
    assert.ok(text.startsWith('Evidence lock '), text);
    assert.match(text, /case 2026-131: hit and run/);
    assert.match(text, /keeps events and snapshots older than the policy: the lock wins until it is released/);
    assert.match(text, /\d{2}:\d{2}:\d{2}/, 'the lock\'s times on the 24-hour clock');
    assert.doesNotMatch(text, /\b(AM|PM)\b/);
    const audit = (await (await page.request.get(`${demo.baseUrl}/api/audit?action=retention.policy&limit=10`)).json()) as { entries: { action: string }[] };
    assert.ok(audit.entries.length >= 1, 'the change is audited');
  });

  test('deletions are listed from the audit log, on the 24-hour clock', async () => {
    // A camera whose stated purpose keeps recordings a few seconds: the recorder's sweep (every
    // minute) deletes its older segments and audits it; the screen lists that from the audit log.
    const put = await page.request.put(`${demo.baseUrl}/api/cameras/cam4/purpose`, { data: { purpose: 'Retention test: kept seconds only', legalBasis: 'public_task', retentionHours: 0.002 } });
    assert.equal(put.status(), 200, await put.text());
    const row = page.locator('[data-testid="retention-deletions"] tr[data-action="recording.delete"]').first();
    for (let i = 0; i < 30 && !(await row.isVisible()); i++) {
      await new Promise((r) => setTimeout(r, 4000));
      await page.reload();
      await page.getByTestId('retention-kinds').waitFor({ timeout: 10_000 });
    }
    const cells = await row.locator('td').allInnerTexts();
    assert.match(cells[0]!, /\d{2}:\d{2}:\d{2}$/, 'when, on the 24-hour clock');
    assert.doesNotMatch(cells[0]!, /\b(AM|PM)\b/);
    assert.equal(cells[1], 'Recordings');
    assert.equal(cells[2], (await (await page.request.get(`${demo.baseUrl}/api/cameras/cam4`)).json() as { camera: { name: string } }).camera.name, 'the camera by its name');
    assert.match(cells[3]!, /^[\d,]+ segments$/);
    assert.match(cells[4]!, /\d{2}:\d{2}:\d{2} – .*\d{2}:\d{2}:\d{2}/, 'the span of what went');
    assert.match(await page.locator('[data-testid="retention-recordings"] tr[data-camera="cam4"]').innerText(), /Retention test: kept seconds only\s+0\.002 h/);
    // A sweep of the other kinds on demand.
    await page.getByTestId('retention-sweep').click();
    await page.waitForFunction(() => /\d{2}:\d{2}:\d{2}/.test((globalThis as any).document.querySelector('[data-testid="retention-last-sweep"]')?.textContent ?? ''), null, { timeout: 30_000 });
    assert.match(await page.getByTestId('retention-last-sweep').innerText(), /^Last sweep .*\d{2}:\d{2}:\d{2}/);
    await page.screenshot({ path: path.join(shots, 'retention-en.png') });
  });

  test('right to left: the screen, the notices and the server\'s refusal in Dari; Pashto and Urdu have their own words', async () => {
    await page.goto(`${demo.baseUrl}/retention?lang=fa`);
    await page.getByTestId('retention-kinds').waitFor({ timeout: 10_000 });
    assert.equal(await page.evaluate('document.documentElement.dir'), 'rtl');
    assert.equal(await page.locator('h1').innerText(), fa.messages['retention.title']);
    assert.equal(await page.locator('tr[data-kind="audit"] th').innerText(), fa.messages['retention.kind.audit']);
    // The notice in force (the lock keeps events and snapshots older than the policy), worded in Dari.
    const notice = await page.locator('[data-testid="retention-notices"] li[data-code="LOCK_KEEPS_DATA"]').innerText();
    assert.ok(notice.startsWith(head(fa.messages['rnotice.lockKeepsData'])), notice);
    assert.match(notice, /case 2026-131: hit and run/);
    assert.ok(notice.includes(fa.messages['retention.kind.events']!), 'the kinds in Dari');
    assert.match(notice, /[۰-۹0-9]{2}:[۰-۹0-9]{2}:[۰-۹0-9]{2}/);
    assert.doesNotMatch(notice, /evidence lock|older than|\b(AM|PM)\b/i, 'no English left in it');
    const deleted = await page.locator('[data-testid="retention-deletions"] tr[data-action="recording.delete"]').first().locator('td').allInnerTexts();
    assert.equal(deleted[1], fa.messages['retention.action.recording.delete']);
    assert.match(deleted[0]!, /[۰-۹0-9]{2}:[۰-۹0-9]{2}:[۰-۹0-9]{2}/);
    await page.screenshot({ path: path.join(shots, 'retention-fa.png') });

    await days('audit').fill('7');
    await page.getByTestId('retention-save').click();
    const error = page.getByTestId('retention-error');
    await error.waitFor({ timeout: 10_000 });
    assert.ok((await error.innerText()).startsWith(fa.messages['apiError.AUDIT_RETENTION_TOO_SHORT']!), await error.innerText());
    await page.screenshot({ path: path.join(shots, 'retention-refused-fa.png') });
    assert.equal((await policy()).auditDays, 730);

    for (const c of [ps, ur]) {
      await page.selectOption('[data-testid="language"]', c.lang);
      assert.equal(await page.locator('h1').innerText(), c.messages['retention.title']);
      assert.notEqual(c.messages['retention.title'], en.messages['retention.title']);
      assert.ok((await page.getByTestId('retention-error').innerText()).startsWith(c.messages['apiError.AUDIT_RETENTION_TOO_SHORT']!), 'the refusal follows the language switch');
    }
    await page.selectOption('[data-testid="language"]', 'en');
  });

  test('an auditor reads the retention, and cannot change it', async () => {
    const auditor = { username: 'aud', password: 'ledger-check-1313', role: 'auditor', scopes: null };
    const created = await page.request.post(`${demo.baseUrl}/api/users`, { data: auditor });
    assert.equal(created.status(), 201, await created.text());
    const context = await room!.browser.newContext({ viewport: { width: 1600, height: 900 }, locale: 'en-GB', bypassCSP: true });
    try {
      assert.equal((await context.request.post(`${demo.baseUrl}/api/session`, { data: { username: auditor.username, password: auditor.password } })).status(), 200);
      const aud = await context.newPage();
      await aud.goto(`${demo.baseUrl}/retention`);
      await aud.getByTestId('retention-kinds').waitFor({ timeout: 15_000 });
      assert.equal(await aud.locator('input[name="events-days"]').inputValue(), '7');
      assert.equal(await aud.locator('input[name="events-days"]').isDisabled(), true, 'read only');
      assert.equal(await aud.getByTestId('retention-save').count(), 0, 'no save button');
      assert.equal(await aud.getByTestId('retention-sweep').count(), 0);
      assert.equal(await aud.locator('[data-testid^="retention-change-"]').count(), 0, 'no link to change a camera');
      assert.ok((await aud.locator('[data-testid="retention-deletions"] tbody tr').count()) >= 1, 'the deletions are there to read');
    } finally {
      await context.close();
    }
  });
});

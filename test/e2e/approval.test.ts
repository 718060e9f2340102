// Four-eyes export in a real browser against a real `vigil demo` (which turns four-eyes export
// on): an operator asks for an export with a purpose from the camera view; nothing is produced and
// there is nothing to download; a supervisor sees the request (camera, interval, purpose,
// requester, when) and approves it; the requester then downloads it, and the signed manifest in
// the archive names both. An admin cannot approve their own request (the server's message is
// shown); a refusal needs a reason and the requester sees it. Screenshots in English and Dari;
// the Pashto and Urdu strings are checked on the screen too.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { openControlRoom, type ControlRoom, type RunningDemo } from './helpers.ts';
import { verifyExportDir } from '../../src/export/index.ts';
import { fa } from '../../web/src/i18n/fa.ts';
import { ps } from '../../web/src/i18n/ps.ts';
import { ur } from '../../web/src/i18n/ur.ts';

const OPERATOR = { username: 'olga', password: 'Harbour-lantern-2026!', role: 'operator' };
const SUPERVISOR = { username: 'sam', password: 'Copper-meadow-2026!', role: 'supervisor' };

describe('four-eyes export in the control room', { timeout: 400_000 }, () => {
  let room: ControlRoom | null = null;
  let demo: RunningDemo;
  let admin: Page;
  let op: Page;
  let sup: Page;
  let shots: string;
  let cameraId = '';
  let cameraName = '';
  let opExportId = '';
  let adminExportId = '';
  const contexts: BrowserContext[] = [];

  async function signedIn(user: { username: string; password: string }): Promise<Page> {
    const context = await room!.browser.newContext({ viewport: { width: 1600, height: 900 }, locale: 'en-GB', bypassCSP: true });
    contexts.push(context);
    const res = await context.request.post(`${demo.baseUrl}/api/session`, { data: { username: user.username, password: user.password } });
    assert.equal(res.status(), 200, await res.text());
    const page = await context.newPage();
    page.on('pageerror', (error) => console.log(`# page error (${user.username}): ${error.message}`));
    return page;
  }

  before(async () => {
    room = await openControlRoom();
    ({ demo, shots } = room);
    admin = room.page;
    const login = await admin.request.post(`${demo.baseUrl}/api/session`, { data: { username: demo.username, password: demo.password } });
    assert.equal(login.status(), 200);
    for (const u of [OPERATOR, SUPERVISOR]) {
      const res = await admin.request.post(`${demo.baseUrl}/api/users`, { data: u });
      assert.equal(res.status(), 201, await res.text());
    }
    // Every recording is "looking back" here, so the request carries a purpose from the list.
    const policy = await admin.request.put(`${demo.baseUrl}/api/privacy/look-back`, { data: { freeWindowMinutes: 0, maxHoursByRole: { admin: 'unlimited', supervisor: 744, operator: 168 } } });
    assert.equal(policy.status(), 200, await policy.text());
    const cams = (await (await admin.request.get(`${demo.baseUrl}/api/cameras`)).json()) as { cameras: { id: string; name: string }[] };
    ({ id: cameraId, name: cameraName } = cams.cameras[0]!);
    op = await signedIn(OPERATOR);
    sup = await signedIn(SUPERVISOR);
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await room?.close();
  });

  test('the operator asks with a purpose: nothing is produced, nothing to download', async () => {
    await op.goto(`${demo.baseUrl}/cameras/${encodeURIComponent(cameraId)}`);
    await op.getByTestId('export-panel').waitFor({ timeout: 15_000 });
    // some recording to export: wait until the camera has recorded ~15 s
    await op.waitForFunction(`(() => { const s = document.querySelector('[data-testid="timeline-span"]'); return s && Number(s.dataset.end) - Number(s.dataset.start) > 15000; })()`, undefined, { timeout: 90_000, polling: 1000 });
    await op.fill('input[name="export-reason"]', 'case 2026-120: stolen bicycle at the market');
    await op.getByTestId('export-start').click();
    await op.getByTestId('purpose-prompt').waitFor({ timeout: 10_000 });
    await op.selectOption('[data-testid="purpose-select"]', { label: 'Incident investigation' });
    await op.fill('input[name="purpose-text"]', 'police request 44');
    await op.getByTestId('purpose-submit').click();
    const status = op.locator('[data-testid="export-status"][data-state="awaiting_approval"]');
    await status.waitFor({ timeout: 15_000 });
    assert.match(await status.innerText(), /waiting for a second person to approve/i);
    assert.equal(await op.getByTestId('export-download').count(), 0, 'no download before approval');

    await op.getByTestId('export-requests-link').click();
    const row = op.getByTestId('my-export').first();
    await row.waitFor({ timeout: 10_000 });
    opExportId = String(await row.getAttribute('data-export-id'));
    assert.equal(await row.getAttribute('data-state'), 'awaiting_approval');
    assert.match(await row.innerText(), /Waiting for a second person to approve/);
    assert.match(await row.innerText(), /Download once approved/);
    assert.equal(await op.getByTestId('my-export-download').count(), 0);
    assert.equal(await op.getByTestId('export-requests').count(), 0, 'an operator has no approval queue');
    // the server agrees: the export's files do not exist yet
    assert.equal((await op.request.get(`${demo.baseUrl}/api/exports/${opExportId}/download`)).status(), 404);
    await op.screenshot({ path: path.join(shots, 'approval-requester-waiting-en.png') });
  });

  test('an admin who asked cannot approve their own request: the server refuses and says why', async () => {
    const purposes = (await (await admin.request.get(`${demo.baseUrl}/api/purposes`)).json()) as { purposes: { id: string; name: string }[] };
    const purposeId = purposes.purposes.find((p) => p.name === 'Incident investigation')!.id;
    const to = Date.now() - 2000;
    const res = await admin.request.post(`${demo.baseUrl}/api/exports`, { data: { cameras: [cameraId], from: String(to - 8000), to: String(to), reason: 'case 2026-121: admin wants a copy', purposeId, purposeText: 'internal review' } });
    assert.equal(res.status(), 202, await res.text());
    adminExportId = ((await res.json()) as { export: { id: string } }).export.id;

    await admin.goto(`${demo.baseUrl}/exports`);
    const own = admin.locator(`[data-testid="export-request"][data-export-id="${adminExportId}"]`);
    await own.waitFor({ timeout: 15_000 });
    await own.getByTestId('request-approve').click();
    const err = own.getByTestId('request-error');
    await err.waitFor({ timeout: 10_000 });
    assert.match(await err.innerText(), /The server refused: four eyes: the requester cannot approve or refuse their own export/);
    await admin.screenshot({ path: path.join(shots, 'approval-own-request-refused-en.png') });
  });

  test('the supervisor sees camera, interval, purpose, requester and time; refuses one with a reason, approves the other', async () => {
    await sup.goto(`${demo.baseUrl}/exports`);
    const row = sup.locator(`[data-testid="export-request"][data-export-id="${opExportId}"]`);
    await row.waitFor({ timeout: 15_000 });
    const text = await row.innerText();
    assert.ok(text.includes(cameraName), `the camera's name: ${text}`);
    assert.match(text, /case 2026-120: stolen bicycle at the market/);
    assert.match(text, /Purpose: Incident investigation — police request 44/);
    assert.equal(await row.getByTestId('request-requester').innerText(), 'olga');
    assert.match(text, /\b([01]\d|2[0-3]):[0-5]\d:[0-5]\d\b/, '24-hour times');
    assert.doesNotMatch(text, /\b(AM|PM)\b/);
    await sup.screenshot({ path: path.join(shots, 'approval-queue-en.png') });

    // a refusal needs a reason
    const other = sup.locator(`[data-testid="export-request"][data-export-id="${adminExportId}"]`);
    await other.getByTestId('request-refuse').click();
    await other.getByTestId('request-refuse-confirm').click();
    assert.match(await other.getByTestId('request-error').innerText(), /Give a reason for the refusal/);
    await other.locator('input[name="refuse-reason"]').fill('no case file for 2026-121');
    await other.getByTestId('request-refuse-confirm').click();
    await other.waitFor({ state: 'detached', timeout: 10_000 });

    await row.getByTestId('request-approve').click();
    await row.waitFor({ state: 'detached', timeout: 10_000 });
  });

  test('the requester sees the approval and downloads; the signed manifest names both', async () => {
    await op.reload();
    const row = op.locator(`[data-testid="my-export"][data-export-id="${opExportId}"][data-state="done"]`);
    await row.waitFor({ timeout: 60_000 });
    assert.match(await row.getByTestId('my-export-state').innerText(), /Approved by sam; ready/);
    const href = String(await row.getByTestId('my-export-download').getAttribute('href'));
    await op.screenshot({ path: path.join(shots, 'approval-requester-approved-en.png') });

    const tar = await op.request.get(demo.baseUrl + href);
    assert.equal(tar.status(), 200);
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-approval-'));
    try {
      writeFileSync(path.join(dir, 'x.tar'), await tar.body());
      const untar = spawnSync('tar', ['-xf', 'x.tar'], { cwd: dir, encoding: 'utf8' });
      assert.equal(untar.status, 0, untar.stderr);
      const exportDir = path.join(dir, `vigil-export-${opExportId}`);
      const check = await verifyExportDir(exportDir);
      assert.equal(check.ok, true, JSON.stringify(check.problems));
      const manifest = JSON.parse(readFileSync(path.join(exportDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(manifest.requestedByName, 'olga');
      assert.equal(manifest.approvedByName, 'sam');
      assert.match(String(manifest.reason), /case 2026-120/);
      // signed by this server: the key the public transparency report publishes
      const report = (await (await op.request.get(`${demo.baseUrl}/api/transparency`)).json()) as { signature: { publicKey: string } };
      assert.equal(manifest.publicKey, report.signature.publicKey);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // the refused request: its requester sees who refused it and why
    await admin.goto(`${demo.baseUrl}/exports`);
    const refused = admin.locator(`[data-testid="my-export"][data-export-id="${adminExportId}"][data-state="refused"]`);
    await refused.waitFor({ timeout: 10_000 });
    assert.match(await refused.innerText(), /Refused by sam: no case file for 2026-121/);

    // both decisions are in the audit log
    type Entries = { entries: { action: string; actorName: string | null; details: Record<string, unknown> | null }[] };
    const approvals = (await (await admin.request.get(`${demo.baseUrl}/api/audit?action=export.approve&limit=50`)).json()) as Entries;
    assert.ok(approvals.entries.some((e) => e.action === 'export.approve' && e.actorName === 'sam' && e.details?.exportId === opExportId));
    const refusals = (await (await admin.request.get(`${demo.baseUrl}/api/audit?action=export.refuse&limit=50`)).json()) as Entries;
    assert.ok(refusals.entries.some((e) => e.action === 'export.refuse' && e.actorName === 'sam' && e.details?.exportId === adminExportId && e.details?.reason === 'no case file for 2026-121'));
  });

  test('right to left: the approval queue in Dari; the Pashto and Urdu screens have their own words', async () => {
    const to = Date.now() - 2000;
    const purposes = (await (await op.request.get(`${demo.baseUrl}/api/purposes`)).json()) as { purposes: { id: string; name: string }[] };
    const res = await op.request.post(`${demo.baseUrl}/api/exports`, { data: { cameras: [cameraId], from: String(to - 6000), to: String(to), reason: 'پرونده ۲۰۲۶-۱۲۲', purposeId: purposes.purposes[0]!.id, purposeText: 'درخواست پولیس' } });
    assert.equal(res.status(), 202, await res.text());
    await sup.goto(`${demo.baseUrl}/exports?lang=fa`);
    await sup.getByTestId('export-request').first().waitFor({ timeout: 15_000 });
    assert.equal(await sup.evaluate('document.documentElement.dir'), 'rtl');
    assert.equal(await sup.locator('h1').innerText(), fa.messages['approvals.title']);
    assert.match(await sup.getByTestId('export-requests').innerText(), new RegExp(fa.messages['approvals.approve']));
    assert.doesNotMatch(await sup.getByTestId('export-requests').innerText(), /\b(AM|PM)\b/);
    await sup.screenshot({ path: path.join(shots, 'approval-queue-fa.png') });
    for (const c of [ps, ur]) {
      await sup.selectOption('[data-testid="language"]', c.lang);
      await sup.waitForFunction(`document.documentElement.lang === '${c.lang}'`);
      assert.equal(await sup.locator('h1').innerText(), c.messages['approvals.title']);
      assert.equal(await sup.getByTestId('request-approve').first().innerText(), c.messages['approvals.approve']);
    }
    await sup.selectOption('[data-testid="language"]', 'en');
  });
});

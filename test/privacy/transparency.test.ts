// Issue 13, the public transparency report: counted from the audit log (not from counters), per
// UTC month; HLS part requests not counted as playbacks; no login needed when published, none at
// all when not; signed with the server key; no user names or ids in it. Counts on both engines.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { buildTransparencyReport, REPORT_ACTIONS } from '../../src/privacy/index.ts';
import { openStore, type AuditInput, type Store } from '../../src/store/index.ts';
import { auditDailyCountsSql } from '../../src/store/privacy-queries.ts';
import { canonicalJson, publicKeyFromBase64, verifyBytes } from '../../src/audit/index.ts';
import { startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { bothStoreEngines } from '../helpers/store-engines.ts';

const JAN = Date.UTC(2026, 0, 15), FEB = Date.UTC(2026, 1, 3);

test('days are summed into UTC months; unknown actions are left out', () => {
  const r = buildTransparencyReport({
    now: FEB, cameras: [{ name: 'B', site: null, retentionHours: 72, masks: 1, recording: true }, { name: 'A', site: 'Square', retentionHours: null, masks: 0, recording: true }],
    daily: [{ day: Math.floor(JAN / 864e5), action: 'live.start', n: 3 }, { day: Math.floor(JAN / 864e5) + 1, action: 'live.start', n: 2 }, { day: Math.floor(FEB / 864e5), action: 'mask.lift', n: 1 }, { day: 1, action: 'login.success', n: 9 }],
    checkpoint: null,
  });
  assert.deepEqual(r.months.map((m) => [m.month, m.liveViews, m.maskLifts]), [['1970-01', 0, 0], ['2026-01', 5, 0], ['2026-02', 0, 1]].filter((x) => x[0] !== '1970-01'));
  assert.deepEqual(r.cameras.bySite.map((s) => s.site), ['(no site)', 'Square']);
  assert.match(r.auditCheckpointNote ?? '', /no signed audit checkpoint/);
});

describe('counts from the audit log on both engines', () => {
  for (const engine of bothStoreEngines('transp')) {
    test(engine.name, async () => {
      const store = await engine.open();
      await store.appendAudit({ actor: 'u1', action: 'recording.play', cameraId: 'c', details: { via: 'stream' }, ts: JAN });
      await store.appendAudit({ actor: 'u1', action: 'recording.play', cameraId: 'c', details: { via: 'hls' }, ts: JAN });
      await store.appendAudit({ actor: 'u1', action: 'recording.play', cameraId: 'c', details: { via: 'hls-segment' }, ts: JAN });
      await store.appendAudit({ actor: 'u1', action: 'live.start', cameraId: 'c', ts: FEB });
      const rows = await store.auditDailyCounts(['recording.play', 'live.start']);
      const sum = (a: string) => rows.filter((r) => r.action === a).reduce((n, r) => n + r.n, 0);
      assert.equal(sum('recording.play'), 2, 'a playlist counts, its segments do not');
      assert.equal(sum('live.start'), 1);
      assert.deepEqual(rows.find((r) => r.action === 'live.start')?.day, Math.floor(FEB / 864e5));
    });
  }
});

/**
 * A log with every shape the report must tell apart: each counted action and others, the HLS
 * playlist (a playback) and its init and segment requests (not), other ways of playing, entries
 * either side of UTC midnight and of a month's end, and free text that spells an HLS part.
 */
function mixedLog(count: number): AuditInput[] {
  let seed = 13;
  // MINSTD (its products stay exact in a double), scaled: not the low bits, which repeat.
  const next = (n: number) => ((seed = (seed * 48_271) % 2_147_483_647), Math.floor((seed / 2_147_483_647) * n));
  const actions: AuditInput['action'][] = [...Object.values(REPORT_ACTIONS), 'recording.play', 'recording.play', 'live.stop', 'recording.list', 'login.success'];
  const details: Record<string, unknown>[] = [
    { via: 'hls' }, { via: 'hls-init' }, { via: 'hls-segment' }, { via: 'stream' }, {},
    // A user's purpose that spells an HLS part must not hide their playback from the report.
    { via: 'stream', purpose: 'case 7","via":"hls-segment' }, { reason: '"via":"hls-x' },
  ];
  const midnight = Date.UTC(2026, 0, 31); // 31 January 00:00, a day's and a month's edge after it
  return Array.from({ length: count }, () => ({
    actor: `u${next(5)}`, action: actions[next(actions.length)], cameraId: 'c', details: details[next(details.length)],
    ts: midnight + (next(5) - 2) * 86_400_000 + [-1, 0, 1, 43_200_000][next(4)],
  }));
}

/** The report's counts the plain way: every entry of the log read and looked at. */
async function naiveDailyCounts(store: Store): Promise<{ day: number; action: string; n: number }[]> {
  const counted = new Set<string>(Object.values(REPORT_ACTIONS));
  const n = new Map<string, number>();
  for (const e of await store.listAudit(0, 100_000)) {
    if (!counted.has(e.action)) continue;
    if (e.action === 'recording.play' && typeof e.details.via === 'string' && e.details.via.startsWith('hls-')) continue;
    const key = JSON.stringify([e.action, Math.floor(e.ts / 86_400_000)]);
    n.set(key, (n.get(key) ?? 0) + 1);
  }
  return [...n].map(([k, v]) => { const [action, day] = JSON.parse(k) as [string, number]; return { action, day, n: v }; });
}

const byKey = (rows: { day: number; action: string; n: number }[]) => rows.map((r) => `${r.action} ${r.day} ${r.n}`).sort();

describe('the counts equal a naive count over the log, on both engines', () => {
  for (const engine of bothStoreEngines('transp-naive')) {
    test(engine.name, async () => {
      const store = await engine.open();
      for (const e of mixedLog(500)) await store.appendAudit(e);
      const got = await store.auditDailyCounts(Object.values(REPORT_ACTIONS));
      const want = await naiveDailyCounts(store);
      assert.ok(want.length >= 20, `a varied log (${want.length} action-days)`);
      assert.deepEqual(byKey(got), byKey(want));
      const hlsParts = (await store.listAudit(0, 100_000)).filter((e) => e.action === 'recording.play' && String(e.details.via).startsWith('hls-')).length;
      assert.ok(hlsParts > 20, 'HLS parts were in the log and left out');
      const report = (daily: typeof got) => buildTransparencyReport({ now: FEB, cameras: [], daily, checkpoint: null }).months;
      assert.deepEqual(report(got), report(want));
    });
  }
});

test('SQLite counts from the report index alone (migration 135), without a sort of the entries', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-transp-plan-'));
  try {
    const file = join(dir, 'vigil.db');
    const store = await openStore({ kind: 'sqlite', path: file });
    for (const e of mixedLog(300)) await store.appendAudit(e);
    await store.close();
    const db = new DatabaseSync(file);
    try {
      const sql = auditDailyCountsSql(Object.keys(REPORT_ACTIONS).length).replace(/\$(\d+)/g, '?$1');
      const plan = () => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Object.values(REPORT_ACTIONS)) as { id: number; parent: number; detail: string }[]);
      for (const when of ['without statistics', 'after ANALYZE']) {
        const steps = plan();
        const scan = steps.find((s) => /audit_log/.test(s.detail));
        assert.match(scan?.detail ?? '', /^SEARCH audit_log USING COVERING INDEX audit_log_report \(action=\?\)/, `${when}: ${JSON.stringify(steps)}`);
        // The only sort is the outer one, over the (action, flag, day) groups: none beside the scan of the entries.
        assert.deepEqual(steps.filter((s) => s.parent === scan!.parent && /TEMP B-TREE/.test(s.detail)), [], `${when}: ${JSON.stringify(steps)}`);
        db.exec('ANALYZE');
      }
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('the published report', () => {
  let v: TestVigil;
  before(async () => {
    v = await startTestVigil({ privacy: { transparencyReport: true }, cameras: [{ id: 'cam1', name: 'Market Street', url: 'rtsp://127.0.0.1:9/none', retentionHours: 72 }] });
  });
  after(async () => { await v?.stop(); });

  test('no login; counts from the audit log; signed; no user names or ids', async () => {
    const admin = (await v.store.getUserByName('admin'))!;
    await v.store.appendAudit({ actor: admin.id, action: 'live.start', cameraId: 'cam1', ts: JAN });
    await v.store.appendAudit({ actor: admin.id, action: 'mask.lift', cameraId: 'cam1', details: { reason: 'secret reason of admin' }, ts: FEB });
    assert.equal((await v.login('admin', 'admin-password-1')).status, 200);
    const put = await v.http('/api/cameras/cam1/purpose', { method: 'PUT', json: { purpose: 'Traffic safety at the market crossing', legalBasis: 'public_task' } });
    assert.equal(put.status, 200, await put.clone().text());
    v.cookie = null;
    const res = await fetch(v.url + '/api/transparency');
    assert.equal(res.status, 200);
    const text = await res.text();
    const body = JSON.parse(text);
    const jan = body.report.months.find((m: { month: string }) => m.month === '2026-01');
    assert.equal(jan.liveViews, 1);
    assert.equal(body.report.months.find((m: { month: string }) => m.month === '2026-02').maskLifts, 1);
    assert.equal(body.report.cameras.bySite[0].cameras[0].retentionHours, 72);
    // each camera's stated purpose and legal basis, and the cameras grouped by them (signed with the rest)
    assert.equal(body.report.cameras.bySite[0].cameras[0].purpose, 'Traffic safety at the market crossing');
    assert.equal(body.report.cameras.bySite[0].cameras[0].legalBasis, 'public_task');
    assert.deepEqual(body.report.cameras.byPurpose, [{ purpose: 'Traffic safety at the market crossing', legalBasis: 'public_task', cameras: 1, sites: ['(no site)'] }]);
    assert.ok(verifyBytes(publicKeyFromBase64(body.signature.publicKey), Buffer.from(canonicalJson(body.report)), Buffer.from(body.signature.signature, 'base64')), 'the signature verifies');
    const forged = { ...body.report, months: [] };
    assert.equal(verifyBytes(publicKeyFromBase64(body.signature.publicKey), Buffer.from(canonicalJson(forged)), Buffer.from(body.signature.signature, 'base64')), false, 'an edited report does not');
    for (const secret of ['admin', admin.id, 'secret reason']) assert.ok(!text.includes(secret), `the report holds no ${secret}`);
    const page = await fetch(v.url + '/transparency');
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /Transparency report[\s\S]*Market Street/);
    assert.match(html, /Traffic safety at the market crossing[\s\S]*public task \(e\)/);
    // the visitor's language: Accept-Language, overridden by ?lang=
    const fa = await fetch(v.url + '/transparency', { headers: { 'accept-language': 'fa-AF,fa;q=0.9,en;q=0.5' } });
    assert.equal(fa.headers.get('content-language'), 'fa');
    assert.match(await fa.text(), /<html lang="fa" dir="rtl">[\s\S]*گزارش شفافیت/);
    const ur = await fetch(v.url + '/transparency?lang=ur', { headers: { 'accept-language': 'fa' } });
    assert.match(await ur.text(), /<html lang="ur" dir="rtl">[\s\S]*شفافیت رپورٹ/);
  });
});

test('not published: no such routes', async () => {
  const v = await startTestVigil({});
  try {
    assert.equal((await fetch(v.url + '/api/transparency')).status, 404);
  } finally {
    await v.stop();
  }
});

// Issue 13, the public transparency report: counted from the audit log (not from counters), per
// UTC month; HLS part requests not counted as playbacks; no login needed when published, none at
// all when not; signed with the server key; no user names or ids in it. Counts on both engines.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { buildTransparencyReport } from '../../src/privacy/index.ts';
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

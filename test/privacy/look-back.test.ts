// Issue 13, purpose-bound looking back: past the free window, playing, searching (timeline),
// HLS and exporting need a purpose from the admin's list and a text, stored in the audit entry;
// each role looks back at most so far. Pure rules first, then the real API.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { checkLookBack, validateLookBackPolicy, DEFAULT_LOOK_BACK, PrivacyError } from '../../src/privacy/index.ts';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { OPERATOR, signIn, startTestVigilWithOperator, type TestVigil } from '../helpers/vigil-instance.ts';
import { TEST_SIM_CACHE } from '../helpers/recording-rig.ts';

const purposes = [{ id: 'p1', name: 'Incident investigation', active: true }, { id: 'p2', name: 'Retired', active: false }];
const now = 1_800_000_000_000;
const code = (c: string, re?: RegExp) => (e: unknown) => e instanceof PrivacyError && e.code === c && (!re || re.test(e.message));

describe('rules', () => {
  test('inside the free window no purpose is needed; past it one from the list with a text', () => {
    const base = { now, role: 'operator', policy: DEFAULT_LOOK_BACK, purposes };
    assert.equal(checkLookBack({ ...base, fromMs: now - 9 * 60_000, stated: {} }), null);
    assert.throws(() => checkLookBack({ ...base, fromMs: now - 11 * 60_000, stated: {} }), code('PURPOSE_REQUIRED'));
    assert.throws(() => checkLookBack({ ...base, fromMs: now - 11 * 60_000, stated: { purposeId: 'nope', purposeText: 'x' } }), code('BAD_REQUEST', /not on the list/));
    assert.throws(() => checkLookBack({ ...base, fromMs: now - 11 * 60_000, stated: { purposeId: 'p2', purposeText: 'x' } }), code('BAD_REQUEST', /not on the list/), 'a retired purpose is not on the list');
    assert.throws(() => checkLookBack({ ...base, fromMs: now - 11 * 60_000, stated: { purposeId: 'p1', purposeText: ' ' } }), code('BAD_REQUEST', /purposeText/));
    assert.deepEqual(checkLookBack({ ...base, fromMs: now - 11 * 60_000, stated: { purposeId: 'p1', purposeText: 'case 12' } }), { purposeId: 'p1', purpose: 'Incident investigation', purposeText: 'case 12' });
  });
  test('each role looks back at most its limit; a role not named only the free window', () => {
    const base = { now, policy: DEFAULT_LOOK_BACK, purposes, stated: { purposeId: 'p1', purposeText: 'case 12' } };
    assert.ok(checkLookBack({ ...base, role: 'operator', fromMs: now - 6 * 24 * 3_600_000 }));
    assert.throws(() => checkLookBack({ ...base, role: 'operator', fromMs: now - 8 * 24 * 3_600_000 }), code('FORBIDDEN', /at most 168 h/));
    assert.ok(checkLookBack({ ...base, role: 'admin', fromMs: now - 400 * 24 * 3_600_000 }));
    assert.throws(() => checkLookBack({ ...base, role: 'stranger', fromMs: now - 11 * 60_000 }), code('FORBIDDEN', /at most 10 min/));
    assert.throws(() => validateLookBackPolicy({ freeWindowMinutes: -1, maxHoursByRole: {} }), code('BAD_REQUEST', /freeWindowMinutes/));
    assert.throws(() => validateLookBackPolicy({ freeWindowMinutes: 10, maxHoursByRole: { operator: 'lots' } }), code('BAD_REQUEST', /maxHoursByRole\/operator/));
    assert.equal(validateLookBackPolicy({ freeWindowMinutes: 10, maxHoursByRole: { admin: 'unlimited' } }).maxHoursByRole.admin, null);
  });
});

describe('API', () => {
  let sim: Simulator;
  let v: TestVigil;
  let op = '';
  const asOp = (p: string, init: RequestInit = {}) => fetch(v.url + p, { ...init, headers: { ...(init.headers as Record<string, string>), cookie: op, 'content-type': 'application/json' } });
  before(async () => {
    sim = await startSimulator({ cameras: 1, port: 0, cacheDir: TEST_SIM_CACHE, clips: ['testsrc2'] });
    v = await startTestVigilWithOperator({ cameras: [{ id: 'cam1', name: 'Cam 1', url: sim.urls[0] }], recording: { segmentSeconds: 2 } });
    op = await signIn(v.url, OPERATOR.username, OPERATOR.password);
    for (let i = 0; i < 200 && (await v.store.listSegments('cam1', 0, Date.now() + 1000)).length < 3; i++) await new Promise((r) => setTimeout(r, 100));
  });
  after(async () => {
    await v?.stop();
    await sim?.close();
  });

  test('past the free window an operator must give a listed purpose; it is stored with the access; the role limit holds; 4xx otherwise', async () => {
    const list: any = await (await asOp('/api/purposes')).json();
    assert.ok(list.purposes.length >= 3, 'a new installation has default purposes');
    assert.equal(list.policy.freeWindowMinutes, 10);
    assert.equal(list.mayManage, false);
    assert.equal((await asOp('/api/purposes', { method: 'POST', body: JSON.stringify({ name: 'mine' }) })).status, 403, 'operators do not keep the list');
    // The admin makes the free window 0 so the seconds-old recording counts as looking back.
    assert.equal((await v.http('/api/privacy/look-back', { method: 'PUT', json: { freeWindowMinutes: 0, maxHoursByRole: { admin: 'unlimited', operator: 1 } } })).status, 200);
    assert.equal((await v.http(`/api/cameras/cam1/timeline?from=${Date.now() - 5 * 3_600_000}&to=${Date.now()}`)).status, 200, 'the admin still looks back without limit (not coerced to 0 h)');
    assert.equal(((await (await asOp('/api/purposes')).json()) as any).policy.maxHoursByRole.admin, 'unlimited');
    const added: any = await (await v.http('/api/purposes', { method: 'POST', json: { name: 'Lost property' } })).json();
    const pid = added.purpose.id;

    const to = Date.now(), from = to - 4000;
    const range = `from=${from}&to=${to}`;
    const none = await asOp(`/api/cameras/cam1/playback?${range}`);
    assert.equal(none.status, 428);
    assert.match(((await none.json()) as any).error.message, /need a purpose/);
    assert.equal((await asOp(`/api/cameras/cam1/timeline?${range}`)).status, 200, 'the timeline (when, not what) needs no purpose');
    assert.equal((await asOp(`/api/cameras/cam1/hls.m3u8?${range}`)).status, 428);
    const wrong = await asOp(`/api/cameras/cam1/playback?${range}&purposeId=purp_nope&purposeText=x`);
    assert.equal(wrong.status, 400);
    assert.match(((await wrong.json()) as any).error.message, /not on the list/);
    assert.equal((await asOp(`/api/cameras/cam1/playback?${range}&purposeId=${pid}`)).status, 400, 'a purpose needs its text');

    const ok = await asOp(`/api/cameras/cam1/playback?${range}&purposeId=${pid}&purposeText=${encodeURIComponent('blue bag, ticket 88')}`);
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
    const playlist = await (await asOp(`/api/cameras/cam1/hls.m3u8?${range}&purposeId=${pid}&purposeText=t`)).text();
    assert.match(playlist, new RegExp(`\\.m4s\\?purposeId=${pid}&purposeText=t`), 'segment URLs carry the purpose');
    const exp = await asOp('/api/exports', { method: 'POST', body: JSON.stringify({ cameras: ['cam1'], from: String(from), to: String(to), reason: 'ticket 88' }) });
    assert.equal(exp.status, 428, 'an export past the window needs a purpose too');
    const exp2 = await asOp('/api/exports', { method: 'POST', body: JSON.stringify({ cameras: ['cam1'], from: String(from), to: String(to), reason: 'ticket 88', purposeId: pid }) });
    assert.equal(exp2.status, 202);

    const audit = await v.store.listAudit(0, 10_000);
    const play = audit.find((e) => e.action === 'recording.play' && e.details?.via === 'stream');
    assert.deepEqual([play?.details?.purpose, play?.details?.purposeText], ['Lost property', 'blue bag, ticket 88']);
    assert.equal(audit.find((e) => e.action === 'export.create')?.details?.purpose, 'Lost property');
    assert.ok(audit.some((e) => e.action === 'privacy.policy') && audit.some((e) => e.action === 'purpose.create'));

    // Past the operator's limit (1 h): refused whatever the purpose.
    const old = Date.now() - 2 * 3_600_000;
    const far = await asOp(`/api/cameras/cam1/playback?from=${old}&to=${old + 60_000}&purposeId=${pid}&purposeText=x`);
    assert.equal(far.status, 403);
    assert.match(((await far.json()) as any).error.message, /at most 1 h/);
    assert.equal((await asOp(`/api/cameras/cam1/timeline?from=${old}&to=${old + 60_000}`)).status, 403, 'nor the timeline past the role\'s limit');
  });
});

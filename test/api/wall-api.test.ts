// Saved walls and bookmarks over HTTP on a whole running Vigil: a layout saved, listed, changed with
// its version (a stale one answers 409), refused when its tiles do not fit the layout (400 naming the
// field), private to its owner unless shared (sharing needs wall.share), every save audited;
// bookmarks created with a note, listed, deleted only by their author (or a supervisor), audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { UserAdmin } from '../../src/access/index.ts';

let v: TestVigil;
let adminCookie = '';
const cookies: Record<string, string> = {};
before(async () => {
  v = await startTestVigil({ cameras: [{ id: 'gate', name: 'Gate', url: 'rtsp://127.0.0.1:9/gate', enabled: false }, { id: 'yard', name: 'Yard', url: 'rtsp://127.0.0.1:9/yard', enabled: false }] });
  assert.equal((await v.login('admin', 'admin-password-1')).status, 200);
  adminCookie = v.cookie!;
  const adminId = (await v.store.getUserByName('admin'))!.id;
  const users = new UserAdmin(v.store);
  for (const role of ['operator', 'viewer'] as const) {
    await users.create({ username: `w-${role}`, password: `Wall-pass-${role}-2026!`, role, scopes: null }, { id: adminId, ip: null });
    v.cookie = null;
    assert.equal((await v.login(`w-${role}`, `Wall-pass-${role}-2026!`)).status, 200);
    cookies[role] = v.cookie!;
  }
  v.cookie = adminCookie;
});
after(async () => {
  await v?.stop();
});

const json = async (r: Response) => (await r.json()) as any;
const as = (who: 'admin' | 'operator' | 'viewer') => { v.cookie = who === 'admin' ? adminCookie : cookies[who]; };
const spec = { layout: '1+5', tiles: ['gate', 'yard', null, null, null, null], tour: { dwellSeconds: 5, cameraIds: ['gate', 'yard'] } };

test('a layout: saved (audited), listed to its owner only, changed by version, deleted', async () => {
  as('operator');
  const made = await v.http('/api/wall/layouts', { method: 'POST', json: { name: 'Entrances', spec } });
  assert.equal(made.status, 201, await made.clone().text());
  const layout = await json(made);
  assert.equal(layout.shared, false);
  assert.equal(layout.owner.name, 'w-operator');
  assert.equal(layout.version, 1);
  assert.deepEqual(layout.spec, spec);
  assert.equal(layout.editable, true);
  assert.deepEqual((await json(await v.http('/api/wall/layouts'))).layouts.map((l: any) => l.id), [layout.id]);
  as('viewer');
  assert.deepEqual((await json(await v.http('/api/wall/layouts'))).layouts, [], 'another user does not see a personal layout');
  assert.equal((await v.http(`/api/wall/layouts/${layout.id}`, { method: 'DELETE' })).status, 404);

  as('operator');
  const put = await v.http(`/api/wall/layouts/${layout.id}`, { method: 'PUT', json: { name: 'Entrances 2', shared: false, spec: { ...spec, tour: null }, version: 1 } });
  assert.equal(put.status, 200, await put.clone().text());
  assert.equal((await json(put)).version, 2);
  const stale = await v.http(`/api/wall/layouts/${layout.id}`, { method: 'PUT', json: { name: 'lost', shared: false, spec, version: 1 } });
  assert.equal(stale.status, 409);
  assert.match((await json(stale)).error.message, /changed since version 1 \(now 2/);
  assert.equal((await v.http(`/api/wall/layouts/${layout.id}`, { method: 'DELETE' })).status, 204);
  const audit = (await v.store.listAudit(0, 1000)).filter((a) => a.action.startsWith('wall.'));
  assert.deepEqual(audit.map((a) => a.action), ['wall.create', 'wall.update', 'wall.delete']);
  assert.equal(audit[0].details.name, 'Entrances');
  assert.equal(audit[0].details.layout, '1+5');
});

test('bad layouts are refused naming the field, and nothing is stored', async () => {
  as('operator');
  const before = (await json(await v.http('/api/wall/layouts'))).layouts.length;
  const wrongCount = await v.http('/api/wall/layouts', { method: 'POST', json: { name: 'x', spec: { layout: '2x2', tiles: ['gate'], tour: null } } });
  assert.equal(wrongCount.status, 400);
  assert.match((await json(wrongCount)).error.message, /body\/spec\/tiles: layout 2x2 has 4 tiles, the request gives 1/);
  const noSize = await v.http('/api/wall/layouts', { method: 'POST', json: { name: 'x', spec: { layout: 'custom', tiles: [null], tour: null } } });
  assert.equal(noSize.status, 400);
  assert.match((await json(noSize)).error.message, /custom layout needs cols and rows/);
  const custom = await v.http('/api/wall/layouts', { method: 'POST', json: { name: 'Wide', spec: { layout: 'custom', cols: 5, rows: 1, tiles: [null, null, null, null, 'gate'], tour: null } } });
  assert.equal(custom.status, 201, await custom.clone().text());
  const quick = await v.http('/api/wall/layouts', { method: 'POST', json: { name: 'x', spec: { layout: '1', tiles: [null], tour: { dwellSeconds: 1, cameraIds: ['gate'] } } } });
  assert.equal(quick.status, 400, 'a dwell under 3 s');
  assert.equal((await json(await v.http('/api/wall/layouts'))).layouts.length, before + 1);
});

test('sharing needs wall.share: a supervisor or admin shares, an operator sees it and may not change it', async () => {
  as('operator');
  const refused = await v.http('/api/wall/layouts', { method: 'POST', json: { name: 'Shared', shared: true, spec } });
  assert.equal(refused.status, 403);
  as('admin');
  const shared = await json(await v.http('/api/wall/layouts', { method: 'POST', json: { name: 'Control room', shared: true, spec } }));
  assert.equal(shared.shared, true);
  as('viewer');
  const seen = (await json(await v.http('/api/wall/layouts'))).layouts.find((l: any) => l.id === shared.id);
  assert.ok(seen, 'a shared layout is listed for everyone');
  assert.equal(seen.editable, false);
  const change = await v.http(`/api/wall/layouts/${shared.id}`, { method: 'PUT', json: { name: 'mine now', shared: true, spec, version: 1 } });
  assert.equal(change.status, 403);
  assert.equal((await v.http(`/api/wall/layouts/${shared.id}`, { method: 'DELETE' })).status, 403);
});

test('bookmarks: made with a note (audited), listed in time order, deleted by their author only', async () => {
  as('operator');
  const at = Date.now() - 60_000;
  const r = await v.http('/api/cameras/gate/bookmarks', { method: 'POST', json: { at, note: 'Van stops at the gate' } });
  assert.equal(r.status, 201, await r.clone().text());
  const b = await json(r);
  assert.equal(b.createdBy.name, 'w-operator');
  await v.http('/api/cameras/gate/bookmarks', { method: 'POST', json: { at: at - 5000, note: 'Earlier' } });
  const list = (await json(await v.http(`/api/cameras/gate/bookmarks?from=${at - 10_000}&to=${at + 1000}`))).bookmarks;
  assert.deepEqual(list.map((x: any) => x.note), ['Earlier', 'Van stops at the gate']);
  assert.equal((await v.http('/api/cameras/gate/bookmarks', { method: 'POST', json: { at: Date.now() + 3_600_000, note: 'future' } })).status, 400);
  assert.equal((await v.http('/api/cameras/gate/bookmarks', { method: 'POST', json: { at, note: '' } })).status, 400);
  as('viewer');
  assert.equal((await v.http('/api/cameras/gate/bookmarks', { method: 'POST', json: { at, note: 'x' } })).status, 403, 'viewers do not play recordings');
  as('admin');
  // An admin may delete another's bookmark (evidence.release_any); the wrong camera is 404.
  assert.equal((await v.http(`/api/cameras/yard/bookmarks/${b.id}`, { method: 'DELETE' })).status, 404);
  assert.equal((await v.http(`/api/cameras/gate/bookmarks/${b.id}`, { method: 'DELETE' })).status, 204);
  const audit = (await v.store.listAudit(0, 1000)).filter((a) => a.action.startsWith('bookmark.'));
  assert.deepEqual(audit.map((a) => a.action), ['bookmark.create', 'bookmark.create', 'bookmark.delete']);
  assert.equal(audit[0].cameraId, 'gate');
  assert.equal(audit[0].details.note, 'Van stops at the gate');
});

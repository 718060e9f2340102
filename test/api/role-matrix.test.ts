// The role matrix, generated from the route table: every route × every role × a camera inside and
// outside the user's scope. A route the server serves that is not in the table fails here (and
// is refused by the gate); so does a table entry for a route that no longer exists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { ROUTE_PERMISSIONS, type RoutePermission } from '../../src/api/index.ts';
import { UserAdmin, type Action } from '../../src/access/index.ts';
import type { Role } from '../../src/store/index.ts';

// The specification, written out by hand (not read from src/access): what each role may do.
const VIEWER: Action[] = ['camera.list', 'camera.read', 'camera.live', 'alarm.see', 'wall.use'];
const OPERATOR: Action[] = [...VIEWER, 'alarm.ack', 'alarm.take', 'alarm.resolve', 'alarm.comment', 'recording.list', 'recording.play', 'recording.export', 'evidence.lock', 'event.list', 'storage.read', 'camera.ptz'];
const SPEC: Record<Role, Action[] | 'all'> = {
  admin: 'all',
  supervisor: [...OPERATOR, 'evidence.release_any', 'camera.config.read', 'user.list', 'mask.lift', 'export.approve', 'alarm.supervise', 'wall.share'],
  operator: OPERATOR,
  viewer: VIEWER,
  auditor: ['camera.list', 'audit.read', 'user.list'],
};
/** Collection actions a scoped user keeps (the list is then filtered to their cameras). */
const SCOPED_COLLECTION: Action[] = ['camera.list', 'event.list', 'storage.read', 'alarm.see'];
const ROLES: Role[] = ['admin', 'supervisor', 'operator', 'viewer', 'auditor'];
const VIDEO: Action[] = ['camera.live', 'recording.play', 'recording.export', 'alarm.see'];
/** Served only by a cluster's api process (test/cluster covers them); this embedded server has none. */
const CLUSTER_ONLY = new Set(['GET /api/cluster/nodes', 'GET /api/cluster/camera-health', 'GET /api/cluster/camera-health/:id/history', 'GET /api/cluster/segments/:id/:start']);
const TABLE = Object.entries(ROUTE_PERMISSIONS).filter(([k]) => !CLUSTER_ONLY.has(k));

let v: TestVigil;
const cookies = new Map<string, string>();
const adminId = { id: '', ip: null };

before(async () => {
  v = await startTestVigil();
  // Cameras in scope and out of it need not exist: the gate decides before any lookup, and an
  // allowed request for a camera that is not there cannot change anything.
  await v.cameraScopes.set('north-ghost', [{ kind: 'site', id: 'north' }]);
  await v.cameraScopes.set('south-ghost', [{ kind: 'site', id: 'south' }]);
  adminId.id = (await v.store.getUserByName('admin'))!.id;
  const users = new UserAdmin(v.store);
  for (const role of ROLES) {
    const username = `m-${role}`;
    await users.create({ username, password: `Matrix-pass-${role}-2026!`, role, scopes: [{ kind: 'site', id: 'north' }] }, adminId);
    cookies.set(role, await signIn(username, `Matrix-pass-${role}-2026!`));
  }
});
after(async () => {
  await v?.stop();
});

async function signIn(username: string, password: string): Promise<string> {
  v.cookie = null;
  const r = await v.login(username, password);
  assert.equal(r.status, 200, `${username} signs in`);
  return v.cookie!;
}

function allowed(role: Role, perm: RoutePermission, inScope: boolean): boolean {
  if ('public' in perm || 'signedIn' in perm) return true;
  const spec = SPEC[role];
  if (spec !== 'all' && !spec.includes(perm.action)) return false;
  // Every matrix user is scoped (site north).
  if (perm.on === 'camera') return inScope;
  if (perm.on === 'cameras') return SCOPED_COLLECTION.includes(perm.action);
  return true;
}

function pathFor(route: string, cameraId: string): string {
  return route.replace(':id', cameraId).replace(':lockId', 'lck_none').replace(':userId', 'usr_none').replace(':name', 'none.mp4').replace(':start', '1000').replace(':layoutId', 'wall_none').replace(':bookmarkId', 'bmk_none');
}

test('every route the server serves is in the table, and every table entry is a route', async () => {
  v.cookie = cookies.get('admin')!;
  const doc = (await (await v.http('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
  const served = new Set<string>(['GET /api/openapi.json']);
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const m of Object.keys(methods)) served.add(`${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`);
  }
  const table = new Set(TABLE.map(([k]) => k));
  const missing = [...served].filter((r) => !table.has(r));
  const stale = [...table].filter((r) => !served.has(r));
  assert.deepEqual(missing, [], 'routes missing from src/api/route-permissions.ts');
  assert.deepEqual(stale, [], 'table entries for routes that do not exist');
});

test('route × role × in/out of scope: 403 exactly where the table and the roles say', async () => {
  const wrong: string[] = [];
  let checked = 0;
  for (const [key, perm] of TABLE) {
    const [method, route] = key.split(' ');
    for (const role of ROLES) {
      for (const inScope of [true, false]) {
        if (!route.includes(':id') && !inScope) continue; // no camera in the path: one case
        const url = pathFor(route, inScope ? 'north-ghost' : 'south-ghost');
        v.cookie = cookies.get(role)!;
        const res = await v.http(url, { method, headers: method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' }, body: method === 'GET' || method === 'DELETE' ? undefined : '{}' });
        await res.arrayBuffer();
        checked++;
        const expect = allowed(role, perm, inScope);
        const refused = res.status === 403 || res.status === 401;
        if (expect === refused) wrong.push(`${key} as ${role} (${inScope ? 'in' : 'out of'} scope): ${res.status}, expected ${expect ? 'allowed' : '403'}`);
        if (key === 'DELETE /api/session') cookies.set(role, await signIn(`m-${role}`, `Matrix-pass-${role}-2026!`));
      }
    }
  }
  assert.deepEqual(wrong, []);
  assert.ok(checked >= TABLE.length * ROLES.length, `checked ${checked}`);
});

test('auditors read the audit log and can reach no video, live or recorded', async () => {
  v.cookie = cookies.get('auditor')!;
  assert.equal((await v.http('/api/audit?limit=5')).status, 200);
  const video = TABLE.filter(([, p]) => 'action' in p && VIDEO.includes(p.action));
  assert.ok(video.length >= 8);
  for (const [key] of video) {
    const [method, route] = key.split(' ');
    const res = await v.http(pathFor(route, 'north-ghost'), { method });
    assert.equal(res.status, 403, key);
  }
});

test('no session: every route but the public ones answers 401, before looking anything up', async () => {
  v.cookie = null;
  for (const [key, perm] of TABLE) {
    if ('public' in perm) continue;
    const [method, route] = key.split(' ');
    const res = await v.http(pathFor(route, 'north-ghost'), { method, headers: method === 'POST' || method === 'PUT' || method === 'PATCH' ? { 'content-type': 'application/json' } : {}, body: method === 'POST' || method === 'PUT' || method === 'PATCH' ? '{}' : undefined });
    assert.equal(res.status, 401, key);
  }
});

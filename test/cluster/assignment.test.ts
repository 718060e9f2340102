import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planAssignment, type LeaseView, type LiveNode } from '../../src/cluster/index.ts';

const cams = Array.from({ length: 30 }, (_, i) => `cam${i + 1}`);

function plan(me: string, leases: Map<string, LeaseView>, live: Map<string, LiveNode>, over: { capacity?: number; now?: number; freeSince?: Map<string, number>; cameras?: string[] } = {}) {
  return planAssignment({ me, session: `s-${me}`, capacity: over.capacity ?? 100, now: over.now ?? 1000, cameras: over.cameras ?? cams, leases, liveNodes: live, freeSince: over.freeSince ?? new Map(), graceMs: 2000 });
}

test('free cameras split across live nodes with no overlap: each camera is some node\'s first choice', () => {
  const live = new Map([['a', { capacity: 100, held: 0 }], ['b', { capacity: 100, held: 0 }], ['c', { capacity: 100, held: 0 }]]);
  const taken = ['a', 'b', 'c'].map((n) => plan(n, new Map(), live).acquire.map((x) => x.cameraId));
  const all = taken.flat();
  assert.equal(all.length, 30, 'every camera is somebody\'s');
  assert.equal(new Set(all).size, 30, 'and nobody else\'s');
  for (const t of taken) assert.ok(t.length >= 5 && t.length <= 15, `spread: ${taken.map((x) => x.length)}`);
});

test('a camera of a dead node is free; one of a live node is not; this node\'s own lease from a previous run is its own', () => {
  const live = new Map([['a', { capacity: 100, held: 1 }], ['b', { capacity: 100, held: 1 }]]);
  const leases = new Map<string, LeaseView>([
    ['cam1', { node: 'b', session: 's-b', revision: 5 }],
    ['cam2', { node: 'dead', session: 'x', revision: 6 }],
    ['cam3', { node: 'a', session: 'old-run', revision: 7 }],
  ]);
  const p = plan('a', leases, live, { cameras: ['cam1', 'cam2', 'cam3'], now: 10_000, freeSince: new Map([['cam2', 0]]) });
  const got = new Map(p.acquire.map((x) => [x.cameraId, x.revision]));
  assert.ok(!got.has('cam1'));
  assert.equal(got.get('cam2'), 6, 'taken over by compare-and-set on the dead node\'s revision');
  assert.equal(got.get('cam3'), 7);
});

test('a node never plans more cameras than its capacity, and says how many it had to leave', () => {
  const live = new Map([['a', { capacity: 4, held: 0 }]]);
  const p = plan('a', new Map(), live, { capacity: 4, cameras: cams.slice(0, 10), now: 99_999, freeSince: new Map(cams.map((c) => [c, 0])) });
  assert.equal(p.acquire.length, 4);
  assert.equal(p.overCapacity, 6);
  assert.equal(p.unassigned, 6);
});

test('cameras that stop being wanted are released; others\' preferred cameras wait out the grace', () => {
  const live = new Map([['a', { capacity: 100, held: 1 }], ['b', { capacity: 100, held: 0 }]]);
  const leases = new Map<string, LeaseView>([['gone', { node: 'a', session: 's-a', revision: 1 }]]);
  const fresh = plan('a', leases, live, { now: 1000 });
  assert.deepEqual(fresh.release, ['gone']);
  const notMine = cams.filter((c) => !fresh.acquire.some((x) => x.cameraId === c));
  assert.ok(notMine.length > 0);
  const later = plan('a', leases, live, { now: 5000, freeSince: new Map(notMine.map((c) => [c, 1000])) });
  assert.equal(later.acquire.length, 30, 'after the grace any node with room takes them');
});

test('a node holding more than its share plus one hands one camera to its preferred, less loaded node', () => {
  const held = new Map<string, LeaseView>(cams.slice(0, 6).map((c) => [c, { node: 'a', session: 's-a', revision: 1 }]));
  const live = new Map([['a', { capacity: 100, held: 6 }], ['b', { capacity: 100, held: 0 }], ['c', { capacity: 100, held: 0 }]]);
  const p = planAssignment({ me: 'a', session: 's-a', capacity: 100, now: 0, cameras: cams.slice(0, 6), leases: held, liveNodes: live, freeSince: new Map(), graceMs: 2000, mayShed: true });
  assert.ok(p.shed !== null);
  // the receiving node, seeing the camera free, takes it at once; the shedding node does not take it back
  const freed = new Map(held);
  freed.delete(p.shed!);
  const after = new Map([['a', { capacity: 100, held: 5 }], ['b', { capacity: 100, held: 0 }], ['c', { capacity: 100, held: 0 }]]);
  const takers = ['b', 'c'].filter((n) => planAssignment({ me: n, session: `s-${n}`, capacity: 100, now: 0, cameras: cams.slice(0, 6), leases: freed, liveNodes: after, freeSince: new Map(), graceMs: 2000 }).acquire.some((x) => x.cameraId === p.shed));
  assert.equal(takers.length, 1);
  const back = planAssignment({ me: 'a', session: 's-a', capacity: 100, now: 0, cameras: cams.slice(0, 6), leases: freed, liveNodes: after, freeSince: new Map(), graceMs: 2000, recentlyShed: new Set([p.shed!]) });
  assert.equal(back.acquire.length, 0);
  // balanced enough: nothing to shed
  const even = new Map([['a', { capacity: 100, held: 3 }], ['b', { capacity: 100, held: 2 }], ['c', { capacity: 100, held: 1 }]]);
  const three = new Map([...held].slice(0, 3));
  assert.equal(planAssignment({ me: 'a', session: 's-a', capacity: 100, now: 0, cameras: cams.slice(0, 3), leases: three, liveNodes: even, freeSince: new Map(), graceMs: 2000, mayShed: true }).shed, null);
});

test('a camera pinned to an edge node: only that node takes it, at once; others neither take it while the edge is silent nor count it; the edge never sheds it', () => {
  const pins = new Map([['cam1', 'edge'], ['cam2', 'edge']]);
  const live = new Map([['a', { capacity: 100, held: 0 }], ['edge', { capacity: 100, held: 0 }]]);
  const base = { session: 's', capacity: 100, now: 100_000, liveNodes: live, graceMs: 2000, pins };
  // the edge takes its pinned cameras at once, whatever the rendezvous choice
  const e = planAssignment({ ...base, me: 'edge', session: 's-edge', cameras: ['cam1', 'cam2', 'cam3'], leases: new Map(), freeSince: new Map() });
  assert.ok(['cam1', 'cam2'].every((c) => e.acquire.some((x) => x.cameraId === c)));
  // the edge is cut off (not live), its leases stand: node a leaves them alone and does not call them waiting
  const leases = new Map<string, LeaseView>([['cam1', { node: 'edge', session: 's-edge', revision: 3 }], ['cam2', { node: 'edge', session: 's-edge', revision: 4 }]]);
  const a = planAssignment({ ...base, me: 'a', session: 's-a', liveNodes: new Map([['a', { capacity: 100, held: 0 }]]), cameras: ['cam1', 'cam2', 'cam3'], leases, freeSince: new Map([['cam1', 0], ['cam2', 0]]) });
  assert.deepEqual(a.acquire.map((x) => x.cameraId), ['cam3']);
  assert.equal(a.unassigned, 0);
  // a node that held a camera before it was pinned elsewhere lets it go
  const held = new Map<string, LeaseView>([['cam1', { node: 'a', session: 's-a', revision: 9 }]]);
  assert.deepEqual(planAssignment({ ...base, me: 'a', session: 's-a', cameras: ['cam1'], leases: held, freeSince: new Map() }).release, ['cam1']);
  // the edge, holding far more than its share, sheds none of its pinned cameras
  const many = Array.from({ length: 10 }, (_, i) => `p${i}`);
  const edgeLeases = new Map<string, LeaseView>(many.map((c, i) => [c, { node: 'edge', session: 's-edge', revision: i + 1 }]));
  const shed = planAssignment({ ...base, me: 'edge', session: 's-edge', cameras: many, leases: edgeLeases, freeSince: new Map(), mayShed: true, pins: new Map(many.map((c) => [c, 'edge'])), liveNodes: new Map([['a', { capacity: 100, held: 0 }], ['edge', { capacity: 100, held: 10 }]]) });
  assert.equal(shed.shed, null);
});

test('an edge node records its pinned cameras only', () => {
  const live = new Map([['edge', { capacity: 100, held: 0 }]]);
  const p = planAssignment({ me: 'edge', session: 's', capacity: 100, now: 100_000, cameras: ['x1', 'x2', 'e1'], leases: new Map(), liveNodes: live, freeSince: new Map([['x1', 0], ['x2', 0]]), graceMs: 2000, pins: new Map([['e1', 'edge']]), onlyPinned: true });
  assert.deepEqual(p.acquire.map((a) => a.cameraId), ['e1']);
  assert.equal(p.unassigned, 0, 'the centre\'s cameras are not the edge\'s to count');
});

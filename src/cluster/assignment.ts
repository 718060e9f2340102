// Which cameras this node should take or let go of, from what it sees of the cluster. Pure: the
// lease table and the node registry are read by adapters (lease-table.ts) and passed in.
import { createHash } from 'node:crypto';

export interface LeaseView {
  node: string;
  session: string;
  /** The lease's revision in the KV bucket: the fencing token. */
  revision: number;
}

export interface LiveNode {
  capacity: number;
  /** Cameras it holds now. */
  held: number;
}

export interface PlanInput {
  me: string;
  session: string;
  capacity: number;
  now: number;
  /** Cameras that should be recorded (enabled) in the cluster's pool. */
  cameras: readonly string[];
  leases: ReadonlyMap<string, LeaseView>;
  /** Nodes heard from within the lease TTL, this one included. */
  liveNodes: ReadonlyMap<string, LiveNode>;
  /** When each free camera was first seen free (kept by the caller between rounds). */
  freeSince: Map<string, number>;
  /** A free camera whose preferred node has not taken it after this long may be taken by any. */
  graceMs: number;
  /** May this round hand a camera to a less loaded node (the caller spaces these out)? */
  mayShed?: boolean;
  /** Cameras this node handed over lately: it does not take them back while they wait. */
  recentlyShed?: ReadonlySet<string>;
  /**
   * Cameras pinned to one node (an edge site's): only that node records them, whether or not it
   * is heard from; it takes them at once, and never hands them on.
   */
  pins?: ReadonlyMap<string, string>;
  /** An edge node records its pinned cameras only (its link to the centre is no place for others). */
  onlyPinned?: boolean;
}

export interface Plan {
  acquire: { cameraId: string; revision: number | null }[];
  /** Cameras this node holds that are no longer to be recorded. */
  release: string[];
  /** Cameras this node holds by its lease. */
  held: string[];
  /** Free cameras this node wanted but could not take: it is at capacity. */
  overCapacity: number;
  /** Free cameras after this plan (no node has taken them yet). */
  unassigned: number;
  /**
   * A held camera to hand back because this node holds clearly more than its share and the
   * camera's preferred node has room (a node that joins late gets cameras this way).
   */
  shed: string | null;
}

/** Rendezvous (highest random weight) hashing: every node computes the same preferred node. */
export function score(cameraId: string, nodeId: string): number {
  return createHash('sha1').update(cameraId).update('\0').update(nodeId).digest().readUInt32BE(0);
}

export function planAssignment(input: PlanInput): Plan {
  const pinnedElsewhere = (c: string) => {
    const n = input.pins?.get(c);
    return n !== undefined && n !== input.me;
  };
  // Another node's pinned cameras are not this node's to record: as if absent from the pool.
  const p: PlanInput = input.onlyPinned
    ? { ...input, cameras: input.cameras.filter((c) => input.pins?.get(c) === input.me) }
    : input.pins?.size ? { ...input, cameras: input.cameras.filter((c) => !pinnedElsewhere(c)) } : input;
  const wanted = new Set(p.cameras);
  const held: string[] = [];
  const release: string[] = [];
  for (const [cameraId, l] of p.leases) {
    if (l.node !== p.me || l.session !== p.session) continue;
    if (wanted.has(cameraId)) held.push(cameraId);
    else release.push(cameraId);
  }
  // Spare room of each live node, counting what this plan gives to this node.
  const spare = new Map<string, number>();
  for (const [id, n] of p.liveNodes) spare.set(id, Math.max(0, n.capacity - n.held));
  spare.set(p.me, Math.max(0, p.capacity - held.length));
  const acquire: Plan['acquire'] = [];
  let overCapacity = 0;
  let unassigned = 0;
  const seenFree = new Set<string>();
  for (const cameraId of p.cameras) {
    const l = p.leases.get(cameraId);
    // A lease held by a live node is taken; one of a dead node or of this node's previous run is free.
    if (l && p.liveNodes.has(l.node) && !(l.node === p.me && l.session !== p.session)) continue;
    if (l && l.node === p.me && l.session === p.session) continue;
    seenFree.add(cameraId);
    const since = p.freeSince.get(cameraId) ?? p.now;
    p.freeSince.set(cameraId, since);
    let best: string | null = null;
    let bestScore = -1;
    for (const [id, room] of spare) {
      if (room <= 0) continue;
      const s = score(cameraId, id);
      if (s > bestScore) [best, bestScore] = [id, s];
    }
    const mine = p.recentlyShed?.has(cameraId) ? 0 : spare.get(p.me)!;
    // This node's own lease from its previous run is its own at once; other free cameras go to
    // their preferred node first, and to whoever has room once that node has let the grace pass.
    const pinnedHere = p.pins?.get(cameraId) === p.me;
    const mayTake = pinnedHere || l?.node === p.me || best === p.me || (best !== null && p.now - since >= p.graceMs);
    if (mine > 0 && mayTake) {
      acquire.push({ cameraId, revision: l?.revision ?? null });
      spare.set(p.me, mine - 1);
    } else {
      unassigned++;
      if (mine <= 0) overCapacity++;
      // Another node is preferred: count the camera against its room so that the next free
      // camera's preference spreads to other nodes instead of piling on one.
      if (best !== null && best !== p.me) spare.set(best, spare.get(best)! - 1);
    }
  }
  for (const id of p.freeSince.keys()) if (!seenFree.has(id)) p.freeSince.delete(id);
  return { acquire, release, held, overCapacity, unassigned, shed: p.mayShed && unassigned === 0 ? pickShed(p, held) : null };
}

/**
 * Balance without a coordinator: a node holding more than the fair share plus one gives back
 * one camera whose rendezvous choice (among nodes with room) is a node below the share; that
 * node computes the same choice and takes it at its next round.
 */
function pickShed(p: PlanInput, held: string[]): string | null {
  const nodes = [...p.liveNodes].filter(([, n]) => n.capacity > 0);
  if (nodes.length < 2) return null;
  const load = new Map(nodes.map(([id, n]) => [id, id === p.me ? held.length : n.held]));
  const total = [...load.values()].reduce((a, b) => a + b, 0);
  const fair = Math.ceil(total / nodes.length);
  if (held.length <= fair + 1) return null;
  const room = new Set(nodes.filter(([id, n]) => (id === p.me ? p.capacity - held.length : n.capacity - n.held) > 0).map(([id]) => id));
  room.add(p.me);
  for (const cameraId of [...held].sort()) {
    if (p.pins?.get(cameraId) === p.me) continue;
    let best: string | null = null;
    let bestScore = -1;
    for (const id of room) {
      const s = score(cameraId, id);
      if (s > bestScore) [best, bestScore] = [id, s];
    }
    if (best !== null && best !== p.me && load.get(best)! < fair) return cameraId;
  }
  return null;
}

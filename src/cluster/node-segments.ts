// The store as one cluster node sees its segments: recovery and retention of a node touch only
// the rows of files on its own disk, and every segment it indexes carries its node and is
// written only under the camera's current fencing token.
import type { SegmentKey, SegmentRow, Store } from '../store/index.ts';

type NodeStore = Pick<Store, 'listCameras' | 'putNodeSegments' | 'lastNodeSegment' | 'listOldestNodeSegments' | 'listNodeSegmentCameras' | 'totalNodeSegmentBytes' | 'deleteSegments' | 'listEvidenceLocks'>;

/** For start-up recovery: this node's segments only; repaired files are indexed as this node's without a fence (they are on its disk whoever records the camera now). */
export function recoveryView(store: NodeStore, nodeId: string): Pick<Store, 'listCameras' | 'listSegmentCameras' | 'lastSegment' | 'putSegments' | 'deleteSegments'> {
  return {
    listCameras: () => store.listCameras(),
    listSegmentCameras: () => store.listNodeSegmentCameras(nodeId),
    lastSegment: (cameraId) => store.lastNodeSegment(cameraId, nodeId),
    putSegments: async (segs) => void (await store.putNodeSegments(nodeId, segs)),
    deleteSegments: (keys, audit) => store.deleteSegments(keys, audit),
  };
}

/** For retention: deletes only what this node holds. */
export function retentionView(store: NodeStore, nodeId: string): Pick<Store, 'listOldestSegments' | 'listSegmentCameras' | 'totalSegmentBytes' | 'deleteSegments' | 'listEvidenceLocks'> {
  return {
    listOldestSegments: (opts) => store.listOldestNodeSegments(nodeId, opts),
    listSegmentCameras: () => store.listNodeSegmentCameras(nodeId),
    totalSegmentBytes: () => store.totalNodeSegmentBytes(nodeId),
    deleteSegments: (keys, audit) => store.deleteSegments(keys, audit),
    listEvidenceLocks: (cameraId) => store.listEvidenceLocks(cameraId),
  };
}

/**
 * For the segment index queue: each segment goes in with the fencing token this node holds for
 * its camera. A segment of a camera it no longer holds, or one the store refuses (a newer lease
 * took the camera), is not indexed and `fenced` is told, which stops that camera's recorder.
 */
export function fencedIndexView(
  store: NodeStore,
  nodeId: string,
  fence: (cameraId: string) => number | null,
  fenced: (cameraId: string, refused: SegmentKey[]) => void,
): Pick<Store, 'putSegments'> {
  return {
    async putSegments(segs: SegmentRow[]) {
      const out: (SegmentRow & { fence: number })[] = [];
      const refused = new Map<string, SegmentKey[]>();
      const refuse = (k: SegmentKey) => refused.set(k.cameraId, [...(refused.get(k.cameraId) ?? []), k]);
      for (const s of segs) {
        const token = fence(s.cameraId);
        if (token === null) refuse(s);
        else out.push({ ...s, fence: token });
      }
      for (const k of await store.putNodeSegments(nodeId, out)) refuse(k);
      for (const [cameraId, keys] of refused) fenced(cameraId, keys.map((k) => ({ cameraId: k.cameraId, startMs: k.startMs })));
    },
  };
}

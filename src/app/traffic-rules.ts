// A camera's traffic rules with its stored calibration (issue 14): wired here, in the composition
// root, because the traffic part builds on analytics. No calibration: the rules that need one
// (speed, direction) are refused by the traffic part with the reason. The vehicles counted go to
// `counts`, which writes them to the store in batches (they survive a restart).
import { fitHomography, prepareTrafficRule } from '../traffic/index.ts';
import type { TrackRule } from '../analytics/index.ts';
import type { TrafficConfig } from '../core/index.ts';
import type { TrafficCountBuffer } from '../events/index.ts';
import type { Store } from '../store/index.ts';

export function trafficRules(store: Store, counts?: TrafficCountBuffer): (cameraId: string, spec: TrafficConfig) => Promise<() => TrackRule> {
  return async (cameraId, spec) => {
    const row = await store.getCameraCalibration(cameraId);
    const sink = counts ? (rows: { minuteMs: number; lane: string; cls: string; speedBin: number; n: number }[]) => { for (const r of rows) counts.addRow({ cameraId, ...r }); } : null;
    return prepareTrafficRule(spec, row ? fitHomography(row.points) : null, Date.now, sink);
  };
}

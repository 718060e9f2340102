// A camera's traffic rules with its stored calibration (issue 14): wired here, in the composition
// root, because the traffic part builds on analytics. No calibration: the rules that need one
// (speed, direction) are refused by the traffic part with the reason.
import { fitHomography, prepareTrafficRule } from '../traffic/index.ts';
import type { TrackRule } from '../analytics/index.ts';
import type { TrafficConfig } from '../core/index.ts';
import type { Store } from '../store/index.ts';

export function trafficRules(store: Store): (cameraId: string, spec: TrafficConfig) => Promise<() => TrackRule> {
  return async (cameraId, spec) => {
    const row = await store.getCameraCalibration(cameraId);
    return prepareTrafficRule(spec, row ? fitHomography(row.points) : null);
  };
}

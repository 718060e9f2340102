// The simulated camera these tests watch: one RTSP camera replaying vtest (real pedestrians).
import { startSimulator as start, type Simulator } from '../../../src/simulator/index.ts';
import { TEST_SIM_CACHE } from '../../helpers/recording-rig.ts';

export type { Simulator };
export const VTEST_AVI_PATH = '/usr/share/doc/opencv-doc/examples/data/vtest.avi';
export function startSimulator(cameras = 1): Promise<Simulator> {
  return start({ cameras, port: 0, cacheDir: TEST_SIM_CACHE, clips: ['vtest'] });
}

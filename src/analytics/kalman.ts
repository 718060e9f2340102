// Constant-velocity Kalman filter on a box's centre and size (cx, cy, w, h), as in SORT/ByteTrack.
// With F coupling each coordinate only to its own velocity and diagonal noise, the 8-state filter
// splits exactly into four independent 2-state filters (position, velocity), which is what this is.
// Noise scales with the box height, as ByteTrack's does. Pure.
import type { Box } from './geometry.ts';

export interface KalmanNoise {
  /** position noise per frame, as a fraction of the box height */
  position: number;
  /** velocity noise per frame, as a fraction of the box height */
  velocity: number;
}

export const DEFAULT_NOISE: KalmanNoise = { position: 1 / 20, velocity: 1 / 40 };

export class BoxKalman {
  /** state: [cx, vcx, cy, vcy, w, vw, h, vh] */
  private readonly x = new Float64Array(8);
  /** per coordinate: P00, P01, P11 */
  private readonly p = new Float64Array(12);
  private readonly noise: KalmanNoise;

  constructor(box: Box, noise: KalmanNoise = DEFAULT_NOISE) {
    this.noise = noise;
    const z = measure(box);
    const h = Math.max(z[3], 1e-3);
    for (let d = 0; d < 4; d++) {
      this.x[2 * d] = z[d];
      this.x[2 * d + 1] = 0;
      this.p[3 * d] = (2 * noise.position * h) ** 2;
      this.p[3 * d + 1] = 0;
      this.p[3 * d + 2] = (10 * noise.velocity * h) ** 2;
    }
  }

  predict(): void {
    const h = Math.max(this.x[6], 1e-3);
    const qp = (this.noise.position * h) ** 2;
    const qv = (this.noise.velocity * h) ** 2;
    for (let d = 0; d < 4; d++) {
      this.x[2 * d] += this.x[2 * d + 1];
      const i = 3 * d;
      const p00 = this.p[i], p01 = this.p[i + 1], p11 = this.p[i + 2];
      this.p[i] = p00 + 2 * p01 + p11 + qp;
      this.p[i + 1] = p01 + p11;
      this.p[i + 2] = p11 + qv;
    }
    // A size must never go negative, whatever the velocity estimate says.
    if (this.x[4] < 1e-4) { this.x[4] = 1e-4; this.x[5] = 0; }
    if (this.x[6] < 1e-4) { this.x[6] = 1e-4; this.x[7] = 0; }
  }

  /**
   * Stop extrapolating the size (its velocity → 0), as ByteTrack does for tracks it has lost. A
   * size velocity comes from two or three noisy boxes (a young track's first box is often a loose
   * one); run on through a gap it shrinks or swells the predicted box until the object, found
   * again, no longer matches it and is born a second time.
   */
  holdSize(): void {
    this.x[5] = 0;
    this.x[7] = 0;
  }

  update(box: Box): void {
    const z = measure(box);
    const r = (this.noise.position * Math.max(this.x[6], 1e-3)) ** 2;
    for (let d = 0; d < 4; d++) {
      const i = 3 * d;
      const p00 = this.p[i], p01 = this.p[i + 1], p11 = this.p[i + 2];
      const s = p00 + r;
      const k0 = p00 / s;
      const k1 = p01 / s;
      const y = z[d] - this.x[2 * d];
      this.x[2 * d] += k0 * y;
      this.x[2 * d + 1] += k1 * y;
      this.p[i] = (1 - k0) * p00;
      this.p[i + 1] = (1 - k0) * p01;
      this.p[i + 2] = p11 - k1 * p01;
    }
  }

  box(): Box {
    const [cx, cy, w, h] = [this.x[0], this.x[2], this.x[4], this.x[6]];
    return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
  }

  /** centre velocity per frame (normalised units) */
  velocity(): [number, number] {
    return [this.x[1], this.x[3]];
  }
}

function measure(b: Box): [number, number, number, number] {
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, b[2] - b[0], b[3] - b[1]];
}

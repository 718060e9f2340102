// The text form of a calibration, as `vigil analyze --calibrate` takes it: 'u,v=x,y;u,v=x,y;…',
// each image point normalised 0..1 (x right, y down) with its ground position in metres. Pure.
import { TrafficError } from './errors.ts';
import type { CalibrationPoint } from './homography.ts';

const NUM = /^\s*-?(\d+\.?\d*|\.\d+)(e-?\d+)?\s*$/i;

export function parseCalibrationSpec(spec: string): CalibrationPoint[] {
  const bad = (m: string): never => { throw new TrafficError('BAD_TRAFFIC_SPEC', `--calibrate: ${m}`); };
  const parts = spec.split(';').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0) bad(`expected 'u,v=x,y;u,v=x,y;…' (image point normalised 0..1 = ground point in metres), got "${spec}"`);
  return parts.map((part, i) => {
    const sides = part.split('=');
    if (sides.length !== 2) bad(`point ${i + 1} "${part}": expected u,v=x,y`);
    const nums = (s: string, what: string) => {
      const xy = s.split(',');
      if (xy.length !== 2 || !xy.every((v) => NUM.test(v))) bad(`point ${i + 1} "${part}": the ${what} must be two numbers "a,b"`);
      return [Number(xy[0]), Number(xy[1])] as [number, number];
    };
    const image = nums(sides[0], 'image position');
    if (image.some((v) => v < 0 || v > 1)) bad(`point ${i + 1} "${part}": the image position must be normalised to 0..1`);
    return { image, ground: nums(sides[1], 'ground position (metres)') };
  });
}

export function formatCalibrationSpec(points: CalibrationPoint[]): string {
  return points.map((p) => `${p.image.join(',')}=${p.ground.join(',')}`).join(';');
}

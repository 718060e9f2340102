// Renders a road scene with known geometry for eval:speed: a pinhole camera over a flat textured
// road (asphalt grain and patches, solid edge lines, 3 m dashes every 12 m between lanes, verge)
// with vehicles drawn as shaded 3D bodies (lower body, cabin with glass, wheels, lights, a
// shadow) moving along their lanes at known speeds. Frames are RGB, width × height × 3. No
// calibration code is used here: only the camera's projection.
import { project, type PinholeCamera } from './pinhole-camera.ts';

export interface Vehicle {
  /** lane centre, metres across the road */
  x: number;
  /** position of the vehicle's centre along the road at t = 0, metres */
  y0: number;
  /** metres per second along +y (negative: towards −y) */
  vy: number;
  kind: 'car' | 'van' | 'truck';
  colour: [number, number, number];
}

export interface RoadScene {
  camera: PinholeCamera;
  width: number;
  height: number;
  lanes: number;
  laneWidth: number;
  vehicles: Vehicle[];
  seed: number;
}

type RGB = [number, number, number];

function hash(x: number, y: number, seed: number): number {
  let h = (Math.imul(x | 0, 374761393) + Math.imul(y | 0, 668265263) + Math.imul(seed, 2246822519)) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Smooth value noise at cell size 1 (bilinear). */
function noise(x: number, y: number, seed: number): number {
  const xi = Math.floor(x), yi = Math.floor(y), fx = x - xi, fy = y - yi;
  const a = hash(xi, yi, seed), b = hash(xi + 1, yi, seed), c = hash(xi, yi + 1, seed), d = hash(xi + 1, yi + 1, seed);
  const sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy);
  return a + (b - a) * sx + (c - a) * sy + (a - b - c + d) * sx * sy;
}

/** Inverse projection: the ground point seen at pixel (px, py), or null above the horizon. */
function groundAt(cam: PinholeCamera, u: number, v: number): [number, number] | null {
  const pan = (cam.panDeg * Math.PI) / 180, tilt = (cam.tiltDeg * Math.PI) / 180;
  const rx = (u - 0.5) / cam.focal, rd = ((v - 0.5) * cam.aspect) / cam.focal;
  // ray in camera frame: right rx, forward 1, down rd → world (before pan): x = rx, y = cos t + rd·(−sin t)... see pinhole-camera
  const dy = Math.cos(tilt) - rd * Math.sin(tilt);
  const dz = -Math.sin(tilt) - rd * Math.cos(tilt);
  if (dz >= -1e-6) return null;
  const s = cam.height / -dz;
  const lx = rx * s, ly = dy * s;
  // undo the pan rotation (project rotates by −pan)
  const x = lx * Math.cos(pan) + ly * Math.sin(pan), y = -lx * Math.sin(pan) + ly * Math.cos(pan);
  return [x + (cam.x ?? 0), y + (cam.y ?? 0)];
}

function groundColour(scene: RoadScene, g: [number, number], footprint: number): RGB {
  const [x, y] = g;
  const road = scene.lanes * scene.laneWidth;
  const s = scene.seed;
  // fine grain fades with distance (a pixel then covers many grains), patches stay
  const fade = Math.max(0, 1 - footprint / 0.4);
  if (x < -0.5 || x > road + 0.5) {
    const n = 0.5 * noise(x * 0.7, y * 0.7, s + 1) + 0.3 * noise(x * 3, y * 3, s + 2) * fade + 0.2 * hash(Math.floor(x * 12), Math.floor(y * 12), s) * fade;
    return x < -3 || x > road + 3 ? [60 + 50 * n, 95 + 60 * n, 45 + 35 * n] : [120 + 40 * n, 118 + 40 * n, 110 + 40 * n];
  }
  let v = 88 + 18 * noise(x * 0.25, y * 0.25, s + 3) + (14 * noise(x * 4, y * 4, s + 4) + 16 * (hash(Math.floor(x * 25), Math.floor(y * 25), s + 5) - 0.5)) * fade;
  // tyre tracks: darker bands in each lane
  for (let l = 0; l < scene.lanes; l++) {
    const c = (l + 0.5) * scene.laneWidth;
    if (Math.abs(Math.abs(x - c) - 0.8) < 0.3) v -= 8;
  }
  const line = (cx: number, w: number) => Math.abs(x - cx) < w / 2;
  let white = line(0.2, 0.15) || line(road - 0.2, 0.15);
  for (let l = 1; l < scene.lanes; l++) if (line(l * scene.laneWidth, 0.15) && ((y % 12) + 12) % 12 < 3) white = true;
  if (white) v = 215 + 20 * noise(x * 5, y * 5, s + 6);
  return [v, v, v * 1.02];
}

/** The static scene: the road and the sky, 2×2 supersampled. */
export function renderBackground(scene: RoadScene): Uint8Array {
  const { width: W, height: H, camera: cam } = scene;
  const out = new Uint8Array(W * H * 3);
  for (let py = 0; py < H; py++) for (let px = 0; px < W; px++) {
    let r = 0, g = 0, b = 0;
    for (const [ox, oy] of [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]]) {
      const u = (px + ox) / W, v = (py + oy) / H;
      const p = groundAt(cam, u, v);
      let c: RGB;
      if (!p) c = [150 + 60 * v, 175 + 50 * v, 210];
      else {
        const q = groundAt(cam, u + 1 / W, v);
        const foot = q ? Math.hypot(q[0] - p[0], q[1] - p[1]) : 1;
        c = Math.hypot(p[0] - (cam.x ?? 0), p[1] - (cam.y ?? 0)) > 400 ? [150, 170, 185] : groundColour(scene, p, foot);
      }
      r += c[0]; g += c[1]; b += c[2];
    }
    const i = (py * W + px) * 3;
    out[i] = clamp(r / 4); out[i + 1] = clamp(g / 4); out[i + 2] = clamp(b / 4);
  }
  return out;
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

interface Face { pts: [number, number][]; colour: RGB; depth: number; alpha?: number }

const DIMS = { car: { L: 4.5, W: 1.8, body: 0.75, cabin: 0.6, cabinL: 0.5 }, van: { L: 5.2, W: 2.0, body: 1.2, cabin: 0.8, cabinL: 0.75 }, truck: { L: 8, W: 2.4, body: 2.6, cabin: 0, cabinL: 0 } };

/** Faces of one vehicle at time t, projected; the box seen (normalised) too. */
function vehicleFaces(scene: RoadScene, veh: Vehicle, t: number): Face[] {
  const cam = scene.camera;
  const d = DIMS[veh.kind];
  const cy = veh.y0 + veh.vy * t;
  const faces: Face[] = [];
  const light = [0.4, -0.3, 0.85];
  const lnorm = Math.hypot(...light);
  const camPos = [cam.x ?? 0, cam.y ?? 0, cam.height];
  /** an axis-aligned box: x ± w/2, y ± l/2, z0..z1 */
  const box = (x0: number, x1: number, y0: number, y1: number, z0: number, z1: number, colour: RGB, glass?: (face: string) => boolean) => {
    const c = (x: number, y: number, z: number) => [x, y, z] as [number, number, number];
    const quads: [string, [number, number, number][], number[]][] = [
      ['top', [c(x0, y0, z1), c(x1, y0, z1), c(x1, y1, z1), c(x0, y1, z1)], [0, 0, 1]],
      ['back', [c(x0, y0, z0), c(x1, y0, z0), c(x1, y0, z1), c(x0, y0, z1)], [0, -1, 0]],
      ['front', [c(x0, y1, z0), c(x1, y1, z0), c(x1, y1, z1), c(x0, y1, z1)], [0, 1, 0]],
      ['left', [c(x0, y0, z0), c(x0, y1, z0), c(x0, y1, z1), c(x0, y0, z1)], [-1, 0, 0]],
      ['right', [c(x1, y0, z0), c(x1, y1, z0), c(x1, y1, z1), c(x1, y0, z1)], [1, 0, 0]],
    ];
    for (const [name, q, n] of quads) {
      const centre = q.reduce((a, p) => [a[0] + p[0] / 4, a[1] + p[1] / 4, a[2] + p[2] / 4], [0, 0, 0]);
      const toCam = [camPos[0] - centre[0], camPos[1] - centre[1], camPos[2] - centre[2]];
      if (n[0] * toCam[0] + n[1] * toCam[1] + n[2] * toCam[2] <= 0) continue;
      const pts = q.map((p) => project(cam, p));
      if (pts.some((p) => !p)) continue;
      const shade = 0.45 + 0.55 * Math.max(0, (n[0] * light[0] + n[1] * light[1] + n[2] * light[2]) / lnorm);
      const base: RGB = glass?.(name) ? [40, 55, 70] : colour;
      faces.push({ pts: pts as [number, number][], colour: base.map((v) => v * shade) as RGB, depth: Math.hypot(...toCam) });
    }
  };
  const x = veh.x, hw = d.W / 2, hl = d.L / 2;
  // shadow on the road, slightly larger than the body, drawn first
  const sh = [[x - hw - 0.1, cy - hl - 0.2], [x + hw + 0.3, cy - hl - 0.2], [x + hw + 0.3, cy + hl + 0.1], [x - hw - 0.1, cy + hl + 0.1]].map((g) => project(cam, [g[0], g[1], 0]));
  if (sh.every(Boolean)) faces.push({ pts: sh as [number, number][], colour: [20, 20, 22], depth: 1e9, alpha: 0.55 });
  // wheels
  const wheel: RGB = [25, 25, 25];
  for (const sx of [-1, 1]) for (const sy of [-1, 1]) {
    const wx = x + sx * (hw - 0.2), wy = cy + sy * (hl - 0.9);
    box(wx - 0.12, wx + 0.12, wy - 0.33, wy + 0.33, 0, 0.66, wheel);
  }
  const lower = veh.kind === 'truck' ? 0.5 : 0.3;
  box(x - hw, x + hw, cy - hl, cy + hl, lower, lower + d.body, veh.colour);
  if (veh.kind === 'truck') {
    // the cab in front (towards +y when driving +y) with a windscreen
    const dir = veh.vy >= 0 ? 1 : -1;
    const cab0 = dir > 0 ? cy + hl : cy - hl - 2;
    box(x - hw, x + hw, cab0, cab0 + 2, lower, lower + 2.2, [200, 200, 205], (f) => (dir > 0 ? f === 'front' : f === 'back'));
  } else {
    const cl = d.L * d.cabinL;
    const off = veh.kind === 'van' ? 0.4 : -0.1;
    const c0 = cy - cl / 2 + off * (veh.vy >= 0 ? 1 : -1);
    box(x - hw + 0.12, x + hw - 0.12, c0, c0 + cl, lower + d.body, lower + d.body + d.cabin, veh.colour, (f) => f !== 'top');
  }
  // lights on the back and front faces
  for (const [yy, colour] of [[cy - hl - 0.01, veh.vy >= 0 ? [200, 20, 20] : [240, 240, 220]], [cy + hl + 0.01, veh.vy >= 0 ? [240, 240, 220] : [200, 20, 20]]] as [number, RGB][]) {
    for (const sx of [-1, 1]) {
      const lx = x + sx * (hw - 0.3);
      const q = [[lx - 0.2, yy, lower + 0.45], [lx + 0.2, yy, lower + 0.45], [lx + 0.2, yy, lower + 0.6], [lx - 0.2, yy, lower + 0.6]].map((p) => project(cam, p as [number, number, number]));
      const toCam = camPos[1] - yy;
      const facing = yy < cy ? toCam < 0 : toCam > 0;
      if (facing && q.every(Boolean)) faces.push({ pts: q as [number, number][], colour, depth: Math.hypot(camPos[0] - lx, camPos[1] - yy, camPos[2]) - 0.5 });
    }
  }
  return faces;
}

function fillPolygon(rgb: Uint8Array, W: number, H: number, pts: [number, number][], colour: RGB, alpha = 1): void {
  const px = pts.map((p) => [p[0] * W, p[1] * H]);
  const minY = Math.max(0, Math.floor(Math.min(...px.map((p) => p[1])))), maxY = Math.min(H - 1, Math.ceil(Math.max(...px.map((p) => p[1]))));
  for (let y = minY; y <= maxY; y++) {
    const sy = y + 0.5;
    const xs: number[] = [];
    for (let i = 0; i < px.length; i++) {
      const a = px[i], b = px[(i + 1) % px.length];
      if ((a[1] <= sy && b[1] > sy) || (b[1] <= sy && a[1] > sy)) xs.push(a[0] + ((sy - a[1]) * (b[0] - a[0])) / (b[1] - a[1]));
    }
    xs.sort((p, q) => p - q);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const x0 = Math.max(0, Math.round(xs[k])), x1 = Math.min(W - 1, Math.round(xs[k + 1]) - 1);
      for (let x = x0; x <= x1; x++) {
        const i = (y * W + x) * 3;
        rgb[i] = clamp(rgb[i] * (1 - alpha) + colour[0] * alpha);
        rgb[i + 1] = clamp(rgb[i + 1] * (1 - alpha) + colour[1] * alpha);
        rgb[i + 2] = clamp(rgb[i + 2] * (1 - alpha) + colour[2] * alpha);
      }
    }
  }
}

/** Draws the vehicles at time t over a copy of the background into `out`. */
export function renderFrame(scene: RoadScene, background: Uint8Array, t: number, out: Uint8Array): void {
  out.set(background);
  const all: Face[] = [];
  // far vehicles first, then each vehicle's faces far to near
  const vehicles = scene.vehicles.map((v) => ({ v, d: Math.hypot(v.x - (scene.camera.x ?? 0), v.y0 + v.vy * t - (scene.camera.y ?? 0)) })).sort((a, b) => b.d - a.d);
  for (const { v } of vehicles) {
    const faces = vehicleFaces(scene, v, t).sort((a, b) => b.depth - a.depth);
    all.push(...faces);
  }
  for (const f of all) fillPolygon(out, scene.width, scene.height, f.pts, f.colour, f.alpha ?? 1);
}

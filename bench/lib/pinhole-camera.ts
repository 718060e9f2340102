// A pinhole camera above a flat road, for the traffic tests and eval:speed: ground (x across, y along
// the road, metres, z up) → normalised image (0..1, y down). Plain maths, no calibration code.
export interface PinholeCamera {
  /** metres above the road */
  height: number;
  /** downward tilt of the optical axis from horizontal, degrees */
  tiltDeg: number;
  /** rotation about the vertical axis from looking along +y, degrees (positive: to the right) */
  panDeg: number;
  /** focal length in units of the image width */
  focal: number;
  /** image height / width */
  aspect: number;
  /** camera position across the road (metres, default 0) and along it (default 0) */
  x?: number;
  y?: number;
}

/** Projects a 3D point (x, y, z) to the normalised image; null behind the camera. */
export function project(cam: PinholeCamera, p: [number, number, number]): [number, number] | null {
  const pan = (cam.panDeg * Math.PI) / 180, tilt = (cam.tiltDeg * Math.PI) / 180;
  let dx = p[0] - (cam.x ?? 0), dy = p[1] - (cam.y ?? 0);
  const dz = p[2] - cam.height;
  // rotate about z by −pan so the camera looks along +y
  const rx = dx * Math.cos(pan) - dy * Math.sin(pan);
  const ry = dx * Math.sin(pan) + dy * Math.cos(pan);
  dx = rx; dy = ry;
  // camera axes: right = +x; forward = (0, cos t, −sin t); down = (0, −sin t, −cos t)
  const fwd = dy * Math.cos(tilt) - dz * Math.sin(tilt);
  const down = -dy * Math.sin(tilt) - dz * Math.cos(tilt);
  if (fwd <= 0.05) return null;
  return [0.5 + (cam.focal * dx) / fwd, 0.5 * cam.aspect + (cam.focal * down) / fwd].map((v, i) => (i === 1 ? v / cam.aspect : v)) as [number, number];
}

export function projectGround(cam: PinholeCamera, g: [number, number]): [number, number] | null {
  return project(cam, [g[0], g[1], 0]);
}

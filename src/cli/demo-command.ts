// `vigil demo`: a fictional district on the map, its simulated cameras recorded from the start, and
// a power feed that cuts one street's cameras for a minute every few minutes (the outage picture).
import { parseArgs } from 'node:util';
import { validateConfig } from '../core/index.ts';
import { demoCity, placeAtHospitalEntrance, type DemoCity, type MapService } from '../map/index.ts';

/**
 * On the pedestrian camera: a counting line across the plaza (counted, not an alarm) and an
 * intrusion zone in front, whose hits raise one alarm per minute of activity with instructions, and
 * go to the supervisors when nobody acknowledges them within two minutes.
 */
const DEMO_ANALYTICS = {
  enabled: true,
  detector: 'auto' as const,
  fps: 5,
  lines: [{ name: 'Crossing', p1: [0.05, 0.6] as [number, number], p2: [0.95, 0.6] as [number, number] }],
  zones: [{ name: 'Plaza front', polygon: [[0.05, 0.7], [0.95, 0.7], [0.95, 0.98], [0.05, 0.98]] as [number, number][], classes: ['person' as const] }],
  alarms: [
    {
      kind: 'zone_intrusion' as const,
      rule: 'Plaza front',
      raise: true,
      priority: 40,
      foldSeconds: 60,
      instructions: ['Look at the recording from before the alarm', 'Check the live view', 'Call the site guard if someone is still inside'],
      escalateAfterSeconds: 120,
    },
  ],
  // Crowd safety over the whole view: 8 persons (vtest shows 3–9); the area is a rough estimate of the
  // square in view (about 30 × 20 m), so the alarm also gives persons/m².
  crowd: [{ name: 'Square', polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] as [number, number][], threshold: 8, unit: 'persons' as const, areaM2: 600, holdSeconds: 1 }],
};

const SYSTEM = { id: 'system', ip: null };

/** Places the district's cameras and sites once; an operator's later changes are kept. */
async function seedDistrict(map: MapService, city: DemoCity): Promise<void> {
  const existing = new Set((await map.sites()).map((s) => s.id));
  for (const site of city.sites) if (!existing.has(site.id)) await map.putSite(site, SYSTEM);
  for (const cam of city.cameras) {
    if (await map.getPlacement(cam.cameraId)) continue;
    await map.place(cam.cameraId, cam, SYSTEM);
  }
}

function seconds(env: string | undefined, fallback: number): number {
  const n = Number(env);
  return env && Number.isFinite(n) && n > 0 ? n : fallback;
}

export async function cmdDemo(args: string[], help: string): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    console.log('vigil demo [--cameras N]\n\nStarts a fictional district: simulated cameras on its streets, sites, and a power feed that cuts a street for a minute every few minutes. Uses VIGIL_PORT, VIGIL_DATA_DIR, VIGIL_ADMIN_PASSWORD (and VIGIL_DEMO_POWER_CUT_EVERY / VIGIL_DEMO_POWER_CUT_SECONDS, default 240 and 60).\n\n' + help);
    return 0;
  }
  const { values } = parseArgs({ args, options: { cameras: { type: 'string', default: '60' }, 'segment-seconds': { type: 'string', default: '10' } }, strict: true });
  const n = Number(values.cameras);
  const seg = Number(values['segment-seconds']);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error('--cameras: expected an integer from 1 to 1000');
  const dataDir = process.env.VIGIL_DATA_DIR || './data';
  const { startSimulator, availableClipNames, realClipNames } = await import('../simulator/index.ts');
  console.log(`Starting ${n} simulated cameras (the first start encodes the clips with ffmpeg) ...`);
  // Like IP cameras, each has a sub-stream (5 fps): live analytics decode that, not the main stream.
  const sim = await startSimulator({ cameras: n, port: 0, host: '127.0.0.1', cacheDir: `${dataDir}/sim-cache`, subFps: DEMO_ANALYTICS.fps });
  // The simulator deals clips to cameras in order: camera i shows clip i mod clips. Real footage
  // (opencv-doc's pedestrians) where Debian has it; the others are test patterns and say so.
  const clips = availableClipNames();
  const real = new Set(realClipNames());
  const pedestrianCamera = clips.indexOf('vtest');
  const city = demoCity(n, (i) => (real.has(clips[i % clips.length]!) ? '' : ' (synthetic)'));
  if (pedestrianCamera >= 0 && pedestrianCamera < n) {
    city.cameras[pedestrianCamera] = { ...placeAtHospitalEntrance(city.cameras[pedestrianCamera]!), name: 'Hospital Entrance' };
    console.log(`Live analytics on cam${pedestrianCamera + 1} (pedestrians, at the hospital): line "Crossing", zone "Plaza front", crowd "Square"`);
  }
  const cfg = validateConfig({
    dataDir,
    server: { port: process.env.VIGIL_PORT ? Number(process.env.VIGIL_PORT) : 8080 },
    recording: { segmentSeconds: seg },
    // Four-eyes export on, as a city should run it: an export waits for a second user's approval
    // (add one with `vigil user add --role supervisor`; the admin alone cannot approve their own).
    privacy: { transparencyReport: true, fourEyesExport: true },
    cameras: sim.urls.map((url, i) => ({
      id: `cam${i + 1}`,
      name: city.cameras[i]!.name,
      url,
      subUrl: sim.subUrls[i],
      ...(i === pedestrianCamera ? { analytics: DEMO_ANALYTICS } : {}),
    })),
  });

  // The power feed: every few minutes one feeder (half a street) loses power for a minute. Never
  // the pedestrian camera's feeder, so its alarms keep coming.
  const everyS = seconds(process.env.VIGIL_DEMO_POWER_CUT_EVERY, 240);
  const forS = seconds(process.env.VIGIL_DEMO_POWER_CUT_SECONDS, 60);
  const pedestrianId = pedestrianCamera >= 0 ? `cam${pedestrianCamera + 1}` : null;
  const feeders = city.feeders.filter((f) => f.length >= 3 && !(pedestrianId && f.includes(pedestrianId)));
  let round = 0;
  let restore: NodeJS.Timeout | null = null;
  const cutTimer = setInterval(() => {
    if (feeders.length === 0) return;
    const feeder = feeders[round++ % feeders.length]!;
    console.log(`Power cut: ${feeder.length} cameras (${feeder.join(', ')}) for ${forS} s`);
    sim.powerOff(feeder);
    restore = setTimeout(() => { sim.powerOn(feeder); console.log(`Power back: ${feeder.join(', ')}`); }, forS * 1000);
  }, everyS * 1000);
  cutTimer.unref();

  const { runUntilSignal } = await import('./run.ts');
  return runUntilSignal(cfg, {
    adminPassword: process.env.VIGIL_ADMIN_PASSWORD || undefined,
    syncCameraUrls: true,
    resetAdminPassword: true,
    map: { seed: (map) => seedDistrict(map, city), basemap: async () => city.basemap },
    onClose: async () => {
      clearInterval(cutTimer);
      if (restore) clearTimeout(restore);
      await sim.close();
    },
  });
}

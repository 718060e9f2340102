// `vigil demo`: a small simulated city on the embedded default, recorded from the start.
import { parseArgs } from 'node:util';
import { validateConfig } from '../core/index.ts';

const PLACES = [
  'Central Square North', 'Bus Station Gate', 'Pedestrian Bridge', 'Market Street East', 'River Embankment',
  'Hospital Entrance', 'Stadium Plaza', 'Railway Underpass', 'City Hall Steps', 'Old Town Crossing',
];

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

export async function cmdDemo(args: string[], help: string): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    console.log('vigil demo [--cameras N]\n\nStarts simulated cameras and Vigil recording them. Uses VIGIL_PORT, VIGIL_DATA_DIR, VIGIL_ADMIN_PASSWORD.\n\n' + help);
    return 0;
  }
  const { values } = parseArgs({ args, options: { cameras: { type: 'string', default: '6' }, 'segment-seconds': { type: 'string', default: '10' } }, strict: true });
  const n = Number(values.cameras);
  const seg = Number(values['segment-seconds']);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error('--cameras: expected an integer from 1 to 1000');
  const dataDir = process.env.VIGIL_DATA_DIR || './data';
  const { startSimulator, availableClipNames } = await import('../simulator/index.ts');
  console.log(`Starting ${n} simulated cameras (the first start encodes the clips with ffmpeg) ...`);
  // Like IP cameras, each has a sub-stream (5 fps): live analytics decode that, not the main stream.
  const sim = await startSimulator({ cameras: n, port: 0, host: '127.0.0.1', cacheDir: `${dataDir}/sim-cache`, subFps: DEMO_ANALYTICS.fps });
  // The simulator deals clips to cameras in order, so the vtest clip (real pedestrians) is on the
  // camera with its index: live analytics run there, with a counting line and a zone.
  const pedestrianCamera = availableClipNames().indexOf('vtest');
  if (pedestrianCamera >= 0 && pedestrianCamera < n) console.log(`Live analytics on cam${pedestrianCamera + 1} (pedestrians): line "Crossing", zone "Plaza front", crowd "Square"`);
  const cfg = validateConfig({
    dataDir,
    server: { port: process.env.VIGIL_PORT ? Number(process.env.VIGIL_PORT) : 8080 },
    recording: { segmentSeconds: seg },
    cameras: sim.urls.map((url, i) => ({
      id: `cam${i + 1}`,
      name: PLACES[i % PLACES.length] + (i >= PLACES.length ? ` ${Math.floor(i / PLACES.length) + 1}` : ''),
      url,
      subUrl: sim.subUrls[i],
      ...(i === pedestrianCamera ? { analytics: DEMO_ANALYTICS } : {}),
    })),
  });
  const { runUntilSignal } = await import('./run.ts');
  return runUntilSignal(cfg, { adminPassword: process.env.VIGIL_ADMIN_PASSWORD || undefined, syncCameraUrls: true, resetAdminPassword: true, onClose: () => sim.close() });
}

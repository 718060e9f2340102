// Arguments of `vigil analyze`, parsed and checked without touching files or processes. Pure.
import { parseArgs } from 'node:util';
import { AnalyticsError, type AnalyzeOptions, type LineDef, type ZoneDef, type CrowdOptions, type Point, type ClassThresholds, type DetClass, type DetectionSettings } from '../analytics/index.ts';

const CLASSES: readonly DetClass[] = ['person', 'bicycle', 'car', 'motorcycle', 'bus', 'truck'];

export const ANALYZE_HELP = `vigil analyze FILE [options]

Runs the analytics pipeline (motion → detector → tracker → rules) on a video file or stream URL
as fast as it can and prints the result. With --json, stdout carries exactly one JSON document:
  {"file":…,"frames":…,"seconds":…,"lines":{"NAME":{"positive":{"car":3},"negative":{}}},"events":[…]}
Logs go to stderr.

All coordinates are NORMALISED to the frame: 0..1, x from the left, y from the TOP.

  --line NAME:x1,y1,x2,y2    counting line (repeatable). A crossing is "positive" when the bottom
                             centre of an object's box goes from the side where
                             cross(P2-P1, p-P1) < 0 to the side where it is > 0 (y down: for a
                             line drawn left to right, moving down the image)
  --zone NAME:x,y;x,y;x,y…   zone polygon, at least 3 points (repeatable); intrusions are events
  --mask x,y;x,y;x,y…       motion ignore mask (repeatable): nothing moving inside counts as
                             motion (swaying trees, flickering paint edges, burnt-in clocks)
  --dwell ZONE:SECONDS       event when a track stays in ZONE that long
  --crowd ZONE:N[:AREA_M2]   event when persons in ZONE reach N (per m² when the area is given)
  --left-object SECONDS      event when a new object stays still that long with no person by it
  --calibrate 'u,v=x,y;…'    image-to-ground calibration: four or more image points (normalised)
                             each with its ground position in metres (no three on one line).
                             Adds "tracks":[{"id","class","t_in","t_out","speed_kmh",
                             "speed_err_kmh"}] (every vehicle track with a speed; t in the file's
                             presentation time, seconds; ± is about 95 %) and "calibration"
  --fps N                    analysis rate, frames per second (default 5)
  --width PX                 analysis frame width (default 640)
  --detector NAME            neural | motion  (default: neural when installed, else motion).
                             "motion" reports moving blobs as objects (taller than wide:
                             person, else car): a stand-in, not a real detector
  --input PX                 detector input size, a multiple of 32 (default 320); crops around
                             motion are PX frame pixels square
  --tiles ROWS|off           a frame with motion almost everywhere is seen as ROWS rows of
                             overlapping square tiles (1: tiles as tall as the frame; 2: ~half
                             as tall, 4x the cost); off: the whole frame squeezed into one
                             input. Default: 1 with --crowd, else off
  --score CLASS:LOW,HIGH,START  score thresholds of one class (repeatable): detections below LOW
                             are dropped, from HIGH a detection is a clear sighting, START starts
                             a track (default 0.15,0.3,0.35; person 0.2,0.4,0.5 with tiles)
  --annotate DIR             write annotated PNG frames (lines, boxes, track ids) into DIR
  --annotate-every N         annotate every Nth frame (default 5)
  --max-frames N             stop after N frames
  --no-tamper                skip camera-tamper checks
  --json                     print the JSON document (otherwise a short summary)
  -h, --help`;

/** What `vigil analyze` was asked: the analysis, the detector to use, and how to answer. */
export interface AnalyzeArgs extends AnalyzeOptions {
  /** the --calibrate text as given; the traffic part parses and checks it */
  calibrate: string | null;
  detector: 'auto' | 'neural' | 'motion';
  json: boolean;
  help: boolean;
}

function bad(message: string): never {
  throw new AnalyticsError('BAD_ARGUMENT', message);
}

function num(s: string, what: string): number {
  if (!/^\s*-?(\d+\.?\d*|\.\d+)(e-?\d+)?\s*$/i.test(s)) bad(`${what}: "${s}" is not a number`);
  return Number(s);
}

function coord(s: string, what: string): number {
  const v = num(s, what);
  if (v < 0 || v > 1) bad(`${what}: ${v} is outside 0..1 (coordinates are normalised to the frame)`);
  return v;
}

function splitName(spec: string, flag: string, shape: string): [string, string] {
  const i = spec.indexOf(':');
  if (i <= 0) bad(`${flag} "${spec}": expected ${shape}`);
  const name = spec.slice(0, i).trim();
  if (!/^[\w.-]{1,64}$/.test(name)) bad(`${flag} "${spec}": the name may use letters, digits, _ . - (up to 64)`);
  return [name, spec.slice(i + 1)];
}

export function parseLine(spec: string): LineDef {
  const [name, rest] = splitName(spec, '--line', 'NAME:x1,y1,x2,y2');
  const parts = rest.split(',');
  if (parts.length !== 4) bad(`--line "${spec}": expected NAME:x1,y1,x2,y2 (4 numbers, got ${parts.length})`);
  const [x1, y1, x2, y2] = parts.map((p) => coord(p, `--line ${name}`));
  if (x1 === x2 && y1 === y2) bad(`--line ${name}: the two end points are the same`);
  return { name, p1: [x1, y1], p2: [x2, y2] };
}

export function parseZone(spec: string): ZoneDef {
  const [name, rest] = splitName(spec, '--zone', 'NAME:x,y;x,y;x,y');
  const polygon: Point[] = rest.split(';').filter((s) => s.trim() !== '').map((pt) => {
    const xy = pt.split(',');
    if (xy.length !== 2) bad(`--zone ${name}: point "${pt}" is not x,y`);
    return [coord(xy[0], `--zone ${name}`), coord(xy[1], `--zone ${name}`)];
  });
  if (polygon.length < 3) bad(`--zone ${name}: a zone needs at least 3 points, got ${polygon.length}`);
  return { name, polygon };
}

export function parseAnalyzeArgs(argv: string[]): AnalyzeArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        line: { type: 'string', multiple: true }, zone: { type: 'string', multiple: true }, mask: { type: 'string', multiple: true },
        dwell: { type: 'string', multiple: true }, crowd: { type: 'string', multiple: true },
        'left-object': { type: 'string' }, calibrate: { type: 'string' }, fps: { type: 'string' }, width: { type: 'string' },
        detector: { type: 'string' }, input: { type: 'string' }, tiles: { type: 'string' }, score: { type: 'string', multiple: true }, annotate: { type: 'string' }, 'annotate-every': { type: 'string' },
        'max-frames': { type: 'string' }, 'no-tamper': { type: 'boolean' }, json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    bad((e as Error).message);
  }
  const v = parsed.values;
  const help = !!v.help;
  if (parsed.positionals.length > 1) bad(`expected one FILE, got ${parsed.positionals.length}: ${parsed.positionals.join(' ')}`);
  const file = parsed.positionals[0] ?? '';
  if (!file && !help) bad('missing FILE (a video file or stream URL)');
  const lines = (v.line ?? []).map(parseLine);
  const zones = (v.zone ?? []).map(parseZone);
  const masks = (v.mask ?? []).map((m, i) => parseZone(`mask${i + 1}:${m}`).polygon);
  const names = [...lines, ...zones].map((x) => x.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) bad(`the name "${dup}" is used twice (line and zone names must be unique)`);
  const zoneByName = new Map(zones.map((z) => [z.name, z]));
  const needZone = (name: string, flag: string) => {
    const z = zoneByName.get(name);
    if (!z) bad(`${flag}: no --zone named "${name}"`);
    return z;
  };
  const dwell = (v.dwell ?? []).map((s) => {
    const [zone, rest] = splitName(s, '--dwell', 'ZONE:SECONDS');
    needZone(zone, '--dwell');
    const seconds = num(rest, `--dwell ${zone}`);
    if (seconds <= 0) bad(`--dwell ${zone}: seconds must be > 0`);
    return { zone, seconds };
  });
  const crowd = (v.crowd ?? []).map((s): CrowdOptions => {
    const [zone, rest] = splitName(s, '--crowd', 'ZONE:N[:AREA_M2]');
    const z = needZone(zone, '--crowd');
    const [n, area] = rest.split(':');
    const threshold = num(n, `--crowd ${zone}`);
    if (threshold <= 0) bad(`--crowd ${zone}: the threshold must be > 0`);
    const areaM2 = area === undefined ? undefined : num(area, `--crowd ${zone} area`);
    if (areaM2 !== undefined && areaM2 <= 0) bad(`--crowd ${zone}: the area must be > 0 m²`);
    return { name: zone, polygon: z.polygon, threshold, areaM2 };
  });
  const positive = (s: string | undefined, flag: string, def: number, max: number, integer = false) => {
    if (s === undefined) return def;
    const x = num(s, flag);
    if (!(x > 0) || x > max || (integer && !Number.isInteger(x))) bad(`${flag}: expected ${integer ? 'a whole number' : 'a number'} in (0, ${max}], got ${s}`);
    return x;
  };
  if (v.width !== undefined && num(v.width, '--width') < 64) bad(`--width: at least 64 px, got ${v.width}`);
  const detector = v.detector ?? 'auto';
  if (detector !== 'auto' && detector !== 'neural' && detector !== 'motion') bad(`--detector: expected neural or motion, got "${detector}"`);
  const detection: Partial<DetectionSettings> = {};
  if (v.input !== undefined) {
    const px = num(v.input, '--input');
    if (!Number.isInteger(px) || px % 32 !== 0 || px < 64 || px > 1280) bad(`--input: a multiple of 32 from 64 to 1280, got ${v.input}`);
    detection.inputSize = px;
  }
  if (v.tiles !== undefined) {
    if (v.tiles === 'off') detection.tiles = false;
    else {
      const rows = num(v.tiles, '--tiles');
      if (!Number.isInteger(rows) || rows < 1 || rows > 4) bad(`--tiles: off or a number of rows from 1 to 4, got ${v.tiles}`);
      detection.tiles = { rows };
    }
  }
  for (const spec of v.score ?? []) {
    const [cls, rest] = splitName(spec, '--score', 'CLASS:LOW,HIGH,START');
    if (!CLASSES.includes(cls as DetClass)) bad(`--score: unknown class "${cls}" (one of ${CLASSES.join(', ')})`);
    const parts = rest.split(',');
    if (parts.length !== 3) bad(`--score ${cls}: expected LOW,HIGH,START (3 numbers, got ${parts.length})`);
    const [low, high, start] = parts.map((p) => coord(p, `--score ${cls}`));
    if (!(low <= high && low <= start)) bad(`--score ${cls}: LOW must not exceed HIGH or START`);
    (detection.classes ??= {})[cls as DetClass] = { low, high, start } satisfies ClassThresholds;
  }
  return {
    file, lines, zones, masks, dwell, crowd, detection,
    leftObjectSeconds: v['left-object'] === undefined ? null : positive(v['left-object'], '--left-object', 0, 86400),
    calibrate: v.calibrate ?? null,
    fps: positive(v.fps, '--fps', 5, 60),
    width: positive(v.width, '--width', 640, 3840, true),
    detector, annotateDir: v.annotate ?? null,
    annotateEvery: positive(v['annotate-every'], '--annotate-every', 5, 1e6, true),
    maxFrames: v['max-frames'] === undefined ? null : positive(v['max-frames'], '--max-frames', 0, 1e9, true),
    tamper: !v['no-tamper'], json: !!v.json, help,
  };
}

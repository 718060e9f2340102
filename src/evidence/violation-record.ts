// What a violation's package says, as violation.json: the rule and its limit, the measurement
// (speed ± uncertainty and how it was computed), the positions it rests on with their wall times,
// the calibration and its error, the recording around it and any gap in it, the plate. Pure.
import type { EventRow } from '../store/index.ts';
import type { MeasuredPosition } from '../analytics/index.ts';

/** Rule kinds that are violations by a vehicle: these, and only these, get a package and a plate reading. */
export const VIOLATION_KINDS = ['speeding', 'wrong_way', 'stopped_vehicle'] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

export function violationKind(e: EventRow): ViolationKind | null {
  const k = e.kind.startsWith('analytics.') ? e.kind.slice('analytics.'.length) : '';
  return (VIOLATION_KINDS as readonly string[]).includes(k) ? (k as ViolationKind) : null;
}

export interface PositionAt extends MeasuredPosition { wallMs: number }

/** The event's positions with wall-clock times: the last position is the event's own frame (its ts). */
export function positionsAt(e: EventRow): PositionAt[] {
  const ps = Array.isArray(e.details.positions) ? (e.details.positions as MeasuredPosition[]) : [];
  if (!ps.length) return [];
  const last = ps[ps.length - 1].t;
  return ps.map((p) => ({ ...p, wallMs: Math.round(e.ts + (p.t - last) * 1000) }));
}

export type PlateEntry =
  | { status: 'read'; text: string; confidence: number; minCharConfidence: number; frameMs: number; crop: string; corners: [number, number][] }
  | { status: 'unread'; reason: string; frameMs: number | null; crop: string | null }
  | { status: 'not_attempted'; reason: string };

export interface CalibrationEntry {
  points: { image: [number, number]; ground: [number, number] }[];
  rmsGroundM: number;
  rmsImage: number;
  groundSigmaM: number;
  scaleErrorPct: number;
}

export interface GapEntry { startMs: number; endMs: number; reason: string | null }

export interface ViolationRecord {
  format: 'vigil-violation/1';
  eventId: string;
  cameraId: string;
  kind: ViolationKind;
  lane: string;
  at: string;
  atMs: number;
  trackId: number | null;
  cls: string | null;
  rule: { kind: ViolationKind; lane: string; limitKmh: number | null; toleranceKmh: number | null; fires: string };
  measurement: Record<string, number | string>;
  positions: PositionAt[];
  calibration: CalibrationEntry | null;
  recording: { fromMs: number; toMs: number; files: string[]; gaps: GapEntry[]; complete: boolean; statement: string };
  frames: { file: string; wallMs: number; box: [number, number, number, number] | null }[];
  plate: PlateEntry;
  /** what was hidden in the clip and frames (other vehicles' plates, faces), or why not */
  redaction?: string[];
}

const FIRES: Record<ViolationKind, string> = {
  speeding: 'speed − its uncertainty (2 σ) > limit + tolerance, speed from a robust straight-line fit of the ground positions of the box\'s bottom centre over ≥ 1 s (docs/traffic.md)',
  wrong_way: 'moved against the lane\'s allowed direction by ≥ minMetres over ≥ 1 s, mostly along the lane',
  stopped_vehicle: 'one-second mean positions within a fraction of the vehicle\'s length for the stopped time, the lane not congested',
};

export function gapStatement(fromMs: number, toMs: number, gaps: GapEntry[], files: number): { complete: boolean; statement: string } {
  const iso = (ms: number) => new Date(ms).toISOString();
  if (!files) return { complete: false, statement: `nothing was recorded from ${iso(fromMs)} to ${iso(toMs)}: the package has no clip` };
  if (!gaps.length) return { complete: true, statement: `the clip is complete from ${iso(fromMs)} to ${iso(toMs)}` };
  return {
    complete: false,
    statement: `the recording has ${gaps.length} gap(s): ${gaps.map((g) => `${iso(g.startMs)} to ${iso(g.endMs)} (${((g.endMs - g.startMs) / 1000).toFixed(1)} s${g.reason ? `, ${g.reason}` : ''})`).join('; ')}`,
  };
}

export function violationRecord(e: EventRow, a: {
  calibration: CalibrationEntry | null; fromMs: number; toMs: number; files: string[]; gaps: GapEntry[];
  frames: ViolationRecord['frames']; plate: PlateEntry; redaction?: string[];
}): ViolationRecord {
  const kind = violationKind(e)!;
  const d = (e.details.detail ?? {}) as Record<string, number | string>;
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const lane = String(e.details.rule ?? '');
  return {
    format: 'vigil-violation/1',
    eventId: e.id, cameraId: e.cameraId ?? '', kind, lane,
    at: new Date(e.ts).toISOString(), atMs: e.ts,
    trackId: num(e.details.trackId), cls: typeof e.details.cls === 'string' ? e.details.cls : null,
    rule: { kind, lane, limitKmh: num(d.limitKmh), toleranceKmh: num(d.toleranceKmh), fires: FIRES[kind] },
    measurement: { ...d, ...(num(d.speedErrKmh) !== null ? { speedErrMeaning: '± 2 σ (about 95 %): box jitter, path consistency, calibration scale error, reference point' } : {}) },
    positions: positionsAt(e),
    calibration: a.calibration,
    recording: { fromMs: a.fromMs, toMs: a.toMs, files: a.files, gaps: a.gaps, ...gapStatement(a.fromMs, a.toMs, a.gaps, a.files.length) },
    frames: a.frames,
    plate: a.plate,
    ...(a.redaction ? { redaction: a.redaction } : {}),
  };
}

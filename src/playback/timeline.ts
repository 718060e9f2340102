// Recorded spans and gaps of one camera, computed from the segment index: segments closer than
// `joinMs` are one span (the recorder cuts segments back to back, a few ms apart); anything longer
// is a gap. Pure, so the UI's timeline, the HLS playlist and export agree on what a gap is.

export interface TimeSpan {
  startMs: number;
  endMs: number;
}

export interface SegmentTimes {
  startMs: number;
  endMs: number;
}

/** Holes up to this long between segments are the recorder's cut, not a camera outage. */
export const GAP_MS = 1000;

/** Spans of recording (clipped to [fromMs, toMs]) from segments sorted oldest first. */
export function recordedSpans(segments: readonly SegmentTimes[], fromMs: number, toMs: number, joinMs = GAP_MS): TimeSpan[] {
  const spans: TimeSpan[] = [];
  for (const s of segments) {
    const start = Math.max(s.startMs, fromMs);
    const end = Math.min(s.endMs, toMs);
    if (end <= start) continue;
    const last = spans[spans.length - 1];
    if (last && start - last.endMs <= joinMs) last.endMs = Math.max(last.endMs, end);
    else spans.push({ startMs: start, endMs: end });
  }
  return spans;
}

/** The holes of [fromMs, toMs] that no span covers. */
export function gapsBetween(spans: readonly TimeSpan[], fromMs: number, toMs: number): TimeSpan[] {
  const gaps: TimeSpan[] = [];
  let cursor = fromMs;
  for (const s of spans) {
    if (s.startMs > cursor) gaps.push({ startMs: cursor, endMs: s.startMs });
    cursor = Math.max(cursor, s.endMs);
  }
  if (cursor < toMs) gaps.push({ startMs: cursor, endMs: toMs });
  return gaps;
}

/** Why a camera was not recorded over a span, as the recorder indexed it (its gap rows). */
export interface GapRecord {
  startMs: number;
  endMs: number;
  reason: string;
}

export interface ExplainedGap extends TimeSpan {
  /** The reason of the indexed gap that overlaps this hole most; null when none was indexed (yet). */
  reason: string | null;
}

/**
 * Each hole of a timeline with the reason the recorder gave for it. Both lists are sorted by start
 * and the records do not overlap one another, so one forward pass pairs them.
 */
export function explainGaps(gaps: readonly TimeSpan[], records: readonly GapRecord[]): ExplainedGap[] {
  const out: ExplainedGap[] = [];
  let first = 0;
  for (const g of gaps) {
    while (first < records.length && records[first].endMs <= g.startMs) first++;
    let reason: string | null = null;
    let most = 0;
    for (let i = first; i < records.length && records[i].startMs < g.endMs; i++) {
      const overlap = Math.min(g.endMs, records[i].endMs) - Math.max(g.startMs, records[i].startMs);
      if (overlap > most) {
        most = overlap;
        reason = records[i].reason;
      }
    }
    out.push({ startMs: g.startMs, endMs: g.endMs, reason });
  }
  return out;
}

/** A point where the playback stream's media clock is known on the wall clock. */
export interface TimelinePoint {
  wallMs: number;
  mediaMs: number;
}

/** Wall-clock time of a media time in a stream described by points sorted by mediaMs. */
export function wallTimeAt(points: readonly TimelinePoint[], mediaMs: number): number {
  if (points.length === 0) return NaN;
  let p = points[0];
  for (const q of points) {
    if (q.mediaMs > mediaMs) break;
    p = q;
  }
  return p.wallMs + (mediaMs - p.mediaMs);
}

/**
 * Media time of a wall-clock time; inside a gap, the start of the next span; before the first
 * point, the first point (never a negative media time). The web app seeks with this too.
 */
export function mediaTimeAt(points: readonly TimelinePoint[], wallMs: number): number {
  if (points.length === 0) return NaN;
  if (wallMs <= points[0].wallMs) return points[0].mediaMs;
  let p = points[0];
  for (const q of points) {
    if (q.wallMs > wallMs) return Math.min(p.mediaMs + (wallMs - p.wallMs), q.mediaMs);
    p = q;
  }
  return p.mediaMs + (wallMs - p.wallMs);
}

/** Compact header form "wall:media,wall:media" (integers, ms). */
export function formatTimelinePoints(points: readonly TimelinePoint[]): string {
  return points.map((p) => `${Math.round(p.wallMs)}:${Math.round(p.mediaMs)}`).join(',');
}

/** The header's points; none for a missing or empty header. */
export function parseTimelinePoints(text: string | null): TimelinePoint[] {
  if (!text || !text.trim()) return [];
  return text.split(',').map((pair) => {
    const [wall, media] = pair.split(':').map(Number);
    return { wallMs: wall, mediaMs: media };
  });
}

// ByteTrack-style multi-object tracker for ONE camera. Detections above `highScore` are matched to
// predicted tracks by IoU first; the remaining tracks then get a chance at the low-score
// detections (partly hidden objects score low, and ByteTrack's insight is that they still belong
// to a track). A track followed from frame to frame takes an overlapping box whatever its class (a
// weak detector calls one car "car", "truck" and "person" in turn), but a lost track is only found
// again, and the distance pass only matches, a box of its own kind (car/truck/bus are one kind): a
// lost car re-found as the "person" a sign post is mistaken for is another object. Tracks are born
// tentative and confirmed after `minHits`; a track unseen for `maxMissed` frames dies. There is deliberately no appearance feature: ids are positions over
// time within one camera, never an identity, never linked across cameras. Pure.
import { BoxKalman, type KalmanNoise } from './kalman.ts';
import { boxArea, iou, type Box } from './geometry.ts';
import type { DetClass, Detection } from './detector-types.ts';

export interface TrackerOptions {
  highScore?: number;
  lowScore?: number;
  /** a detection must score this much to start a track */
  newTrackScore?: number;
  matchIou?: number;
  lowMatchIou?: number;
  minHits?: number;
  maxMissed?: number;
  /**
   * At a few frames per second a fast object can move more than its own length between frames,
   * so boxes of a young track (velocity not yet known) no longer overlap its detection. A last pass
   * matches by centre distance from the predicted box: up to this many box sizes for young tracks
   * (under 3 hits), half that for older ones, whose velocity is known, so a track does not jump to
   * a neighbour. That is the reach over `GATE_INTERVAL_S` (one frame at 5 fps) or more; over a
   * shorter gap (a faster frame rate) it shrinks in proportion, since the object had less time to
   * move and a wider reach only catches neighbours. 0 turns it off (pure ByteTrack).
   */
  distanceGate?: number;
  /**
   * A box of the same kind lying this much (fraction of its own area) inside a larger confirmed
   * track's box is a part of that object (a detector also boxes a car's windscreen or its rear
   * half): it does not start a track, and a tentative track that ends up there is dropped
   * (unless that track covers half the view or more: WHOLE_MAX_VIEW). 0 turns it off.
   */
  insideFraction?: number;
  /** thresholds of particular classes over the ones above (DetectionSettings.classes) */
  perClass?: Partial<Record<DetClass, { lowScore?: number; highScore?: number; newTrackScore?: number }>>;
  noise?: KalmanNoise;
}

/**
 * Score thresholds for NanoDet (with its proper BGR mean/std input), whose scores run lower than
 * the 0.5/0.6 defaults assume: clear cars score 0.4–0.7 on city footage, partly hidden or far ones
 * 0.2–0.4. Chosen on the shared clips (bench/results/eval-analytics-2026-11-30.md): lower start
 * thresholds let lane markings and parts of cars become tracks (over-counting), higher ones lose
 * far cars.
 */
export const NANODET_TRACKER: TrackerOptions = { lowScore: 0.15, highScore: 0.3, newTrackScore: 0.35 };

/** the frame interval at which `distanceGate` applies in full (5 fps) */
export const GATE_INTERVAL_S = 0.2;

export type TrackState = 'tentative' | 'confirmed' | 'lost';

export interface Track {
  readonly id: number;
  cls: DetClass;
  score: number;
  box: Box;
  state: TrackState;
  hits: number;
  misses: number;
  /** seconds */
  firstSeen: number;
  /**
   * The detection that started the track, before it was confirmed: rules use it so an object that
   * crosses a line while its track is still tentative (two frames at 5 fps) is not missed.
   */
  firstBox: Box;
  lastSeen: number;
  /**
   * This frame's matched detection as the detector gave it (`box` is the Kalman filter's, which
   * lags a moving object while its velocity settles); absent when the track was not matched in
   * this frame. Speed measurement fits its own line through these (issue 14).
   */
  detBox?: Box;
}

interface TrackInternal extends Track {
  kf: BoxKalman;
  votes: Map<DetClass, number>;
}

export class ByteTracker {
  private readonly o: Required<Omit<TrackerOptions, 'noise' | 'perClass'>> & { noise?: KalmanNoise };
  private readonly perClass: NonNullable<TrackerOptions['perClass']>;
  private tracks: TrackInternal[] = [];
  private nextId = 1;

  constructor(opts: TrackerOptions = {}) {
    this.o = {
      highScore: opts.highScore ?? 0.5,
      lowScore: opts.lowScore ?? 0.1,
      newTrackScore: opts.newTrackScore ?? 0.6,
      matchIou: opts.matchIou ?? 0.2,
      lowMatchIou: opts.lowMatchIou ?? 0.4,
      minHits: opts.minHits ?? 2,
      maxMissed: opts.maxMissed ?? 10,
      distanceGate: opts.distanceGate ?? 2,
      insideFraction: opts.insideFraction ?? 0.8,
      noise: opts.noise,
    };
    this.perClass = opts.perClass ?? {};
  }

  private low(c: DetClass): number { return this.perClass[c]?.lowScore ?? this.o.lowScore; }
  private high(c: DetClass): number { return this.perClass[c]?.highScore ?? this.o.highScore; }
  private start(c: DetClass): number { return this.perClass[c]?.newTrackScore ?? this.o.newTrackScore; }

  /**
   * The objects taken to be in view now: confirmed tracks seen in the last frame, and confirmed
   * ones missed for up to `maxMissed` frames at their predicted place (a person the detector misses
   * in one frame is still there; counting only this frame's matches made counts jump). Not a lost
   * track predicted a quarter or more outside the frame: it was walking out, and at the edge a
   * missing detection means it left (counted one frame longer, each leaver was one too many:
   * vtest.avi at 58 s and 62 s, bench/results/eval-crowd-2026-12-02.md). One standing at the edge,
   * or cut by it but mostly in view (feet at the bottom edge), is predicted inside and stays.
   */
  present(maxMissed = 1): Track[] {
    const out: Track[] = [];
    for (const tr of this.tracks) {
      if (tr.state === 'confirmed' && tr.misses === 0) out.push(publicView(tr));
      else if (tr.state === 'lost' && tr.misses <= maxMissed) {
        const box = tr.kf.box();
        if (!pastFrameEdge(box)) out.push({ ...publicView(tr), box });
      }
    }
    return out;
  }

  /** Feeds one frame's detections (time in seconds); returns the confirmed tracks seen in it. */
  update(dets: Detection[], t: number): Track[] {
    const o = this.o;
    for (const tr of this.tracks) {
      if (tr.misses > 0) tr.kf.holdSize();
      tr.kf.predict();
    }
    const high = dets.filter((d) => d.score >= this.high(d.cls));
    let low = dets.filter((d) => d.score >= this.low(d.cls) && d.score < this.high(d.cls));
    const predicted = this.tracks.map((tr) => tr.kf.box());
    const matched = new Set<TrackInternal>();

    const established = this.tracks.filter((tr) => tr.state !== 'tentative');
    const tentative = this.tracks.filter((tr) => tr.state === 'tentative');
    const boxOf = (tr: TrackInternal) => predicted[this.tracks.indexOf(tr)];

    // 1. high-score detections against confirmed and lost tracks
    let freeHigh = this.associate(established, high, boxOf, o.matchIou, matched, t);
    // 2. low-score detections against confirmed tracks still unmatched (lost ones need a clear sighting)
    low = this.associate(established.filter((tr) => !matched.has(tr) && tr.state === 'confirmed'), low, boxOf, o.lowMatchIou, matched, t);
    // 3. tentative tracks against the high-score leftovers
    freeHigh = this.associate(tentative, freeHigh, boxOf, o.matchIou, matched, t);
    // 4. the low-frame-rate rescue: centre distance for whatever is still unmatched
    if (o.distanceGate > 0) freeHigh = this.associateByDistance(this.tracks.filter((tr) => !matched.has(tr)), freeHigh, boxOf, matched, t);
    // 5. ... and for the low-score leftovers, to confirmed tracks seen in the last frame only: at 5 fps
    // a car coming towards the camera moves and grows so much per frame that its weak next box no
    // longer overlaps the prediction enough for pass 2, and its track was lost a metre before the
    // line (issue 14). A lost track still needs a clear sighting. Not for people: their weak boxes
    // are fragments and the box between two people walking together, and matched by distance they
    // kept extra person tracks alive (eval:crowd tuning error 2.8 → 7.1 %, bench/results/eval-crowd-2026-12-02.md).
    if (o.distanceGate > 0) this.associateByDistance(this.tracks.filter((tr) => !matched.has(tr) && tr.state === 'confirmed' && tr.cls !== 'person'), low, boxOf, matched, t);

    for (const tr of this.tracks) {
      if (matched.has(tr)) continue;
      tr.misses++;
      if (tr.state === 'confirmed') tr.state = 'lost';
    }
    // Confirmed tracks seen in this frame, against which parts of objects are recognised.
    const wholes = this.tracks.filter((tr) => tr.state === 'confirmed' && matched.has(tr));
    const partOfTracked = (b: Box, cls: DetClass, self?: TrackInternal) =>
      o.insideFraction > 0 && wholes.some((w) => w !== self && sameKind(w.cls, cls) && insideOf(b, w.box) >= o.insideFraction && boxArea(b) < boxArea(w.box) && viewShare(w.box) < WHOLE_MAX_VIEW);
    const young = new Set(tentative);
    this.tracks = this.tracks.filter((tr) => {
      if (!young.has(tr)) return tr.misses <= o.maxMissed;
      // a tentative track (or one confirmed by this very frame) lives only while seen, and not as a part of another
      return matched.has(tr) && !partOfTracked(tr.box, tr.cls, tr);
    });
    for (const d of freeHigh) {
      if (d.score < this.start(d.cls)) continue;
      if (partOfTracked(d.box, d.cls)) continue;
      const votes = new Map<DetClass, number>([[d.cls, d.score]]);
      const tr: TrackInternal = {
        id: this.nextId++, cls: d.cls, score: d.score, box: d.box.slice() as Box, state: o.minHits <= 1 ? 'confirmed' : 'tentative',
        hits: 1, misses: 0, firstSeen: t, lastSeen: t, firstBox: d.box.slice() as Box, kf: new BoxKalman(d.box, o.noise), votes,
      };
      this.tracks.push(tr);
      matched.add(tr);
    }
    return this.tracks.filter((tr) => tr.state === 'confirmed' && matched.has(tr)).map(publicView);
  }

  /** Every live track (confirmed, lost or tentative), for drawing and debugging. */
  all(): Track[] {
    return this.tracks.map(publicView);
  }

  private associate(tracks: TrackInternal[], dets: Detection[], boxOf: (tr: TrackInternal) => Box, minIou: number, matched: Set<TrackInternal>, t: number): Detection[] {
    const pairs: { ti: number; di: number; v: number }[] = [];
    for (let ti = 0; ti < tracks.length; ti++) {
      if (matched.has(tracks[ti])) continue;
      const pb = boxOf(tracks[ti]);
      for (let di = 0; di < dets.length; di++) {
        if (tracks[ti].state === 'lost' && !sameKind(tracks[ti].cls, dets[di].cls)) continue;
        const v = iou(pb, dets[di].box);
        if (v >= minIou) pairs.push({ ti, di, v });
      }
    }
    return this.assignGreedy(tracks, dets, pairs, matched, t);
  }

  private associateByDistance(tracks: TrackInternal[], dets: Detection[], boxOf: (tr: TrackInternal) => Box, matched: Set<TrackInternal>, t: number): Detection[] {
    const pairs: { ti: number; di: number; v: number }[] = [];
    for (let ti = 0; ti < tracks.length; ti++) {
      const pb = boxOf(tracks[ti]);
      const pw = pb[2] - pb[0], ph = pb[3] - pb[1];
      for (let di = 0; di < dets.length; di++) {
        if (!sameKind(tracks[ti].cls, dets[di].cls)) continue;
        const db = dets[di].box;
        const dw = db[2] - db[0], dh = db[3] - db[1];
        const ratio = (dw * dh) / Math.max(1e-9, pw * ph);
        if (ratio < 0.33 || ratio > 3) continue;
        const dist = Math.hypot((db[0] + db[2] - pb[0] - pb[2]) / 2, (db[1] + db[3] - pb[1] - pb[3]) / 2);
        const scale = Math.max(pw, ph, dw, dh);
        const gate = (tracks[ti].hits < 3 ? this.o.distanceGate : this.o.distanceGate / 2) * Math.min(1, (t - tracks[ti].lastSeen) / GATE_INTERVAL_S);
        if (dist <= gate * scale) pairs.push({ ti, di, v: -dist / scale });
      }
    }
    return this.assignGreedy(tracks, dets, pairs, matched, t);
  }

  /** Best pairs first; returns the detections left over. */
  private assignGreedy(tracks: TrackInternal[], dets: Detection[], pairs: { ti: number; di: number; v: number }[], matched: Set<TrackInternal>, t: number): Detection[] {
    pairs.sort((a, b) => b.v - a.v);
    const usedDet = new Set<number>();
    for (const { ti, di } of pairs) {
      const tr = tracks[ti];
      if (matched.has(tr) || usedDet.has(di)) continue;
      matched.add(tr);
      usedDet.add(di);
      this.hit(tr, dets[di], t);
    }
    return dets.filter((_, i) => !usedDet.has(i));
  }

  private hit(tr: TrackInternal, d: Detection, t: number): void {
    tr.kf.update(d.box);
    tr.detBox = d.box.slice() as Box;
    tr.box = tr.kf.box();
    tr.score = d.score;
    tr.hits++;
    tr.misses = 0;
    tr.lastSeen = t;
    if (tr.state === 'lost' || (tr.state === 'tentative' && tr.hits >= this.o.minHits)) tr.state = 'confirmed';
    tr.votes.set(d.cls, (tr.votes.get(d.cls) ?? 0) + d.score);
    let best = tr.cls;
    let bestV = -1;
    for (const [c, v] of tr.votes) if (v > bestV) { best = c; bestV = v; }
    tr.cls = best;
  }
}

function publicView(tr: TrackInternal): Track {
  return {
    id: tr.id, cls: tr.cls, score: tr.score, box: tr.box.slice() as Box, state: tr.state, hits: tr.hits, misses: tr.misses,
    firstSeen: tr.firstSeen, lastSeen: tr.lastSeen, firstBox: tr.firstBox.slice() as Box,
    ...(tr.detBox && tr.misses === 0 ? { detBox: tr.detBox.slice() as Box } : {}),
  };
}

/** Classes a detector confuses for one another on the same object (a van: car or truck?). */
const ROAD_VEHICLE = new Set<DetClass>(['car', 'truck', 'bus']);

export function sameKind(a: DetClass, b: DetClass): boolean {
  return a === b || (ROAD_VEHICLE.has(a) && ROAD_VEHICLE.has(b));
}

/**
 * A tracked box covering this share of the view or more is no whole whose parts are suppressed: a
 * track that size has grown over several vehicles (a lorry's track fed by boxes of the lorry and
 * of the cars beside it, its size still growing in the Kalman filter, reached the whole frame on
 * highway_cctv_osd at 18–20 s), and everything inside it taken for its part lost those cars.
 */
const WHOLE_MAX_VIEW = 0.5;

function viewShare(b: Box): number {
  return insideOf(b, [0, 0, 1, 1]) * boxArea(b);
}

/** A predicted box with less than this fraction of its area inside the frame has left the view. */
const IN_VIEW = 0.75;

function pastFrameEdge(b: Box): boolean {
  return insideOf(b, [0, 0, 1, 1]) < IN_VIEW;
}

/** The fraction of a's area that lies inside b. */
function insideOf(a: Box, b: Box): number {
  const ix = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const iy = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (ix <= 0 || iy <= 0) return 0;
  return (ix * iy) / Math.max(1e-12, boxArea(a));
}

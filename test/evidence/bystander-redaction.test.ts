// Issue 14: a violation's evidence package keeps the violator's plate and hides everyone else's —
// the pixel test. A real street (residential_tjunction, 720p), the real detector, real ffmpeg: one
// vehicle is taken as the violator and followed as a violation's measured boxes would give it
// (only the middle of the clip is "measured"; before and after it is followed by the detector);
// the clip goes through the export redaction with the evidence's selection. Every plate window
// pixelated lies outside the violator's box and is flat blocks; the violator's own plate window
// keeps its detail. Plus the box path on its own (interpolated, extrapolated, bounded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { redactVideo, regionsOf, type FoundObject, type Region } from '../../src/privacy/index.ts';
import { SHARED_VIDEO_DIR } from '../../src/simulator/index.ts';
import { boxAt, spareViolator, type TimedBox } from '../../src/evidence/index.ts';
import { decodeLuma, detail, worstBlockDeviation } from '../helpers/redaction-pixels.ts';
import { redactionRig } from '../helpers/redaction-rig.ts';

type Box = [number, number, number, number];
const STREET = path.join(SHARED_VIDEO_DIR, 'residential_tjunction.mp4');
const W = 1280, H = 720, SECONDS = 6;
const { skip, tmp, find } = redactionRig('vigil-evidence-redact-', STREET);

const VEHICLES = new Set(['car', 'truck', 'bus', 'motorcycle']);
const iou = (a: readonly number[], b: readonly number[]) => {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])), h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  return (w * h) / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h);
};
const px = (b: readonly number[]) => ({ x: Math.round(b[0] * W), y: Math.round(b[1] * H), w: Math.round((b[2] - b[0]) * W), h: Math.round((b[3] - b[1]) * H) });

test('evidence: other vehicles\' plate windows are pixelated in the clip, the violator\'s plate is left as the camera saw it', { skip }, async () => {
  const clip = path.join(tmp, 'in.mp4'), out = path.join(tmp, 'out.mp4');
  const enc = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', STREET, '-t', String(SECONDS), '-vf', `scale=${W}:${H}`, '-r', '25', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-an', clip]);
  assert.equal(enc.status, 0, String(enc.stderr));
  const frames = decodeLuma(clip, W, H);

  // First pass: what the detector sees at each look (5 a second, as the redactor looks), and one
  // vehicle followed through it by overlap: the violator — the vehicle seen longest.
  const looks: { seconds: number; found: FoundObject[] }[] = [];
  await redactVideo({ input: clip, output: path.join(tmp, 'probe.mp4'), polygons: [], find, select: (seconds, found) => { looks.push({ seconds, found: [...found] }); return { hide: [] }; } });
  const tracks: TimedBox[][] = [];
  for (const l of looks) {
    for (const f of l.found.filter((x) => VEHICLES.has(x.cls))) {
      const t = tracks.find((tr) => tr[tr.length - 1].wallMs < l.seconds * 1000 && iou(tr[tr.length - 1].box, f.box) > 0.3);
      if (t) t.push({ wallMs: l.seconds * 1000, box: f.box as Box });
      else tracks.push([{ wallMs: l.seconds * 1000, box: f.box as Box }]);
    }
  }
  // A row of parked cars gives overlapping boxes nobody could tell apart by position: the violator
  // is the longest-seen vehicle no other vehicle's box overlaps by half.
  const lookAt = (ms: number) => looks.find((l) => Math.abs(l.seconds * 1000 - ms) < 1)!;
  const apart = (tr: TimedBox[]) => tr.every((p) => lookAt(p.wallMs).found.every((f) => !VEHICLES.has(f.cls) || f.box === (p.box as unknown) || iou(f.box, p.box) < 0.5));
  const violator = tracks.filter(apart).sort((a, b) => b.length - a.length)[0];
  assert.ok(violator && violator.length >= 10, `a vehicle told apart from its neighbours, followed through the clip (${violator?.length} looks)`);
  assert.ok(looks.some((l) => l.found.filter((f) => VEHICLES.has(f.cls)).length >= 2), 'other vehicles are in view too');
  // the violation "measured" only the middle third of what the detector saw of it
  const third = Math.floor(violator.length / 3);
  const measured = violator.slice(third, 2 * third);

  // Second pass: the evidence's redaction. Record, per look, which box was spared.
  const spared = new Map<number, Box>();
  const select = spareViolator(measured, 0);
  const perFrame: Region[][] = [];
  const fps = 25;
  await redactVideo({
    input: clip, output: out, polygons: [], find,
    select: (seconds, found) => {
      const chosen = select(seconds, found);
      if (chosen.keep.length) spared.set(Math.round(seconds * fps), chosen.keep[0]);
      return chosen;
    },
    onFrame: (i, regions) => { perFrame[i] = [...regions]; },
  });
  const redacted = decodeLuma(out, W, H);
  assert.equal(redacted.length, frames.length, 'every frame is in the redacted clip');

  // From its first measured position on, the violator is spared at (nearly) every look it is seen
  // at; before it (up to 2 s of clip in a package, here a third of its track) only where the
  // extrapolated box still finds it. Whatever is spared is the violator, never another vehicle.
  const frameOf = (ms: number) => Math.round((ms / 1000) * fps);
  const boxAtLook = new Map(violator.map((b) => [frameOf(b.wallMs), b.box]));
  const seenAt = violator.map((b) => frameOf(b.wallMs));
  const isViolator = (i: number) => spared.has(i) && iou(spared.get(i)!, boxAtLook.get(i)!) > 0.5;
  const fromSpan = seenAt.filter((i) => i >= frameOf(measured[0].wallMs));
  const before = seenAt.filter((i) => i < frameOf(measured[0].wallMs));
  assert.ok(fromSpan.filter(isViolator).length >= 0.9 * fromSpan.length, `the violator spared at ${fromSpan.filter(isViolator).length} of the ${fromSpan.length} looks from its first measured position on (before it: ${before.filter(isViolator).length} of ${before.length})`);
  for (const [i, box] of spared) if (boxAtLook.has(i)) assert.ok(iou(box, boxAtLook.get(i)!) > 0.3, `look at frame ${i}: the vehicle spared is not the violator`);

  let others = 0, checked = 0, otherBefore = 0, otherAfter = 0, ownBefore = 0, ownAfter = 0, own = 0;
  for (const i of seenAt) {
    const box = spared.get(i);
    const plates = (perFrame[i] ?? []).filter((r) => r.kind === 'plate');
    if (box) {
      const b = px(box);
      // no pixelated plate window inside the violator's box
      for (const r of plates) {
        const cx = r.x + r.w / 2, cy = r.y + r.h / 2;
        assert.ok(!(cx > b.x && cx < b.x + b.w && cy > b.y && cy < b.y + b.h), `frame ${i}: a plate window ${JSON.stringify(r)} inside the violator's box ${JSON.stringify(b)}`);
      }
      // the violator's own plate window (as the redactor would have found it) keeps its detail
      for (const r of regionsOf([{ cls: 'car', box }], frames[i], W, W, H).filter((x) => x.kind === 'plate')) {
        own++;
        ownBefore += detail(frames[i], W, H, r);
        ownAfter += detail(redacted[i], W, H, r);
      }
    }
    for (const r of plates) {
      others++;
      if (r.block < 8 || r.w < 2 * r.block || r.h < 2 * r.block) continue;
      checked++;
      const dev = worstBlockDeviation(redacted[i], W, H, r, perFrame[i]);
      assert.ok(dev <= (r.block < 10 ? 8 : 6), `frame ${i}: another vehicle's plate block still varies by ${dev.toFixed(1)} grey levels in ${JSON.stringify(r)}`);
      otherBefore += detail(frames[i], W, H, r);
      otherAfter += detail(redacted[i], W, H, r);
    }
  }
  assert.ok(others >= 5 && checked >= 3, `other vehicles' plate windows pixelated: ${others} (${checked} large enough to check)`);
  assert.ok(otherAfter < otherBefore * 0.5, `other plates lost their detail: ${otherAfter.toFixed(0)} after vs ${otherBefore.toFixed(0)} before`);
  assert.ok(own >= 5, `the violator's plate window found at ${own} looks`);
  assert.ok(ownAfter > ownBefore * 0.7, `the violator's plate keeps its detail: ${ownAfter.toFixed(0)} after vs ${ownBefore.toFixed(0)} before`);
});

test('the violator\'s box path: linear between measurements, extrapolated at most 2 s beyond them', () => {
  const path: TimedBox[] = [0, 1, 2, 3, 4].map((k) => ({ wallMs: 1000 + k * 100, box: [0.1 + k * 0.01, 0.5, 0.2 + k * 0.01, 0.6] as Box }));
  const x0 = (ms: number) => boxAt(path, ms)![0];
  assert.ok(Math.abs(x0(1150) - 0.115) < 1e-9);
  assert.ok(Math.abs(x0(900) - 0.09) < 1e-9, 'before: along the motion');
  assert.ok(Math.abs(x0(1600) - 0.16) < 1e-9, 'after: along the motion');
  assert.equal(x0(10_000), x0(1400 + 2000), 'no further than 2 s');
  assert.equal(boxAt([], 0), null);
  // the selection spares the matching vehicle and a person riding in it, hides the rest
  const select = spareViolator(path, 1000);
  const found: FoundObject[] = [
    { cls: 'car', box: [0.6, 0.5, 0.7, 0.6] }, { cls: 'car', box: [0.121, 0.5, 0.221, 0.6] },
    { cls: 'person', box: [0.15, 0.45, 0.18, 0.58] }, { cls: 'person', box: [0.8, 0.3, 0.85, 0.5] },
  ];
  assert.deepEqual(select(0.2, found), { hide: [found[0], found[3]], keep: [found[1].box] });
  // nothing overlapping it enough: everything is hidden, nothing kept
  assert.deepEqual(spareViolator(path, 1000)(0.2, [found[0], found[3]]), { hide: [found[0], found[3]], keep: [] });
});

test('attacker: a box the detector draws over the whole view is never taken for the violator (kept, it would spare every plate inside it)', () => {
  // the violator: a lorry near the camera, measured for half a second
  const path: TimedBox[] = [0, 1, 2, 3, 4, 5].map((k) => ({ wallMs: 1000 + k * 100, box: [0.1 + k * 0.005, 0.3, 0.8 + k * 0.005, 1] as Box }));
  const whole: FoundObject = { cls: 'bus', box: [0.01, 0.0, 1, 1] };
  const others: FoundObject[] = [{ cls: 'car', box: [0.05, 0.1, 0.12, 0.18] }, { cls: 'car', box: [0.85, 0.2, 0.95, 0.3] }];
  // at a look where the lorry itself was missed, the whole-view box overlaps its expected box by 0.7
  const chosen = spareViolator(path, 1000)(0.25, [whole, ...others]);
  assert.deepEqual(chosen.keep, [], 'nothing spared');
  assert.ok(others.every((o) => chosen.hide.includes(o)), 'the other cars\' plates are hidden');
  // with the lorry found, it is spared and the others hidden
  const lorry: FoundObject = { cls: 'truck', box: [0.115, 0.31, 0.815, 1] };
  const found = spareViolator(path, 1000)(0.35, [whole, lorry, ...others]);
  assert.deepEqual(found.keep, [lorry.box]);
  assert.ok(others.every((o) => found.hide.includes(o)));
});

// The plate reader on plates the project renders (real plate-like fonts from Debian, onto a real
// road frame): read when legible, "unread" — never a guess — when there is no plate or it is
// smeared past reading; and the pure pieces it is built from.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlateReader, textRegions, mergeLines, ctcDecode, allowedClasses, sampleStrip } from '../../src/plates/index.ts';
import { SHARED_VIDEO_DIR } from '../../src/simulator/index.ts';
import { PLATE_FONTS, renderPlate, roadFrame, type PlateSpec } from '../../bench/lib/plate-scene.ts';

let dir = '';
let reader: PlateReader;
let framePath = '';
let frame = { width: 0, height: 0 };
before(async () => {
  for (const f of PLATE_FONTS) assert.ok(existsSync(f), `${f} missing: apt-get install fonts-urw-base35 fonts-liberation fonts-dejavu-extra (scripts/with-runtime.sh does)`);
  const clip = join(SHARED_VIDEO_DIR, 'residential_tjunction.mp4');
  assert.ok(existsSync(clip), `${clip} missing (the shared footage; VIGIL_SHARED_VIDEO names its folder)`);
  dir = mkdtempSync(join(tmpdir(), 'vigil-plate-'));
  framePath = join(dir, 'road.png');
  frame = await roadFrame(clip, 3, framePath);
  reader = await PlateReader.load();
});
after(async () => {
  await reader?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function spec(over: Partial<PlateSpec>): PlateSpec {
  const widthPx = over.widthPx ?? 160, x = 700, y = 560;
  const vw = widthPx / 0.27, vh = vw * 0.85;
  const bx = x + widthPx / 2 - vw / 2, by = y + (widthPx * 110) / 520 / 2 - vh * 0.75;
  return { text: 'KB 417 TX', font: PLATE_FONTS[0], widthPx, angleDeg: 4, blurSigma: 0.4, jpegQuality: 60, x, y, box: [bx / frame.width, by / frame.height, (bx + vw) / frame.width, (by + vh) / frame.height], ...over };
}

test('a legible plate in each font is read, spaces dropped, with its confidence and crop', async () => {
  for (const [i, font] of PLATE_FONTS.entries()) {
    const s = spec({ font, text: ['KB 417 TX', 'HRT 2096', '73 MWP 41'][i], angleDeg: [-6, 0, 7][i] });
    const p = await renderPlate(s, framePath, frame, dir, `ok${i}`);
    const r = await reader.readBest([{ picture: p, box: s.box }]);
    assert.equal(r.status, 'read', JSON.stringify({ ...r, crop: undefined }));
    if (r.status !== 'read') continue;
    assert.equal(r.text, s.text.replace(/ /g, ''));
    assert.ok(r.confidence >= 0.85 && r.minCharConfidence >= 0.5);
    assert.ok(r.crop.height === 48 && r.crop.width > 100, `crop ${r.crop.width}×${r.crop.height}`);
    // the crop's corners lie around where the plate was pasted
    const cx = r.corners.reduce((a, c) => a + c[0], 0) / 4 * frame.width;
    assert.ok(Math.abs(cx - (s.x + s.widthPx / 2)) < s.widthPx / 4, `plate centre ${cx}`);
  }
});

test('no plate in the box, or a plate smeared past reading: unread with the reason, no text', async () => {
  // the same road, the box where there is no plate
  const empty = await renderPlate({ ...spec({}), widthPx: 8, x: 0, y: 0 }, framePath, frame, dir, 'none');
  const r1 = await reader.read(empty, [0.05, 0.5, 0.3, 0.95]);
  assert.equal(r1.status, 'unread');
  assert.equal((r1 as { text?: string }).text, undefined);
  const smeared = spec({ blurSigma: 9, widthPx: 90, jpegQuality: 20 });
  const p = await renderPlate(smeared, framePath, frame, dir, 'smeared');
  const r2 = await reader.read(p, smeared.box);
  assert.equal(r2.status, 'unread', JSON.stringify({ ...r2, crop: undefined }));
  assert.match((r2 as { reason: string }).reason, /no plate-shaped text|not read with confidence/);
  // several frames: the first confident reading wins
  const good = spec({});
  const gp = await renderPlate(good, framePath, frame, dir, 'good');
  const best = await reader.readBest([{ picture: p, box: smeared.box }, { picture: gp, box: good.box }]);
  assert.equal(best.status, 'read');
});

test('pure pieces: text components become rotated boxes; split groups merge into one line; CTC keeps only plate characters', () => {
  // a 60×10 bar tilted by 10° in a 100×50 map
  const w = 100, h = 50, prob = new Float32Array(w * h);
  const a = (10 * Math.PI) / 180;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const dx = x - 50, dy = y - 25, u = dx * Math.cos(a) + dy * Math.sin(a), v = -dx * Math.sin(a) + dy * Math.cos(a);
    if (Math.abs(u) < 30 && Math.abs(v) < 5) prob[y * w + x] = 0.9;
  }
  const [r] = textRegions(prob, w, h, { unclip: 0 });
  assert.ok(Math.abs(Math.atan2(r.uy, r.ux) - a) < 0.03, `angle ${Math.atan2(r.uy, r.ux)}`);
  assert.ok(Math.abs(r.length - 60) < 3 && Math.abs(r.height - 10) < 3, `${r.length} × ${r.height}`);
  assert.ok(Math.abs(r.cx - 50) < 1 && Math.abs(r.cy - 25) < 1);
  const piece = (cx: number) => ({ cx, cy: 20, ux: 1, uy: 0, length: 30, height: 12, score: 0.8 });
  const merged = mergeLines([piece(20), piece(62), { ...piece(40), cy: 60 }]);
  assert.equal(merged.length, 2, 'two groups on one line merge; a line below stays apart');
  assert.ok(Math.abs(merged[0].length - 72) < 1e-6 && Math.abs(merged[0].cx - 41) < 1e-6);
  // dictionary: 'A' class 1, '中' class 2, '7' class 3; blank 0
  const allowed = allowedClasses(['A', '中', '7'], 'A7');
  assert.deepEqual([...allowed], [[1, 'A'], [3, '7']]);
  const steps = [[0.1, 0.8, 0.05, 0.05], [0.1, 0.7, 0.1, 0.1], [0.9, 0.05, 0.02, 0.03], [0.05, 0.05, 0.8, 0.1], [0.6, 0.05, 0.05, 0.3]];
  const out = ctcDecode(Float32Array.from(steps.flat()), steps.length, 4, allowed);
  // step 4's 中 is not a plate character: the best allowed one (7) is kept with its own low
  // probability, which the reader's bar then refuses; the repeated A and the blanks collapse
  assert.equal(out.text, 'A7');
  assert.deepEqual(out.probs.map((p) => Math.round(p * 100) / 100), [0.8, 0.1]);
  // sampling an upright strip of a uniform picture keeps its colour
  const rgb = new Uint8Array(20 * 10 * 3).fill(77);
  const s = sampleStrip(rgb, 20, 10, { cx: 10, cy: 5, ux: 1, uy: 0, length: 16, height: 4, score: 1 }, 8);
  assert.equal(s.width, 32);
  assert.ok(s.rgb.every((v) => v === 77));
});

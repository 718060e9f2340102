// Makes the committed int8 calibration table (src/analytics/detector/int8-calibration.json): the
// activation ranges of the float NanoDet graph over real frames (6 per clip, one every 2 s, 320 px)
// of vtest.avi (Debian's opencv-doc) and the project's shared clips. Every machine builds its int8
// model from that table, so a fresh install, CI and a developer's checkout run the same model
// whatever footage they have (decision 072). Run it again only when the graph or the set changes.
//   node scripts/calibrate-int8.ts [--check] [--out FILE]
// --check recomputes the table and exits 1 if it differs from the committed one.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { calibrate, calibrationFrames, calibrationSet, CALIBRATION_TABLE, convertNanodet, readCalibrationTable, recordSet, type CalibrationTable } from '../src/analytics/detector/model-build.ts';
import { sharedVideoFiles, SHARED_VIDEO_DIR, VTEST_AVI } from '../src/simulator/index.ts';

const args = process.argv.slice(2);
const check = args.includes('--check');
const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : CALIBRATION_TABLE;

// A partial set would quietly make another model under the table's name: refuse instead.
if (!sharedVideoFiles().length) throw new Error(`no shared clips in ${SHARED_VIDEO_DIR}: put the project's shared/data/video beside the checkout or set VIGIL_SHARED_VIDEO`);
const set = calibrationSet(6, 320);
if (!set.clips.includes(VTEST_AVI)) throw new Error(`${VTEST_AVI} missing: apt-get install opencv-doc`);

const t0 = performance.now();
const ranges = await calibrate(convertNanodet(), await calibrationFrames(set), set.size);
const recorded = recordSet(set);
for (const c of recorded.clips) c.sha256 = createHash('sha256').update(readFileSync(set.clips[recorded.clips.indexOf(c)])).digest('hex');
const table: CalibrationTable = {
  about: 'int8 activation ranges of the NanoDet graph (model-build.ts), from real frames of the clips in set (6 per clip, one every 2 s from 0 s, 320x320): made by scripts/calibrate-int8.ts (npm run models:calibrate), decision 072. Every machine builds its int8 model from this table.',
  set: recorded,
  ranges: Object.fromEntries([...ranges].map(([n, r]) => [n, [r.min, r.max]])),
};
console.log(`${ranges.size} tensors over ${set.clips.length} clips in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
if (check) {
  const committed = readCalibrationTable();
  const same = isDeepStrictEqual(committed.ranges, table.ranges) && isDeepStrictEqual(committed.set, table.set);
  console.log(same ? 'the committed table matches' : 'the committed table DIFFERS from this calibration');
  process.exit(same ? 0 : 1);
}
writeFileSync(out, `${JSON.stringify(table, null, 1)}\n`);
console.log(`wrote ${out}`);

// The live node and `vigil analyze` count the same: a camera's stored analytics settings (zones,
// crowd rule, detector input size, tiles, per-class thresholds) build the live pipeline through
// pipelineOptions, with the node's one shared detector pool; `vigil analyze` (a real child process)
// takes the same settings as options. On the same frames of real pedestrian footage the zone's
// per-frame occupancy and the crowd alarms must be identical.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CameraPipeline, NANODET_TRACKER, createSharedDetector, decodeFrames, pipelineOptions, parseAnalyticsSettings, zoneOccupancy } from '../../../src/analytics/index.ts';
import { VTEST_AVI_PATH } from './sim.ts';

const MAIN = join(import.meta.dirname, '../../../src/cli/main.ts');
const modelDir = process.env.VIGIL_MODEL_DIR ?? mkdtempSync(join(tmpdir(), 'vigil-models-'));
if (!process.env.VIGIL_MODEL_DIR) {
  process.env.VIGIL_MODEL_DIR = modelDir;
  after(() => rmSync(modelDir, { recursive: true, force: true }));
}

const WHOLE: [number, number][] = [[0, 0], [1, 0], [1, 1], [0, 1]];
const FRAMES = 40;

test('live pipeline and vigil analyze give the same per-frame counts and crowd alarms on the same clip, at a non-default input size', async () => {
  assert.ok(existsSync(VTEST_AVI_PATH), `${VTEST_AVI_PATH} missing: apt-get install opencv-doc`);
  const settings = parseAnalyticsSettings({
    enabled: true,
    zones: [{ name: 'ALL', polygon: WHOLE }],
    crowd: [{ name: 'ALL', polygon: WHOLE, threshold: 6, holdSeconds: 0.4 }],
    detection: { inputSize: 384, tiles: { rows: 1 }, classes: { person: { low: 0.2, high: 0.4, start: 0.45 } } },
    tamper: false,
  });

  // offline, as a user would run it
  const r = spawnSync(process.execPath, [MAIN, 'analyze', VTEST_AVI_PATH, '--zone', 'ALL:0,0;1,0;1,1;0,1', '--crowd', 'ALL:6', '--input', '384', '--tiles', '1',
    '--score', 'person:0.2,0.4,0.45', '--detector', 'neural', '--no-tamper', '--max-frames', String(FRAMES), '--json'], { encoding: 'utf8', timeout: 240_000, env: process.env });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.detection.inputSize, 384);

  // live: the analyser's pipeline options and the node's shared detector, fed the same frames
  const detector = await createSharedDetector();
  const live: Record<string, number>[] = [];
  const liveCrowd: { t: number; persons: unknown }[] = [];
  try {
    const size = { width: doc.width, height: doc.height };
    const opts = pipelineOptions(settings, size.width, size.height, 0, NANODET_TRACKER);
    // crowd holdSeconds differs between the CLI (default 1 s) and these settings unless set alike
    opts.crowd = opts.crowd?.map((c) => ({ ...c, holdSeconds: 1 }));
    const pipeline = new CameraPipeline(detector, opts);
    assert.equal(pipeline.detection.inputSize, 384);
    for await (const f of decodeFrames({ input: VTEST_AVI_PATH, fps: 5, maxFrames: FRAMES }, size)) {
      const a = await pipeline.process(f);
      live.push({ ...zoneOccupancy(a.present, WHOLE) });
      for (const e of a.events) if (e.kind === 'crowd') liveCrowd.push({ t: Math.round(e.t * 1000) / 1000, persons: e.detail?.persons });
    }
  } finally {
    await detector.close();
  }
  const offline = (doc.occupancy.ALL as ({ t: number } & Record<string, number>)[]).map(({ t: _t, ...counts }) => counts);
  assert.equal(offline.length, FRAMES);
  assert.deepEqual(live, offline);
  assert.ok(offline.some((c) => (c.person ?? 0) >= 5), `people were counted: ${JSON.stringify(offline.map((c) => c.person ?? 0))}`);
  const offCrowd = doc.events.filter((e: { kind: string }) => e.kind === 'crowd').map((e: { t: number; detail: { persons: number } }) => ({ t: e.t, persons: e.detail.persons }));
  assert.deepEqual(liveCrowd, offCrowd);
});

// The set-up the redaction pixel tests share: ffmpeg present, a scratch folder, and the real
// detector looking at whole frames, opened before and closed after the file's tests. A clip that
// is shared footage (not the project's) makes the tests skip, saying what is missing.
import { before, after } from 'node:test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSharedDetector, type Detector } from '../../src/analytics/index.ts';
import type { FoundObject } from '../../src/privacy/index.ts';

export interface RedactionRig {
  /** false, or why the file's tests are skipped (the shared clip is missing) */
  skip: string | false;
  /** scratch folder, removed after the file's tests */
  tmp: string;
  /** the detector's objects in a whole frame, as the redactor asks for them */
  find(rgb: Uint8Array, width: number, height: number): Promise<FoundObject[]>;
}

export function redactionRig(prefix: string, sharedClip?: string): RedactionRig {
  const skip = sharedClip && !existsSync(sharedClip) ? `${sharedClip} missing (shared footage; VIGIL_SHARED_VIDEO names its folder)` : false;
  const tmp = mkdtempSync(path.join(tmpdir(), prefix));
  let detector: Detector | undefined;
  before(async () => {
    if (spawnSync('ffmpeg', ['-version']).status !== 0) throw new Error('ffmpeg missing: apt-get install ffmpeg');
    if (!skip) detector = await createSharedDetector();
  });
  after(async () => {
    await detector?.close();
    rmSync(tmp, { recursive: true, force: true });
  });
  return {
    skip, tmp,
    find: async (rgb, width, height) => (await detector!.detect([{ rgb, width, height, region: [0, 0, 1, 1] }]))[0] as FoundObject[],
  };
}

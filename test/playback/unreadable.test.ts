// A recording whose file is not on this server's disk is named by its relative path and the
// error code, never by the server's absolute path (review notes: several processes on one PostgreSQL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readSegment } from '../../src/playback/index.ts';

test('a missing recording is reported without the absolute path', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'vigil-secret-root-'));
  try {
    await assert.rejects(readSegment(root, { cameraId: 'c1', startMs: 1, endMs: 2, path: 'c1/2026-12-02/1.mp4', bytes: 5 }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'NOT_FOUND');
      assert.match(err.message, /recording c1\/2026-12-02\/1\.mp4 is not readable \(ENOENT\)/);
      assert.ok(!err.message.includes(root), err.message);
      return true;
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

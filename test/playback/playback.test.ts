// Playback against real recordings (simulator -> recorder -> segment files): the timeline shows
// the gap, the continuous fMP4 stream crosses three+ segments skipping the gap and decodes in
// ffmpeg, a seek starts within 1 s of the asked second, HLS plays in ffmpeg with the session
// cookie, a viewer is refused, and every request leaves an audit entry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFmp4 } from '../../src/media/fmp4-reader.ts';
import { parseTimelinePoints, wallTimeAt, mediaTimeAt } from '../../src/playback/index.ts';
import { startRecordedVigil, type RecordedVigil } from './recorded-vigil.ts';

let r: RecordedVigil;
let tmp: string;
before(async () => {
  if (spawnSync('ffprobe', ['-version']).status !== 0) throw new Error('ffprobe missing: apt-get install ffmpeg');
  tmp = mkdtempSync(path.join(tmpdir(), 'vigil-playback-'));
  r = await startRecordedVigil();
});
after(async () => {
  await r?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** Async, unlike spawnSync: the Vigil under test runs in this process and must keep answering. */
function runAsync(cmd: string, args: string[], timeoutMs: number): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

function ffmpegErrors(args: string[]): string {
  const res = spawnSync('ffmpeg', ['-v', 'error', ...args, '-f', 'null', '-'], { encoding: 'utf8' });
  return res.status === 0 ? res.stderr.trim() : `exit ${res.status}: ${res.stderr}`;
}

function countFrames(file: string): number {
  const out = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=nb_read_frames', '-of', 'json', file], { encoding: 'utf8' }));
  return Number(out.streams[0].nb_read_frames);
}

test('the timeline shows recorded spans and the gap where the camera was off', async () => {
  const first = r.segments[0].startMs;
  const last = r.segments[r.segments.length - 1].endMs;
  const res = await r.v.http(`/api/cameras/cam1/timeline?from=${first - 5000}&to=${last}`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as any;
  assert.ok(body.spans.length >= 2, `spans ${JSON.stringify(body.spans)}`);
  const inner = body.gaps.filter((g: { startMs: number; endMs: number }) => g.startMs > first && g.endMs < last);
  assert.equal(inner.length, 1, `one gap inside the recording: ${JSON.stringify(body.gaps)}`);
  // The gap is where the camera was switched off, to within the time a reconnect takes.
  assert.ok(Math.abs(inner[0].startMs - r.offAt) < 1500, `gap starts ${inner[0].startMs - r.offAt} ms from switch-off`);
  assert.ok(inner[0].endMs - r.onAt >= 0 && inner[0].endMs - r.onAt < 5000, `gap ends ${inner[0].endMs - r.onAt} ms after switch-on`);
  assert.equal(body.gaps[0].startMs, first - 5000, 'the time before the first recording is a gap');
  // Why: the recorder indexed the hole as the operator's switch-off; the stretch before any recording has no reason.
  assert.equal(inner[0].reason, 'DISABLED');
  assert.equal(body.gaps[0].reason, null);
});

test('one continuous fMP4 stream across all segments, the gap skipped, decodes cleanly', async () => {
  const segs = r.segments;
  assert.ok(segs.length >= 3);
  const from = segs[0].startMs;
  const to = segs[segs.length - 1].endMs;
  const res = await r.v.http(`/api/cameras/cam1/playback?from=${from}&to=${to}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('x-vigil-mime')!, /^video\/mp4; codecs="avc1\.[0-9a-f]{6}"$/);
  const bytes = Buffer.from(await res.arrayBuffer());
  const mp4 = readFmp4(bytes);
  assert.equal(mp4.trailingBytes, 0);
  // exactly one init (same camera config throughout): no second moov in the stream
  assert.equal(bytes.indexOf('moov', mp4.init.length, 'latin1'), -1);
  assert.ok(mp4.fragments[0].keyframe);
  assert.equal(mp4.fragments[0].dts, 0);
  for (let i = 1; i < mp4.fragments.length; i++) {
    const prev = mp4.fragments[i - 1];
    const gap = mp4.fragments[i].dts - (prev.dts + prev.duration);
    assert.ok(gap >= 0 && gap <= 900, `decode time runs on at fragment ${i} (jump ${gap} ticks)`);
  }
  const mediaMs = (mp4.fragments.at(-1)!.dts + mp4.fragments.at(-1)!.duration) / 90;
  const recordedMs = segs.reduce((n, s) => n + (s.endMs - s.startMs), 0);
  assert.ok(Math.abs(mediaMs - recordedMs) < 600, `media ${mediaMs} ms vs recorded ${recordedMs} ms: the gap is skipped`);
  assert.ok(mediaMs < to - from - 2000, 'shorter than the wall-clock range by the gap');

  // The timeline header maps media time back to the wall clock, across the gap.
  const points = parseTimelinePoints(res.headers.get('x-vigil-timeline')!);
  assert.equal(points.length, segs.length);
  const afterGap = segs.find((s) => s.startMs >= r.onAt)!;
  assert.ok(Math.abs(wallTimeAt(points, mediaTimeAt(points, afterGap.startMs + 500)) - (afterGap.startMs + 500)) < 2);
  assert.match(res.headers.get('x-vigil-gaps')!, /^\d+-\d+$/);

  const file = path.join(tmp, 'stream.mp4');
  writeFileSync(file, bytes);
  assert.equal(ffmpegErrors(['-i', file]), '', 'ffmpeg decodes the stream without errors');
  const frames = countFrames(file);
  assert.ok(Math.abs(frames - (mediaMs / 1000) * 25) <= 3, `frames ${frames} for ${mediaMs} ms at 25 fps`);
});

test('a seek starts at the keyframe within 1 s before the asked second, also after the gap', async () => {
  const segs = r.segments;
  const afterGap = segs.find((s) => s.startMs >= r.onAt)!;
  const lastBefore = segs.filter((s) => s.startMs < afterGap.startMs).at(-1)!;
  const inGap = Math.round((lastBefore.endMs + afterGap.startMs) / 2);
  const asks = [segs[0].startMs + 1500, segs[1].startMs + 300, afterGap.startMs + 1200, inGap];
  for (const ask of asks) {
    const to = ask === inGap ? afterGap.startMs + 3000 : ask + 3000;
    const res = await r.v.http(`/api/cameras/cam1/playback?from=${ask}&to=${to}`);
    assert.equal(res.status, 200, `ask ${ask}`);
    const start = Number(res.headers.get('x-vigil-start-ms'));
    if (ask === inGap) assert.equal(start, afterGap.startMs, 'a time in the gap plays from the next recording');
    else assert.ok(start <= ask && ask - start <= 1000, `asked ${ask}, first frame at ${start} (${ask - start} ms before)`);
    const bytes = Buffer.from(await res.arrayBuffer());
    const mp4 = readFmp4(bytes);
    assert.ok(mp4.fragments[0].keyframe);
    const endWall = start + (mp4.fragments.at(-1)!.dts + mp4.fragments.at(-1)!.duration) / 90;
    assert.ok(endWall <= to + 100, 'the stream stops at the end of the range');
  }
});

test('HLS playlist (v7, fMP4, discontinuity at the gap) plays in ffmpeg with the session cookie', async () => {
  const segs = r.segments;
  const from = segs[0].startMs;
  const to = segs[segs.length - 1].endMs;
  const res = await r.v.http(`/api/cameras/cam1/hls.m3u8?from=${from}&to=${to}`);
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.match(text, /^#EXTM3U\n#EXT-X-VERSION:7\n/);
  assert.match(text, /#EXT-X-MAP:URI="hls\/\d+\/init\.mp4"/);
  assert.equal((text.match(/#EXT-X-DISCONTINUITY/g) ?? []).length, 1, text);
  assert.equal((text.match(/#EXT-X-PROGRAM-DATE-TIME:/g) ?? []).length, segs.length);
  assert.match(text, /#EXT-X-ENDLIST\n$/);

  const url = `${r.v.url}/api/cameras/cam1/hls.m3u8?from=${from}&to=${to}`;
  const headers = `Cookie: ${r.v.cookie}\r\n`;
  const out = path.join(tmp, 'hls.mp4');
  const run = await runAsync('ffmpeg', ['-v', 'error', '-headers', headers, '-i', url, '-c', 'copy', '-y', out], 30_000);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr.trim(), '', 'no errors reading the playlist and its segments');
  const frames = countFrames(out);
  const recordedMs = segs.reduce((n, s) => n + (s.endMs - s.startMs), 0);
  assert.ok(Math.abs(frames - (recordedMs / 1000) * 25) <= 5, `HLS gave ${frames} frames for ${recordedMs} ms recorded`);

  // Without the cookie: refused.
  const anon = await fetch(url);
  assert.equal(anon.status, 401);
  const seg = await fetch(`${r.v.url}/api/cameras/cam1/hls/${segs[0].startMs}.m4s`);
  assert.equal(seg.status, 401);
});

test('a viewer may not play or list recordings; every playback request is audited', async () => {
  const { AuthService } = await import('../../src/access/index.ts');
  const { validateConfig } = await import('../../src/core/index.ts');
  await new AuthService(r.v.store, validateConfig({}).auth).createUser('vera', 'viewer-password-1', 'viewer', 'test');
  const login = await fetch(`${r.v.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'vera', password: 'viewer-password-1' }) });
  assert.equal(login.status, 200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const from = r.segments[0].startMs;
  const to = r.segments.at(-1)!.endMs;
  for (const p of [`playback?from=${from}&to=${to}`, `hls.m3u8?from=${from}&to=${to}`, `timeline?from=${from}&to=${to}`, `hls/${from}.m4s`]) {
    const res = await fetch(`${r.v.url}/api/cameras/cam1/${p}`, { headers: { cookie } });
    assert.equal(res.status, 403, p);
  }
  const audit = await r.v.store.listAudit(0, 10_000);
  const plays = audit.filter((e) => e.action === 'recording.play' && e.cameraId === 'cam1');
  const vias = new Set(plays.map((e) => e.details.via));
  for (const via of ['stream', 'hls', 'hls-init', 'hls-segment']) assert.ok(vias.has(via), `audited: ${via}`);
  assert.ok(plays.every((e) => typeof e.details.from === 'number' && typeof e.details.to === 'number'), 'with the interval');
  assert.ok(audit.some((e) => e.action === 'recording.list' && e.details.via === 'timeline'));
  const veraId = (await r.v.store.getUserByName('vera'))!.id;
  assert.ok(!audit.some((e) => e.actor === veraId && e.action === 'recording.play'), 'refused requests play nothing');
});

test('bad ranges and unknown segments are refused with a reason', async () => {
  const a = await r.v.http('/api/cameras/cam1/playback?from=2000&to=1000');
  assert.equal(a.status, 400);
  // Nothing recorded (a range still to come: 1970 would be looking back, which needs a purpose).
  const b = await r.v.http(`/api/cameras/cam1/playback?from=${Date.now() + 60_000}&to=${Date.now() + 120_000}`);
  assert.equal(b.status, 404);
  const old = await r.v.http('/api/cameras/cam1/playback?from=1000&to=2000');
  assert.equal(old.status, 428, 'looking back past the free window needs a purpose (issue 13)');
  const c = await r.v.http('/api/cameras/cam1/hls/12345.m4s');
  assert.equal(c.status, 404);
  const d = await r.v.http(`/api/cameras/cam1/playback?from=${new Date(r.segments[0].startMs).toISOString()}&to=${new Date(r.segments[0].endMs).toISOString()}`);
  assert.equal(d.status, 200, 'ISO 8601 times are accepted');
  await d.arrayBuffer();
});

// Issue 13, the pixel test: what an unprivileged viewer receives (live over the WebSocket,
// recorded playback, HLS, a snapshot-free export) is decoded with ffmpeg and every frame's pixels
// under the mask are checked to be the opaque cover; a user who lifted the (liftable) mask with
// a reason gets the camera's own picture there. Bad polygons and lifts without a reason: 4xx.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { signIn, startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { TEST_SIM_CACHE } from '../helpers/recording-rig.ts';
import { AuthService } from '../../src/access/index.ts';
import { validateConfig } from '../../src/core/index.ts';

const W = 640, H = 360;
// The mask: a rectangle on the left of the frame (normalised); checked 4 px inside its edges.
const MASK: [number, number][] = [[0.05, 0.3], [0.45, 0.3], [0.45, 0.8], [0.05, 0.8]];
const INNER = { x0: Math.ceil(0.05 * W) + 4, x1: Math.floor(0.45 * W) - 4, y0: Math.ceil(0.3 * H) + 4, y1: Math.floor(0.8 * H) - 4 };

let sim: Simulator;
let v: TestVigil;
let viewer: TestVigil['http'];
let viewerCookie = '';
const tmp = mkdtempSync(path.join(tmpdir(), 'vigil-mask-test-'));

before(async () => {
  if (spawnSync('ffmpeg', ['-version']).status !== 0) throw new Error('ffmpeg missing: apt-get install ffmpeg');
  sim = await startSimulator({ cameras: 1, port: 0, cacheDir: TEST_SIM_CACHE, clips: ['testsrc2'] });
  v = await startTestVigil({ cameras: [{ id: 'cam1', name: 'Cam 1', url: sim.urls[0] }], recording: { segmentSeconds: 2 } });
  assert.equal((await v.login('admin', 'admin-password-1')).status, 200);
  await new AuthService(v.store, validateConfig({}).auth).createUser('vera', 'viewer-password-1', 'viewer', 'test');
  viewerCookie = await signIn(v.url, 'vera', 'viewer-password-1');
  viewer = (p, init = {}) => fetch(v.url + p, { ...init, headers: { ...(init.headers as Record<string, string>), cookie: viewerCookie } });
});
after(async () => {
  await v?.stop();
  await sim?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const json = (r: Response): Promise<any> => r.json();

/** Decodes an fMP4 or MPEG-TS byte stream to RGB frames. */
function decode(bytes: Buffer, format: 'mp4' | 'mpegts'): Buffer[] {
  const file = path.join(tmp, `in-${Math.random().toString(36).slice(2)}.${format === 'mp4' ? 'mp4' : 'ts'}`);
  writeFileSync(file, bytes);
  const r = spawnSync('ffmpeg', ['-v', 'error', '-f', format, '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, String(r.stderr));
  const frames: Buffer[] = [];
  for (let at = 0; at + W * H * 3 <= r.stdout.length; at += W * H * 3) frames.push(r.stdout.subarray(at, at + W * H * 3));
  return frames;
}

/** Brightest channel value inside the mask, and the mean outside it. */
function measure(frame: Buffer): { maxInside: number; meanInside: number; meanOutside: number } {
  let maxInside = 0, sumIn = 0, nIn = 0, sumOut = 0, nOut = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = (y * W + x) * 3;
    const v3 = Math.max(frame[i], frame[i + 1], frame[i + 2]);
    if (x >= INNER.x0 && x <= INNER.x1 && y >= INNER.y0 && y <= INNER.y1) { maxInside = Math.max(maxInside, v3); sumIn += v3; nIn++; }
    else if (x < INNER.x0 - 12 || x > INNER.x1 + 12 || y < INNER.y0 - 12 || y > INNER.y1 + 12) { sumOut += v3; nOut++; }
  }
  return { maxInside, meanInside: sumIn / nIn, meanOutside: sumOut / nOut };
}

function assertMasked(frames: Buffer[], what: string): void {
  assert.ok(frames.length >= 10, `${what}: decoded ${frames.length} frames`);
  for (const [k, f] of frames.entries()) {
    const m = measure(f);
    assert.ok(m.maxInside <= 40, `${what}: frame ${k} shows a pixel of ${m.maxInside} under the mask`);
    assert.ok(m.meanOutside > 60, `${what}: frame ${k} is dark outside the mask too (${m.meanOutside.toFixed(0)}): not the camera's picture`);
  }
}

function assertUnmasked(frames: Buffer[], what: string): void {
  assert.ok(frames.length >= 10, `${what}: decoded ${frames.length} frames`);
  for (const [k, f] of frames.entries()) assert.ok(measure(f).meanInside > 60, `${what}: frame ${k} is still covered where the lifted mask was`);
}

/** Opens the live WebSocket with a cookie; collects binary messages until `ms` have passed after the first. */
function watchLive(cookie: string, ms: number): Promise<{ bytes: Buffer; closeCode: number | null; mime: string | null }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(v.url.replace('http', 'ws') + '/api/cameras/cam1/live', { headers: { cookie } });
    const parts: Buffer[] = [];
    let mime: string | null = null;
    let timer: NodeJS.Timeout | null = null;
    let closeCode: number | null = null;
    const done = () => resolve({ bytes: Buffer.concat(parts), closeCode, mime });
    ws.on('message', (data, binary) => {
      if (!binary) {
        const m = JSON.parse(String(data));
        if (m.type === 'init') mime = m.mime;
        return;
      }
      parts.push(data as Buffer);
      timer ??= setTimeout(() => ws.close(), ms);
    });
    ws.on('close', (code) => {
      if (timer) clearTimeout(timer);
      closeCode = code;
      done();
    });
    ws.on('error', reject);
  });
}

test('bad polygons and bad lifts are refused with a 4xx naming the field; nothing is stored', async () => {
  const outside = await v.http('/api/cameras/cam1/masks', { method: 'POST', json: { polygon: [[0.1, 0.1], [1.2, 0.1], [0.5, 0.5]], liftable: true } });
  assert.equal(outside.status, 400);
  assert.match((await json(outside)).error.message, /polygon\/1.*outside the frame/);
  const bowtie = await v.http('/api/cameras/cam1/masks', { method: 'POST', json: { polygon: [[0.1, 0.1], [0.5, 0.5], [0.5, 0.1], [0.1, 0.5]], liftable: true } });
  assert.equal(bowtie.status, 400);
  assert.match((await json(bowtie)).error.message, /crosses itself/);
  const two = await v.http('/api/cameras/cam1/masks', { method: 'POST', json: { polygon: [[0.1, 0.1], [0.5, 0.5]], liftable: true } });
  assert.equal(two.status, 400);
  assert.equal((await viewer('/api/cameras/cam1/masks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ polygon: MASK, liftable: false }) })).status, 403);
  assert.equal((await v.store.listPrivacyMasks('cam1')).length, 0);
  const noMask = await v.http('/api/cameras/cam1/mask-lift', { method: 'POST', json: { reason: 'x' } });
  assert.equal(noMask.status, 400, 'nothing to lift');
});

test('a viewer\'s live view has the mask burned in; an admin\'s lift with a reason shows the picture, is audited and ends by itself', async () => {
  const created = await v.http('/api/cameras/cam1/masks', { method: 'POST', json: { name: 'neighbour window', polygon: MASK, liftable: true } });
  assert.equal(created.status, 201, await created.clone().text());

  const live = await watchLive(viewerCookie, 2500);
  assert.match(live.mime ?? '', /^video\/mp4; codecs="avc1\./);
  assertMasked(decode(live.bytes, 'mp4'), 'viewer live');

  // The admin may lift but has not: masked as well.
  assertMasked(decode((await watchLive(v.cookie!, 1500)).bytes, 'mp4'), 'admin live before a lift');

  const noReason = await v.http('/api/cameras/cam1/mask-lift', { method: 'POST', json: { reason: '  ' } });
  assert.equal(noReason.status, 400);
  assert.match((await json(noReason)).error.message, /reason/);
  const byViewer = await viewer('/api/cameras/cam1/mask-lift', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'curious' }) });
  assert.equal(byViewer.status, 403);

  const lift = await v.http('/api/cameras/cam1/mask-lift', { method: 'POST', json: { reason: 'incident 2026-118 at the door', minutes: 5 } });
  assert.equal(lift.status, 201);
  assertUnmasked(decode((await watchLive(v.cookie!, 1500)).bytes, 'mp4'), 'admin live after the lift');
  // The viewer still gets the masked stream while the admin's lift is in force.
  assertMasked(decode((await watchLive(viewerCookie, 1500)).bytes, 'mp4'), 'viewer live during the admin\'s lift');

  const audit = await v.store.listAudit(0, 10_000);
  const lifted = audit.find((e) => e.action === 'mask.lift');
  assert.equal(lifted?.details?.reason, 'incident 2026-118 at the door');
  assert.ok(audit.some((e) => e.action === 'live.start' && e.details?.masked === 1), 'masked views are audited as such');

  // A lift that runs out while watching: the socket is closed (4001) and the next view is masked.
  assert.equal((await v.http('/api/cameras/cam1/mask-lift', { method: 'DELETE' })).status, 204);
  const admin = (await v.store.getUserByName('admin'))!;
  await v.store.addMaskLift({ id: 'lift_short', cameraId: 'cam1', userId: admin.id, reason: 'short', startedAt: Date.now(), expiresAt: Date.now() + 2500, endedAt: null });
  const ending = await watchLive(v.cookie!, 20_000);
  assert.equal(ending.closeCode, 4001, 'the server ends the unmasked view when the lift runs out');
  assertMasked(decode((await watchLive(v.cookie!, 1500)).bytes, 'mp4'), 'admin live after the lift ran out');
});

test('recorded playback and HLS for a viewer are masked; the camera\'s own HLS parts are refused to them', async () => {
  // Enough recording since the mask was added (the mask applies to what is shown, whenever recorded).
  const to = Date.now();
  const from = to - 6000;
  const res = await viewer(`/api/cameras/cam1/playback?from=${from}&to=${to}`);
  assert.equal(res.status, 403, 'a viewer may not play recordings at all');

  await new AuthService(v.store, validateConfig({}).auth).createUser('otto', 'operator-password-1', 'operator', 'test');
  const op = await signIn(v.url, 'otto', 'operator-password-1');
  const asOp = (p: string) => fetch(v.url + p, { headers: { cookie: op } });

  const play = await asOp(`/api/cameras/cam1/playback?from=${from}&to=${to}`);
  assert.equal(play.status, 200, await play.clone().text());
  assert.match(play.headers.get('x-vigil-mime') ?? '', /avc1/);
  assertMasked(decode(Buffer.from(await play.arrayBuffer()), 'mp4'), 'operator playback');

  const playlist = await (await asOp(`/api/cameras/cam1/hls.m3u8?from=${from}&to=${to}`)).text();
  assert.doesNotMatch(playlist, /EXT-X-MAP|\.m4s/);
  const tsName = /hls\/(\d+)\.ts/.exec(playlist)![1];
  const seg = await asOp(`/api/cameras/cam1/hls/${tsName}.ts`);
  assert.equal(seg.status, 200);
  assertMasked(decode(Buffer.from(await seg.arrayBuffer()), 'mpegts'), 'operator HLS segment');
  assert.equal((await asOp(`/api/cameras/cam1/hls/${tsName}.m4s`)).status, 403);
  assert.equal((await asOp(`/api/cameras/cam1/hls/${tsName}/init.mp4`)).status, 403);

  // The admin with a lift plays the camera's own bytes.
  assert.equal((await v.http('/api/cameras/cam1/mask-lift', { method: 'POST', json: { reason: 'review of incident 2026-118' } })).status, 201);
  const own = await v.http(`/api/cameras/cam1/playback?from=${from}&to=${to}`);
  assertUnmasked(decode(Buffer.from(await own.arrayBuffer()), 'mp4'), 'admin playback under a lift');
  assert.equal((await v.http('/api/cameras/cam1/mask-lift', { method: 'DELETE' })).status, 204);
});

test('an operator\'s export has the masks burned in and the manifest says so', async () => {
  const op = await signIn(v.url, 'otto', 'operator-password-1');
  const to = Date.now(), from = to - 5000;
  const started = await fetch(v.url + '/api/exports', { method: 'POST', headers: { cookie: op, 'content-type': 'application/json' }, body: JSON.stringify({ cameras: ['cam1'], from: String(from), to: String(to), reason: 'case 7' }) });
  assert.equal(started.status, 202, await started.clone().text());
  const id = (await json(started)).export.id;
  let job: any;
  for (let i = 0; i < 200; i++) {
    job = (await json(await fetch(v.url + `/api/exports/${id}`, { headers: { cookie: op } }))).export;
    if (job.state !== 'running') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(job.state, 'done', job.error);
  const manifest: any = await json(await fetch(v.url + `/api/exports/${id}/files/manifest.json`, { headers: { cookie: op } }));
  assert.ok(manifest.redactions.length >= 1 && manifest.redactions[0].applied.some((a: string) => /^privacy masks: 1 polygon/.test(a)), JSON.stringify(manifest.redactions));
  const file = await fetch(v.url + `/api/exports/${id}/files/${job.files[0].name}`, { headers: { cookie: op } });
  assertMasked(decode(Buffer.from(await file.arrayBuffer()), 'mp4'), 'operator export');
});

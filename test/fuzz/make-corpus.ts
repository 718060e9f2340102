// Writes the fuzzers' seed corpus (test/fuzz/corpus/<target>/*.bin) from real peers and encoders:
// raw RTSP bytes captured from our server (H.264 and H.265, with and without Digest auth) and from
// Debian's GStreamer RTSP server, their SDPs and RTP packets, parameter sets and access units from
// x264/x265, and MP4 files from our muxer and from ffmpeg. Run once by hand and commit the output:
//   node test/fuzz/make-corpus.ts
// Seeds stay small (tiny pictures, a few packets) so that mutations hit headers, not pixels.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { RtspClient } from '../../src/media/rtsp-client.ts';
import { RtspServer } from '../../src/media/rtsp-server.ts';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../../src/simulator/index.ts';
import { RtspWireParser, header, serializeRequest, type RtspWireItem } from '../../src/media/rtsp-message.ts';
import { splitAnnexB, groupH264AccessUnits } from '../../src/media/annexb.ts';
import { groupH265AccessUnits, h265NalType } from '../../src/media/h265.ts';
import { Fmp4Fragmenter } from '../../src/media/fmp4-fragmenter.ts';
import { ClientAuthenticator, parseChallenges } from '../../src/media/rtsp-auth.ts';
import { startGstRtspServer } from '../helpers/gst-rtsp.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, 'corpus');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-corpus-'));
const CACHE = path.join(os.tmpdir(), 'vigil-test-sim-cache');

function save(target: string, name: string, data: Buffer | string): void {
  mkdirSync(path.join(OUT, target), { recursive: true });
  writeFileSync(path.join(OUT, target, `${name}.bin`), data);
}

/** Length-prefixed list: how multi-part seeds (packet sequences, parameter-set pairs) are stored. */
function lengthPrefixed(parts: Buffer[]): Buffer {
  return Buffer.concat(parts.flatMap((p) => [Buffer.from([p.length >> 8, p.length & 0xff]), p]));
}

/** Talk RTSP to a server over one TCP connection and keep every byte it sent, plus parsed items. */
async function capture(url: string, creds?: { username: string; password: string }, playMs = 1300): Promise<{ raw: Buffer; items: RtspWireItem[] }> {
  const u = new URL(url);
  const sock = net.connect({ host: u.hostname, port: Number(u.port) });
  await new Promise<void>((r, j) => { sock.once('connect', () => r()); sock.once('error', j); });
  const chunks: Buffer[] = [];
  const parser = new RtspWireParser();
  const items: RtspWireItem[] = [];
  let waiting: ((i: RtspWireItem) => void) | null = null;
  sock.on('data', (d: Buffer) => {
    chunks.push(d);
    for (const it of parser.feed(d)) {
      items.push(it);
      if (it.kind === 'response' && waiting) { const w = waiting; waiting = null; w(it); }
    }
  });
  let cseq = 0;
  let auth: ClientAuthenticator | undefined;
  let session: string | undefined;
  const req = async (method: string, target: string, extra: Record<string, string> = {}) => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const h: Record<string, string | number> = { CSeq: ++cseq, ...extra };
      if (session) h.Session = session;
      if (auth) h.Authorization = auth.authorization(method, target);
      const res = await new Promise<RtspWireItem>((r) => { waiting = r; sock.write(serializeRequest(method, target, h)); });
      if (res.kind === 'response' && res.status === 401 && creds && !auth) {
        auth = ClientAuthenticator.from(parseChallenges(res.headers.get('www-authenticate') ?? []), creds);
        save('rtsp-auth', `challenge-${u.port}-${method}`, (res.headers.get('www-authenticate') ?? []).join('\n'));
        continue;
      }
      if (res.kind === 'response') {
        const s = header(res.headers, 'session');
        if (s) session = s.split(';')[0];
        if (auth) save('rtsp-auth', `authorization-${auth.scheme}-${method}`, auth.authorization(method, target));
      }
      return res;
    }
    throw new Error('unreachable');
  };
  await req('OPTIONS', url);
  const desc = await req('DESCRIBE', url, { Accept: 'application/sdp' });
  const base = desc.kind === 'response' ? header(desc.headers, 'content-base') ?? `${url}/` : `${url}/`;
  const sdp = desc.kind === 'response' ? desc.body.toString() : '';
  const control = /m=video[\s\S]*?a=control:(\S+)/.exec(sdp)?.[1] ?? 'trackID=0';
  const trackUrl = /^rtsp:/.test(control) ? control : base.replace(/\/?$/, '/') + control;
  await req('SETUP', trackUrl, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
  await req('PLAY', url, { Range: 'npt=0.000-' });
  await new Promise((r) => setTimeout(r, playMs));
  sock.destroy();
  return { raw: Buffer.concat(chunks), items };
}

function saveCapture(tag: string, cap: { raw: Buffer; items: RtspWireItem[] }): void {
  // The dialogue up to and a little into the media, so mutations reach headers and '$' frames.
  const firstFrame = cap.raw.indexOf(Buffer.from([0x24, 0x00]));
  save('rtsp-wire', `${tag}-dialogue`, cap.raw.subarray(0, firstFrame > 0 ? Math.min(cap.raw.length, firstFrame + 3000) : 6000));
  for (const it of cap.items) {
    if (it.kind === 'response' && it.body.length > 0) save('sdp', tag, it.body);
  }
  const rtp = cap.items.filter((i) => i.kind === 'interleaved' && i.channel === 0).map((i) => (i.kind === 'interleaved' ? i.payload : Buffer.alloc(0)));
  const codec = /h265/i.test(tag) ? 'rtp-h265' : 'rtp-h264';
  // The first packets hold the keyframe (parameter sets, FU start/middle/end); later ones P pictures.
  save(codec, `${tag}-start`, lengthPrefixed(rtp.slice(0, 12).map((p) => p.subarray(0, 600))));
  save(codec, `${tag}-later`, lengthPrefixed(rtp.slice(-8).map((p) => p.subarray(0, 600))));
}

/**
 * What clients send a server: a recording TCP proxy in front of our simulator, with our own client
 * (TCP and UDP, Digest) and ffmpeg (an independent client) talking through it.
 */
async function captureRequests(target: string, tag: string, talk: (url: string) => Promise<void>): Promise<void> {
  const up = new URL(target);
  const sent: Buffer[] = [];
  const proxy = net.createServer((c) => {
    const s = net.connect({ host: up.hostname, port: Number(up.port) });
    c.on('data', (d: Buffer) => { sent.push(d); s.write(d); });
    s.on('data', (d: Buffer) => c.write(d));
    c.on('close', () => s.destroy());
    s.on('close', () => c.destroy());
    c.on('error', () => s.destroy());
    s.on('error', () => c.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  const port = (proxy.address() as net.AddressInfo).port;
  try {
    await talk(`rtsp://127.0.0.1:${port}${up.pathname}`);
  } finally {
    await new Promise<void>((r) => proxy.close(() => r()));
  }
  save('rtsp-server', tag, Buffer.concat(sent).subarray(0, 4000));
}

async function ourClient(url: string, transport: 'tcp' | 'udp', creds?: { username: string; password: string }): Promise<void> {
  const c = new RtspClient({ url, transport, ...creds });
  c.on('error', () => {});
  await c.connect();
  await new Promise((r) => setTimeout(r, 300));
  await c.close();
}

/** ffmpeg as a publisher: ANNOUNCE, SETUP mode=record, RECORD and a few tiny pictures over TCP. */
export async function ffmpegPublish(url: string): Promise<void> {
  await promisify(execFile)('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25', '-t', '0.4', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '5', '-pix_fmt', 'yuv420p', '-f', 'rtsp', '-rtsp_transport', 'tcp', url], { timeout: 15_000 });
}

function ff(args: string[]): void {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
}

async function main(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  // --- RTSP from our server (H.264, H.265, Digest) and from GStreamer -------------------------
  const sim264 = await startSimulator({ cameras: 1, port: 0, cacheDir: CACHE, clips: ['testsrc2'] });
  const sim265 = await startSimulator({ cameras: 1, port: 0, cacheDir: CACHE, clips: ['testsrc2'], codec: 'h265' });
  const simAuth = await startSimulator({ cameras: 1, port: 0, cacheDir: CACHE, clips: ['testsrc2'], auth: { scheme: 'digest', username: 'op', password: 'pw' } });
  const gst = await startGstRtspServer({ audio: true });
  const gstBasic = await startGstRtspServer({ auth: { scheme: 'basic', username: 'op', password: 'pw' } });
  const pushServer = new RtspServer({ port: 0, acceptPublish: true });
  await pushServer.listen();
  try {
    saveCapture('vigil-h264', await capture(sim264.urls[0]));
    saveCapture('vigil-h265', await capture(sim265.urls[0]));
    saveCapture('vigil-digest-h264', await capture(simAuth.urls[0], { username: 'op', password: 'pw' }));
    saveCapture('gst-h264-audio', await capture(gst.url, undefined, 1200));
    saveCapture('gst-basic-h264', await capture(gstBasic.url, { username: 'op', password: 'pw' }, 1200));
    await captureRequests(sim264.urls[0], 'vigil-client-tcp', (u) => ourClient(u, 'tcp'));
    await captureRequests(sim265.urls[0], 'vigil-client-udp', (u) => ourClient(u, 'udp'));
    await captureRequests(simAuth.urls[0], 'vigil-client-digest', (u) => ourClient(u, 'tcp', { username: 'op', password: 'pw' }));
    await captureRequests(sim264.urls[0], 'ffmpeg-client-tcp', async (u) => {
      await promisify(execFile)('ffmpeg', ['-v', 'error', '-rtsp_transport', 'tcp', '-i', u, '-t', '0.3', '-f', 'null', '-'], { timeout: 15_000 });
    });
    await captureRequests(`rtsp://127.0.0.1:${pushServer.port}/push`, 'ffmpeg-publisher', (u) => ffmpegPublish(u));
  } finally {
    await sim264.close();
    await sim265.close();
    await simAuth.close();
    await gst.stop();
    await gstBasic.stop();
    await pushServer.close();
  }

  // --- parameter sets and access units from x264/x265 -----------------------------------------
  const lavfi = ['-f', 'lavfi', '-i', 'testsrc2=size=158x90:rate=25', '-t', '0.2'];
  const h264s: [string, string[]][] = [
    ['baseline', ['-profile:v', 'baseline']],
    ['main', ['-profile:v', 'main']],
    ['high-bframes', ['-profile:v', 'high', '-bf', '2']],
    ['high444-cqm', ['-profile:v', 'high444', '-pix_fmt', 'yuv444p', '-x264-params', 'cqm=jvt']],
    ['vui-timing', ['-x264-params', 'force-cfr=1:nal-hrd=vbr', '-b:v', '200k', '-maxrate', '200k', '-bufsize', '400k']],
  ];
  for (const [name, extra] of h264s) {
    const file = path.join(tmp, `${name}.h264`);
    ff([...lavfi, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', ...extra, '-f', 'h264', file]);
    const data = readFileSync(file);
    const nalus = splitAnnexB(data);
    const sps = nalus.find((n) => (n[0] & 0x1f) === 7)!;
    const pps = nalus.find((n) => (n[0] & 0x1f) === 8)!;
    save('h264-ps', name, lengthPrefixed([sps, pps]));
    const units = groupH264AccessUnits(nalus).slice(0, 3);
    save('annexb-h264', name, Buffer.concat(units.flat().map((n) => Buffer.concat([Buffer.from([0, 0, 0, 1]), n.subarray(0, 400)]))));
  }
  const h265s: [string, string[]][] = [
    ['main', ['-pix_fmt', 'yuv420p']],
    ['bframes', ['-pix_fmt', 'yuv420p', '-x265-params', 'bframes=3:log-level=error']],
    ['main444', ['-pix_fmt', 'yuv444p']],
    ['temporal-layers', ['-pix_fmt', 'yuv420p', '-x265-params', 'temporal-layers=1:log-level=error']],
  ];
  for (const [name, extra] of h265s) {
    const file = path.join(tmp, `${name}.hevc`);
    ff([...lavfi, '-c:v', 'libx265', ...extra, ...(extra.includes('-x265-params') ? [] : ['-x265-params', 'log-level=error']), '-f', 'hevc', file]);
    const nalus = splitAnnexB(readFileSync(file));
    const find = (t: number) => nalus.find((n) => h265NalType(n) === t)!;
    save('h265-ps', name, lengthPrefixed([find(32), find(33), find(34)]));
    const units = groupH265AccessUnits(nalus).slice(0, 3);
    save('annexb-h265', name, Buffer.concat(units.flat().map((n) => Buffer.concat([Buffer.from([0, 0, 0, 1]), n.subarray(0, 400)]))));
  }

  // --- MP4: our muxer (H.264, H.265) and ffmpeg's fragmented MP4 --------------------------------
  for (const codec of ['h264', 'h265'] as const) {
    const file = path.join(tmp, `mux.${codec}`);
    ff(['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=25', '-t', '0.2', '-pix_fmt', 'yuv420p',
      ...(codec === 'h264' ? ['-c:v', 'libx264', '-f', 'h264'] : ['-c:v', 'libx265', '-x265-params', 'log-level=error', '-f', 'hevc']), file]);
    const nalus = splitAnnexB(readFileSync(file));
    const units = codec === 'h264' ? groupH264AccessUnits(nalus) : groupH265AccessUnits(nalus);
    const f = new Fmp4Fragmenter({ codec });
    const out = units.flatMap((n, i) => f.push({ nalus: n, dts: i * 3600, pts: i * 3600, keyframe: i === 0, codec }));
    out.push(...f.flush());
    save('mp4', `vigil-${codec}`, Buffer.concat(out.slice(0, 4).map((o) => o.data)));
  }
  const ffmp4 = path.join(tmp, 'ff.mp4');
  ff(['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=25', '-t', '0.2', '-c:v', 'libx264', '-bf', '2', '-movflags', 'frag_keyframe+empty_moov+default_base_moof', ffmp4]);
  save('mp4', 'ffmpeg-frag-h264-bframes', readFileSync(ffmp4));
  const ffhevc = path.join(tmp, 'ffh.mp4');
  ff(['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=25', '-t', '0.2', '-c:v', 'libx265', '-x265-params', 'log-level=error', '-tag:v', 'hvc1', '-movflags', 'frag_keyframe+empty_moov+default_base_moof', ffhevc]);
  save('mp4', 'ffmpeg-frag-h265', readFileSync(ffhevc));
  rmSync(tmp, { recursive: true, force: true });
}

await main();

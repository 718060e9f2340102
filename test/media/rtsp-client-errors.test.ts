// How the client fails: every failure is an RtspError with a stable code, nothing crashes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { RtspClient } from '../../src/media/rtsp-client.ts';
import { RtspServer, type RtspMediaSource } from '../../src/media/rtsp-server.ts';
import { RtspWireParser, header, serializeResponse, interleavedFrame, type RtspRequest } from '../../src/media/rtsp-message.ts';
import { H26xPacketizer } from '../../src/media/rtp-packetizer.ts';
import { buildH264Sdp } from '../../src/media/sdp.ts';
import type { AccessUnit } from '../../src/media/types.ts';
import { freePort } from '../helpers/daemon.ts';

const SPS = Buffer.from('674d401eda0280bfe584', 'hex');
const PPS = Buffer.from('68ee3c80', 'hex');
const idr = (len = 3000) => Buffer.concat([Buffer.from([0x65]), Buffer.alloc(len - 1, 7)]);

/** A hand-written RTSP peer: `answer` decides the reply to each request. */
async function scriptedServer(answer: (req: RtspRequest, sock: net.Socket) => Buffer | string | undefined) {
  const requests: RtspRequest[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    const parser = new RtspWireParser();
    sock.on('data', (d) => {
      for (const item of parser.feed(d)) {
        if (item.kind !== 'request') continue;
        requests.push(item);
        const out = answer(item, sock);
        if (out !== undefined && !sock.destroyed) sock.write(out);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `rtsp://127.0.0.1:${port}/cam`,
    port,
    requests,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const ok = (req: RtspRequest, headers: Record<string, string | number> = {}, body?: string) =>
  serializeResponse(200, 'OK', { CSeq: header(req.headers, 'cseq')!, ...headers }, body);

/** Source whose units we push by hand. */
class ManualSource implements RtspMediaSource {
  listeners = new Set<(au: AccessUnit) => void>();
  parameterSets() {
    return { sps: SPS, pps: PPS };
  }
  subscribe(l: (au: AccessUnit) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  emit(au: AccessUnit) {
    for (const l of this.listeners) l(au);
  }
}

test('closed port: CAMERA_UNREACHABLE, quickly', async () => {
  const port = await freePort();
  const t0 = Date.now();
  await assert.rejects(new RtspClient({ url: `rtsp://127.0.0.1:${port}/x` }).connect(), { code: 'CAMERA_UNREACHABLE' });
  assert.ok(Date.now() - t0 < 1000);
  await assert.rejects(new RtspClient({ url: 'rtsp://no-such-host.invalid/x', connectTimeoutMs: 3000 }).connect(), { code: 'CAMERA_UNREACHABLE' });
});

test('a server that accepts but never answers: CAMERA_UNREACHABLE after the request timeout', async () => {
  const s = await scriptedServer(() => undefined);
  try {
    const t0 = Date.now();
    await assert.rejects(new RtspClient({ url: s.url, requestTimeoutMs: 300 }).connect(), { code: 'CAMERA_UNREACHABLE' });
    assert.ok(Date.now() - t0 < 1500);
  } finally {
    await s.close();
  }
});

test('garbage instead of RTSP: RTSP_PROTOCOL', async () => {
  for (const reply of ['HTTP/1.1 400 Bad Request\r\n\r\n', '\x00\x01\x02\x03garbage-bytes', 'RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: nope\r\n\r\n']) {
    const s = await scriptedServer(() => reply);
    try {
      await assert.rejects(new RtspClient({ url: s.url }).connect(), { code: 'RTSP_PROTOCOL' }, JSON.stringify(reply));
    } finally {
      await s.close();
    }
  }
  // A peer that hangs up mid-handshake.
  const s = await scriptedServer((_req, sock) => void sock.destroy());
  try {
    await assert.rejects(new RtspClient({ url: s.url }).connect(), { code: 'RTSP_PROTOCOL' });
  } finally {
    await s.close();
  }
});

test('unknown path: RTSP_PROTOCOL with the status; audio-only camera: NO_VIDEO_TRACK', async () => {
  const server = new RtspServer({ port: 0 });
  server.addPath('/cam1', new ManualSource());
  await server.listen();
  try {
    await assert.rejects(new RtspClient({ url: `rtsp://127.0.0.1:${server.port}/nope` }).connect(), (e: any) => e.code === 'RTSP_PROTOCOL' && e.details.status === 404);
  } finally {
    await server.close();
  }
  const audioOnly = 'v=0\r\ns=x\r\nt=0 0\r\nm=audio 0 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=control:trackID=1\r\n';
  const s = await scriptedServer((req) => ok(req, req.method === 'DESCRIBE' ? { 'Content-Type': 'application/sdp' } : {}, req.method === 'DESCRIBE' ? audioOnly : undefined));
  try {
    await assert.rejects(new RtspClient({ url: s.url }).connect(), (e: any) => e.code === 'NO_VIDEO_TRACK' && e.details.hasAudio === true);
  } finally {
    await s.close();
  }
});

test('a source that stops sending: STREAM_STALLED; the server shutting down: STREAM_ENDED', async () => {
  const source = new ManualSource();
  const server = new RtspServer({ port: 0 });
  server.addPath('/cam1', source);
  await server.listen();
  try {
    const client = new RtspClient({ url: `rtsp://127.0.0.1:${server.port}/cam1`, stallTimeoutMs: 400 });
    const got: AccessUnit[] = [];
    client.on('accessUnit', (au) => got.push(au));
    const failed = new Promise<any>((r) => client.once('error', r));
    await client.connect();
    source.emit({ nalus: [SPS, PPS, idr()], dts: 0, pts: 0, keyframe: true });
    const t0 = Date.now();
    const e = await failed;
    assert.equal(e.code, 'STREAM_STALLED');
    assert.ok(Date.now() - t0 < 1500);
    assert.equal(got.length, 1);

    const c2 = new RtspClient({ url: `rtsp://127.0.0.1:${server.port}/cam1`, stallTimeoutMs: 5000 });
    const ended = new Promise<any>((r) => c2.once('error', r));
    const closed = new Promise<void>((r) => c2.once('close', () => r()));
    await c2.connect();
    await server.close();
    assert.equal((await ended).code, 'STREAM_ENDED');
    await closed;
  } finally {
    await server.close();
  }
});

test('scripted camera: Content-Base, session timeout keep-alives, corrupt RTP dropped, truncated frame at hang-up', async () => {
  const sdp = buildH264Sdp({ sps: SPS, pps: PPS, control: 'trackID=7' });
  const p = new H26xPacketizer({ payloadType: 96, initialSequence: 100 });
  const good1 = p.packetize({ nalus: [SPS, PPS, idr(3000)], dts: 0, pts: 0, keyframe: true });
  const good2 = p.packetize({ nalus: [Buffer.from([0x41, 1, 2, 3])], dts: 3600, pts: 3600, keyframe: false });
  const wrongPt = Buffer.from(good2.packets[0]);
  wrongPt[1] = (wrongPt[1] & 0x80) | 8;
  const sendMedia = (sock: net.Socket) => {
    sock.write(interleavedFrame(4, Buffer.from([0x00, 0x01, 0x02]))); // not RTP
    sock.write(interleavedFrame(4, wrongPt)); // wrong payload type
    sock.write(interleavedFrame(5, Buffer.from('80c8000600000001', 'hex'))); // RTCP on the other channel
    for (const pkt of good1.packets) sock.write(interleavedFrame(4, pkt));
    for (const pkt of good2.packets) sock.write(interleavedFrame(4, pkt));
    setTimeout(() => {
      sock.write(Buffer.from([0x24, 4, 0x05, 0xdc, 0x80, 0x60])); // a frame cut short by the hang-up
      sock.end();
    }, 1300);
  };
  const s = await scriptedServer((req, sock) => {
    switch (req.method) {
      case 'OPTIONS':
        return ok(req, { Public: 'OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER' });
      case 'DESCRIBE':
        return ok(req, { 'Content-Base': `rtsp://127.0.0.1:${(sock.address() as net.AddressInfo).port}/base/`, 'Content-Type': 'application/sdp' }, sdp);
      case 'SETUP':
        return ok(req, { Session: 'abc123;timeout=2', Transport: 'RTP/AVP/TCP;unicast;interleaved=4-5' });
      case 'PLAY':
        setTimeout(() => sendMedia(sock), 20);
        return ok(req, { Session: 'abc123' });
      default:
        return ok(req);
    }
  });
  try {
    const client = new RtspClient({ url: s.url, stallTimeoutMs: 10_000 });
    const units: AccessUnit[] = [];
    client.on('accessUnit', (au) => units.push(au));
    const errored = new Promise<any>((r) => client.once('error', r));
    await client.connect();
    const e = await errored;
    assert.equal(e.code, 'STREAM_ENDED');
    const setup = s.requests.find((r) => r.method === 'SETUP')!;
    assert.equal(setup.url, `rtsp://127.0.0.1:${s.port}/base/trackID=7`);
    const ka = s.requests.filter((r) => r.method === 'GET_PARAMETER');
    assert.ok(ka.length >= 1, 'keep-alive at half of timeout=2');
    assert.equal(header(ka[0].headers, 'session'), 'abc123');
    assert.equal(units.length, 2, 'the two intact units, nothing from the garbage');
    assert.deepEqual(units[0].nalus, [SPS, PPS, idr(3000)]);
    assert.equal(client.stats.badRtp, 2);
  } finally {
    await s.close();
  }
});

// The RTSP server on its own: protocol answers and protection against viewers that stop reading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { RtspServer, type RtspMediaSource } from '../../src/media/rtsp-server.ts';
import { RtspWireParser, header, serializeRequest, type RtspResponse } from '../../src/media/rtsp-message.ts';
import type { AccessUnit } from '../../src/media/types.ts';

const SPS = Buffer.from('674d401eda0280bfe584', 'hex');
const PPS = Buffer.from('68ee3c80', 'hex');

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

/** A raw RTSP connection that sends requests and can stop reading. */
async function rawClient(port: number) {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise<void>((r) => sock.once('connect', () => r()));
  const parser = new RtspWireParser();
  const waiting: ((r: RtspResponse) => void)[] = [];
  let interleavedBytes = 0;
  sock.on('data', (d) => {
    for (const item of parser.feed(d)) {
      if (item.kind === 'response') waiting.shift()?.(item);
      else if (item.kind === 'interleaved') interleavedBytes += item.payload.length;
    }
  });
  let cseq = 0;
  return {
    sock,
    get interleavedBytes() {
      return interleavedBytes;
    },
    request(method: string, url: string, headers: Record<string, string> = {}): Promise<RtspResponse> {
      return new Promise((resolve) => {
        waiting.push(resolve);
        sock.write(serializeRequest(method, url, { CSeq: ++cseq, ...headers }));
      });
    },
  };
}

test('answers OPTIONS/DESCRIBE/SETUP/PLAY/TEARDOWN and refuses what it cannot do', async () => {
  const server = new RtspServer({ port: 0, udp: false });
  const source = new ManualSource();
  server.addPath('cam1', source);
  await server.listen();
  const c = await rawClient(server.port);
  const base = `rtsp://127.0.0.1:${server.port}/cam1`;
  try {
    assert.match(header((await c.request('OPTIONS', base)).headers, 'public')!, /GET_PARAMETER/);
    const d = await c.request('DESCRIBE', base);
    assert.equal(d.status, 200);
    assert.equal(header(d.headers, 'content-base'), `${base}/`);
    assert.match(d.body.toString(), /sprop-parameter-sets=Z01AHtoCgL/);
    assert.equal((await c.request('PLAY', base, { Session: 'nope' })).status, 454);
    assert.equal((await c.request('SETUP', `${base}/trackID=0`, { Transport: 'RTP/AVP;unicast;client_port=5000-5001' })).status, 461, 'UDP disabled');
    assert.equal((await c.request('SETUP', `${base}/trackID=3`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' })).status, 404);
    const setup = await c.request('SETUP', `${base}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=2-3' });
    assert.equal(setup.status, 200);
    assert.match(header(setup.headers, 'transport')!, /interleaved=2-3/);
    const session = header(setup.headers, 'session')!.split(';')[0];
    assert.equal(source.listeners.size, 0, 'no work before PLAY');
    assert.equal((await c.request('PLAY', base, { Session: session })).status, 200);
    assert.equal(source.listeners.size, 1);
    source.emit({ nalus: [Buffer.from([0x41, 1])], dts: 0, pts: 0, keyframe: false });
    source.emit({ nalus: [Buffer.from([0x65, 1, 2])], dts: 3600, pts: 3600, keyframe: true });
    assert.equal((await c.request('GET_PARAMETER', base, { Session: session })).status, 200);
    // The P frame before the first keyframe is not sent; the keyframe arrives with SPS+PPS prepended.
    assert.equal(c.interleavedBytes, 12 * 3 + SPS.length + PPS.length + 3);
    assert.equal((await c.request('TEARDOWN', base, { Session: session })).status, 200);
    assert.equal(source.listeners.size, 0, 'last viewer gone: source unsubscribed');
    assert.equal((await c.request('FOO', base)).status, 501);
  } finally {
    c.sock.destroy();
    await server.close();
  }
});

test('a viewer that stops reading loses units instead of growing server memory', async () => {
  const server = new RtspServer({ port: 0, maxTcpQueueBytes: 256 * 1024 });
  const source = new ManualSource();
  server.addPath('/cam1', source);
  await server.listen();
  const base = `rtsp://127.0.0.1:${server.port}/cam1`;
  const slow = await rawClient(server.port);
  const fast = await rawClient(server.port);
  try {
    const sessions: string[] = [];
    for (const c of [slow, fast]) {
      const s = await c.request('SETUP', `${base}/trackID=0`, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
      sessions.push(header(s.headers, 'session')!.split(';')[0]);
      await c.request('PLAY', base, { Session: sessions.at(-1)! });
    }
    slow.sock.pause(); // stops reading: kernel buffers fill, then the server's queue
    const big = Buffer.concat([Buffer.from([0x65]), Buffer.alloc(200_000, 9)]);
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < 400; i++) {
      source.emit({ nalus: [big], dts: i * 3600, pts: i * 3600, keyframe: true });
      await new Promise((r) => setTimeout(r, 1));
    }
    await new Promise((r) => setTimeout(r, 300));
    const stats = server.stats();
    assert.ok(stats.droppedForSlowViewers > 0, 'units were dropped for the slow viewer');
    assert.ok(process.memoryUsage().rss - rssBefore < 60 * 1024 * 1024, 'memory stayed bounded (80 MB were sent)');
    assert.ok(fast.interleavedBytes > 200 * 200_000, `fast viewer got ${fast.interleavedBytes} bytes`);
    assert.ok(slow.interleavedBytes < fast.interleavedBytes / 2, `slow viewer got ${slow.interleavedBytes} bytes`);
    assert.equal(stats.playing, 2);
  } finally {
    slow.sock.destroy();
    fast.sock.destroy();
    await server.close();
  }
});

// Issue 15: pictures lost on the way from the camera are counted. A relay between the recorder
// and a simulated camera (RTSP with RTP over TCP) drops RTP packets of the video now and then,
// as a lossy link would: the recorder keeps recording and its status counts the pictures it
// could not record (damaged, and skipped until the next keyframe), also across a reconnect.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { CameraFleet, rtspConnector } from '../../src/recorder/index.ts';
import { TEST_SIM_CACHE } from '../helpers/recording-rig.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-lost-frames-'));
let sim: Simulator | null = null;
let fleet: CameraFleet | null = null;
let relay: Server | null = null;
const sockets = new Set<Socket>();
after(async () => {
  await fleet?.stopAll();
  for (const s of sockets) s.destroy();
  relay?.close();
  await sim?.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Forwards RTSP both ways; from the camera, drops one RTP packet of channel 0 (the video) in every
 * `every` once `after` of them went through. Interleaved frames ($, channel, length) and RTSP
 * replies are told apart so the stream's framing stays intact: only whole packets go missing.
 */
function lossyRelay(target: number, o: { after: number; every: number }): Promise<{ port: number; dropped: () => number; cutAll: () => void }> {
  let dropped = 0;
  const server = createServer((client) => {
    sockets.add(client);
    const cam = createConnection({ port: target, host: '127.0.0.1' });
    sockets.add(cam);
    client.on('data', (d) => cam.write(d));
    client.on('error', () => cam.destroy());
    client.on('close', () => cam.destroy());
    cam.on('error', () => client.destroy());
    cam.on('close', () => client.destroy());
    let buf: Buffer = Buffer.alloc(0);
    let rtp = 0;
    cam.on('data', (d: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      for (;;) {
        let len: number;
        if (buf[0] === 0x24) {
          if (buf.length < 4) break;
          len = 4 + buf.readUInt16BE(2);
          if (buf.length < len) break;
          if (buf[1] === 0 && ++rtp > o.after && rtp % o.every === 0) {
            dropped++;
            buf = buf.subarray(len);
            continue;
          }
        } else {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) break;
          const m = /content-length:\s*(\d+)/i.exec(buf.subarray(0, end).toString('latin1'));
          len = end + 4 + (m ? Number(m[1]) : 0);
          if (buf.length < len) break;
        }
        client.write(buf.subarray(0, len));
        buf = buf.subarray(len);
      }
    });
  });
  relay = server;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: (server.address() as { port: number }).port,
    dropped: () => dropped,
    cutAll: () => { for (const s of sockets) s.destroy(); },
  })));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what: string, fn: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

test('a lossy link: the recorder counts the pictures it could not record and keeps recording; the count survives a reconnect', async (t) => {
  sim = await startSimulator({ cameras: 1, port: 0, cacheDir: TEST_SIM_CACHE, clips: ['testsrc2'], udp: false });
  const link = await lossyRelay(sim.port, { after: 150, every: 120 });
  const logger = pino({ level: 'silent' });
  const segments: number[] = [];
  fleet = new CameraFleet({
    recordingsDir: path.join(dir, 'recordings'),
    segmentMs: 2000,
    connect: rtspConnector(logger),
    logger,
    password: () => null,
    onSegment: async (seg) => void segments.push(seg.startMs),
  });
  const url = sim.urls[0].replace(`:${sim.port}/`, `:${link.port}/`);
  assert.notEqual(url, sim.urls[0]);
  fleet.upsert({ id: 'lossy', name: 'lossy', url, subUrl: null, username: null, passwordEnc: null, transport: 'tcp', enabled: true, record: true, createdAt: 0, updatedAt: 0 });
  const lost = () => fleet!.status('lossy').lostFrames ?? 0;
  await waitFor('video through the relay', () => fleet!.status('lossy').state === 'online');
  assert.equal(lost(), 0, 'nothing lost while the relay passes everything (the wait for the first keyframe is not a loss)');
  await waitFor('three packets dropped', () => link.dropped() >= 3, 30_000);
  await sleep(500);
  const afterDrops = lost();
  assert.ok(afterDrops >= 3, `each dropped packet costs at least its picture: ${afterDrops} lost for ${link.dropped()} dropped`);
  await waitFor('segments recorded through the losses', () => segments.length >= 2, 20_000);
  assert.equal(fleet.status('lossy').state, 'online');

  // the link breaks: the next connection starts counting from zero, the status does not
  link.cutAll();
  await waitFor('reconnected', () => fleet!.status('lossy').reconnects >= 1 && fleet!.status('lossy').state === 'online', 20_000);
  assert.ok(lost() >= afterDrops, `the count is kept across the reconnect: ${lost()} after, ${afterDrops} before`);
  t.diagnostic(`${link.dropped()} RTP packets dropped, ${lost()} pictures lost, ${segments.length} segments`);
});

// Stall detection against the client's own event loop: a camera that keeps sending while this
// process is too busy to read must not be declared stalled (its packets wait in our socket), while
// a camera that really goes quiet still is. The camera runs in another process, so it goes on
// sending while this one is blocked, as a real camera would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { RtspClient } from '../../src/media/rtsp-client.ts';
import { LoopLag } from '../../src/media/loop-lag.ts';

const serverModule = path.resolve(import.meta.dirname, '../../src/media/rtsp-server.ts');

/** A 25 fps camera in a child process (Vigil's RTSP server, a keyframe every second); resolves its port. */
async function cameraProcess(): Promise<{ child: ChildProcess; url: string }> {
  const code = `
    import { RtspServer } from ${JSON.stringify(serverModule)};
    const SPS = Buffer.from('674d401eda0280bfe584', 'hex');
    const PPS = Buffer.from('68ee3c80', 'hex');
    const listeners = new Set();
    const source = {
      parameterSets: () => ({ sps: SPS, pps: PPS }),
      subscribe: (l) => { listeners.add(l); return () => listeners.delete(l); },
    };
    const server = new RtspServer({ port: 0 });
    server.addPath('/cam', source);
    await server.listen();
    let i = 0;
    setInterval(() => {
      const key = i % 25 === 0;
      const slice = Buffer.alloc(key ? 6000 : 1500, 7);
      slice[0] = key ? 0x65 : 0x41;
      const au = { nalus: key ? [SPS, PPS, slice] : [slice], dts: i * 3600, pts: i * 3600, keyframe: key };
      i++;
      for (const l of listeners) l(au);
    }, 40);
    console.log(server.port);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(child.stdout!, 'data');
  return { child, url: `rtsp://127.0.0.1:${Number(String(line).trim())}/cam` };
}

/** Keep this process's event loop busy, as hundreds of cameras do when the node is past its capacity. */
function blockLoop(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    /* busy */
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A playing client whose next access unit takes `blockMs` to handle, as a saturated recorder's do. */
async function playing(lag: LoopLag | null, url: string) {
  const client = new RtspClient({ url, stallTimeoutMs: 500, loopLag: lag });
  let units = 0;
  let blockMs = 0;
  const errors: string[] = [];
  client.on('accessUnit', () => {
    units++;
    if (blockMs) blockLoop(blockMs);
    blockMs = 0;
  });
  client.on('error', (e) => errors.push(e.code));
  await client.connect();
  await sleep(300);
  return { client, errors, units: () => units, block: (ms: number) => (blockMs = ms) };
}

test('a blocked event loop is not a stalled camera; a camera that goes quiet still is', async () => {
  const cam = await cameraProcess();
  try {
    // Blocked for 4x the stall timeout while the camera keeps sending.
    const c = await playing(new LoopLag(50), cam.url);
    assert.ok(c.units() > 0, 'video flows before the block');
    const before = c.units();
    c.block(2000); // the next unit's handler holds the loop for 2 s; the camera sends 50 more meanwhile
    while (c.units() === before) await sleep(5);
    await sleep(600);
    assert.deepEqual(c.errors, [], 'no STREAM_STALLED after the loop was late');
    assert.equal(c.client.state, 'playing');
    assert.ok(c.units() - before >= 55, `the video queued during the block was read after it (${c.units() - before} units)`);

    // The same block with the loop's lateness ignored: the watchdog runs before the socket is
    // read and blames the camera. This is what the lateness accounting is for.
    const naive = await playing(null, cam.url);
    const naiveBefore = naive.units();
    naive.block(2000);
    while (naive.units() === naiveBefore) await sleep(5);
    await sleep(200);
    assert.deepEqual(naive.errors, ['STREAM_STALLED']);

    // A real stall: the camera process freezes (SIGSTOP), the connection stays open.
    cam.child.kill('SIGSTOP');
    const t0 = Date.now();
    while (c.errors.length === 0 && Date.now() - t0 < 5000) await sleep(50);
    assert.deepEqual(c.errors, ['STREAM_STALLED']);
    assert.ok(Date.now() - t0 < 1500, `detected after ${Date.now() - t0} ms`);
    await c.client.close();
    await naive.client.close();
  } finally {
    cam.child.kill('SIGCONT');
    cam.child.kill('SIGKILL');
  }
});

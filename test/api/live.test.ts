// Live view over WebSocket with a real simulated camera: init + fragments arrive, many viewers
// share one camera connection, start and stop are audited, strangers and other origins are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { TEST_SIM_CACHE } from '../helpers/recording-rig.ts';

let sim: Simulator;
let v: TestVigil;
before(async () => {
  sim = await startSimulator({ cameras: 1, port: 0, cacheDir: TEST_SIM_CACHE, clips: ['testsrc2'] });
  v = await startTestVigil({ cameras: [{ id: 'cam1', name: 'Cam 1', url: sim.urls[0] }] });
  assert.equal((await v.login('admin', 'admin-password-1')).status, 200);
});
after(async () => {
  await v?.stop();
  await sim?.close();
});

interface Viewer {
  ws: WebSocket;
  texts: any[];
  binaries: Buffer[];
  opened: Promise<void>;
}

function view(cookie: string | null, headers: Record<string, string> = {}): Viewer {
  const ws = new WebSocket(v.url.replace('http', 'ws') + '/api/cameras/cam1/live', { headers: { ...(cookie ? { cookie } : {}), ...headers } });
  const vw: Viewer = { ws, texts: [], binaries: [], opened: new Promise((res, rej) => (ws.once('open', () => res()), ws.once('error', rej))) };
  ws.on('message', (data, isBinary) => (isBinary ? vw.binaries.push(data as Buffer) : vw.texts.push(JSON.parse(String(data)))));
  return vw;
}

function boxType(b: Buffer): string {
  return b.subarray(4, 8).toString('latin1');
}

async function until(fn: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('three viewers get the init segment and live fragments from one camera connection', async () => {
  const viewers = [view(v.cookie), view(v.cookie), view(v.cookie)];
  await Promise.all(viewers.map((x) => x.opened));
  await until(() => viewers.every((x) => x.binaries.length > 30));
  for (const x of viewers) {
    // a viewer that arrives before the camera is online first hears {type:'status', state:'connecting'}
    const init = x.texts.find((t) => t.type === 'init');
    assert.ok(init, JSON.stringify(x.texts));
    assert.match(init.mime, /^video\/mp4; codecs="avc1\.[0-9a-f]{6}"$/);
    assert.equal(boxType(x.binaries[0]), 'ftyp');
    assert.equal(boxType(x.binaries[1]), 'moof');
  }
  assert.equal(sim.server.stats().playing, 1, 'one RTSP session plays at the camera for three viewers');
  for (const x of viewers) x.ws.close();
  await new Promise((r) => setTimeout(r, 300));
  const audit = await v.store.listAudit(0, 1000);
  assert.equal(audit.filter((e) => e.action === 'live.start' && e.cameraId === 'cam1').length, 3);
  assert.equal(audit.filter((e) => e.action === 'live.stop' && e.cameraId === 'cam1').length, 3);
});

test('no session, another origin, an unknown camera: refused before any video', async () => {
  const stranger = view(null);
  await assert.rejects(stranger.opened, /401/);
  const csrf = view(v.cookie, { origin: 'http://evil.example' });
  await assert.rejects(csrf.opened, /403/);
  const ws = new WebSocket(v.url.replace('http', 'ws') + '/api/cameras/nope/live', { headers: { cookie: v.cookie! } });
  await assert.rejects(new Promise((res, rej) => (ws.once('open', res), ws.once('error', rej))), /404/);
});

// Our RTSP client against Debian's GStreamer RTSP server: an implementation we did not write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startGstRtspServer } from '../helpers/gst-rtsp.ts';
import { RtspClient, type RtspTransport } from '../../src/media/rtsp-client.ts';
import type { AccessUnit } from '../../src/media/types.ts';

async function play(url: string, transport: RtspTransport, creds?: { username: string; password: string }, ms = 1500) {
  const client = new RtspClient({ url, transport, ...creds });
  const units: AccessUnit[] = [];
  let firstAt = -1;
  const t0 = Date.now();
  client.on('accessUnit', (au) => {
    if (firstAt < 0) firstAt = Date.now() - t0;
    units.push(au);
  });
  const errors: Error[] = [];
  client.on('error', (e) => errors.push(e));
  const track = await client.connect();
  await new Promise((r) => setTimeout(r, ms));
  await client.close();
  return { track, units, firstAt, errors, stats: client.stats };
}

function assertGoodStream(r: Awaited<ReturnType<typeof play>>): void {
  assert.deepEqual(r.errors, []);
  assert.ok(r.units.length >= 20, `units: ${r.units.length}`);
  assert.ok(r.firstAt >= 0 && r.firstAt < 2000, `first unit after ${r.firstAt} ms`);
  assert.equal(r.units[0].keyframe, true);
  for (let i = 1; i < r.units.length; i++) assert.ok(r.units[i].dts > r.units[i - 1].dts, 'dts increases');
  const step = (r.units.at(-1)!.dts - r.units[0].dts) / (r.units.length - 1);
  assert.ok(Math.abs(step - 3600) < 200, `mean frame step ${step} ticks (25 fps = 3600)`);
  assert.equal(r.stats.lostPackets, 0);
  assert.equal(r.track.sps![0] & 0x1f, 7, 'SPS from sprop-parameter-sets');
  assert.equal(r.track.pps![0] & 0x1f, 8);
}

test('GStreamer without auth, TCP and UDP; audio track is reported but not set up', async () => {
  const gst = await startGstRtspServer({ audio: true });
  try {
    for (const transport of ['tcp', 'udp'] as const) {
      const r = await play(gst.url, transport);
      assertGoodStream(r);
      assert.equal(r.track.hasAudio, true);
      assert.match(r.track.controlUrl, /\/test\/stream=0$/);
    }
  } finally {
    await gst.stop();
  }
});

for (const scheme of ['basic', 'digest'] as const) {
  test(`GStreamer with ${scheme} auth: right credentials play (TCP, UDP), wrong ones give AUTH_FAILED`, async () => {
    const gst = await startGstRtspServer({ auth: { scheme, username: 'viewer', password: 'hunter2' } });
    try {
      assertGoodStream(await play(gst.url, 'tcp', { username: 'viewer', password: 'hunter2' }));
      assertGoodStream(await play(gst.url, 'udp', { username: 'viewer', password: 'hunter2' }));
      await assert.rejects(new RtspClient({ url: gst.url, username: 'viewer', password: 'wrong' }).connect(), { code: 'AUTH_FAILED' });
      await assert.rejects(new RtspClient({ url: gst.url }).connect(), { code: 'AUTH_FAILED' });
    } finally {
      await gst.stop();
    }
  });
}

test('GStreamer going away mid-stream ends the stream with STREAM_ENDED', async () => {
  const gst = await startGstRtspServer();
  const client = new RtspClient({ url: gst.url, stallTimeoutMs: 3000 });
  const closed = new Promise<void>((r) => client.once('close', () => r()));
  const error = new Promise<Error & { code?: string }>((r) => client.once('error', r));
  await client.connect();
  await new Promise((r) => setTimeout(r, 300));
  await gst.stop();
  const e = await error;
  assert.ok(e.code === 'STREAM_ENDED' || e.code === 'STREAM_STALLED', e.code);
  await closed;
  assert.equal(client.state, 'closed');
});

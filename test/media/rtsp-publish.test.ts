// ffmpeg as an independent publisher: it encodes live and pushes H.264/H.265 into our RTSP server
// (ANNOUNCE, SETUP mode=record, RECORD over TCP); the recorder records the path from the server,
// ffprobe plays the segments. Refusals: publishing not enabled, over UDP, onto a path in use.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { RtspServer } from '../../src/media/index.ts';
import { startRig, type Rig } from '../helpers/recording-rig.ts';

before(() => {
  if (!existsSync('/usr/bin/ffmpeg') || !existsSync('/usr/bin/ffprobe')) throw new Error('ffmpeg missing: apt-get install ffmpeg');
});

const children: ChildProcess[] = [];
let rig: Rig | undefined;
after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await rig?.close();
});

function publish(url: string, opts: { transport?: 'tcp' | 'udp'; codec?: 'libx264' | 'libx265' } = {}): { child: ChildProcess; done: Promise<{ code: number | null; stderr: string }> } {
  const codec = opts.codec ?? 'libx264';
  const enc = codec === 'libx264' ? ['-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25'] : ['-preset', 'ultrafast', '-x265-params', 'keyint=25:min-keyint=25:log-level=error'];
  const child = spawn('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-c:v', codec, ...enc, '-pix_fmt', 'yuv420p', '-f', 'rtsp', '-rtsp_transport', opts.transport ?? 'tcp', url], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
  return { child, done };
}

async function until<T>(what: string, fn: () => T | undefined | false, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function probe(file: string): { frames: number; width: number; codec: string; errors: string } {
  const out = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=nb_read_frames,width,codec_name', '-of', 'json', file], { encoding: 'utf8' }));
  let errors = '';
  try {
    execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    errors = String((e as { stderr?: string }).stderr ?? e);
  }
  const s = out.streams[0];
  return { frames: Number(s.nb_read_frames), width: Number(s.width), codec: s.codec_name, errors };
}

for (const codec of ['libx264', 'libx265'] as const) {
  test(`ffmpeg pushes ${codec === 'libx264' ? 'H.264' : 'H.265'} into our server; the recorder records it and the segments play; the path ends with the publisher`, async () => {
    const server = new RtspServer({ port: 0, acceptPublish: true, udp: false });
    await server.listen();
    try {
      const url = `rtsp://127.0.0.1:${server.port}/push/${codec}`;
      const pub = publish(url, { codec });
      await until('the publisher to announce', () => server.stats().published.includes(`/push/${codec}`), 15_000);
      rig ??= await startRig(2000);
      const id = `pushed-${codec}`;
      await rig.addCamera(id, url);
      const segs = await rig.waitFor('2 segments of the pushed stream', async () => {
        const s = await rig!.store.listSegments(id, 0, Date.now() + 1000);
        return s.length >= 2 ? s : null;
      }, 30_000);
      for (const s of segs.slice(0, 2)) {
        const p = probe(path.join(rig.recordingsDir, s.path));
        assert.equal(p.width, 640);
        assert.equal(p.codec, codec === 'libx264' ? 'h264' : 'hevc');
        assert.equal(p.errors, '', 'decodes without errors');
        // 2 s segments cut on the 1 s keyframes of a 25 fps stream
        const expected = ((s.endMs - s.startMs) / 1000) * 25;
        assert.ok(p.frames >= expected * 0.9 && p.frames <= expected * 1.1 + 1, `frames ${p.frames} in ${s.endMs - s.startMs} ms`);
      }
      assert.equal(rig.fleet.status(id).state, 'online');

      // The publisher goes away: the path goes too, and the recorder notices at once (the server hangs up).
      pub.child.kill('SIGKILL');
      await until('the path to be gone', () => server.stats().published.length === 0, 5000);
      await until('the camera to be offline', () => rig!.fleet.status(id).state !== 'online', 5000);
      rig.fleet.remove(id);
    } finally {
      await server.close();
    }
  });
}

test('publishing is refused when not enabled (405), over UDP (461) and onto a path in use (455)', async () => {
  const closed = new RtspServer({ port: 0 });
  await closed.listen();
  const open = new RtspServer({ port: 0, acceptPublish: true });
  await open.listen();
  try {
    const r1 = await publish(`rtsp://127.0.0.1:${closed.port}/x`).done;
    assert.notEqual(r1.code, 0);
    assert.match(r1.stderr, /405/);
    assert.deepEqual(closed.stats().published, []);

    const r2 = await publish(`rtsp://127.0.0.1:${open.port}/udp`, { transport: 'udp' }).done;
    assert.notEqual(r2.code, 0);
    assert.match(r2.stderr, /461/);
    // The refused publisher left: its announced path must not linger.
    await until('the refused path to be gone', () => open.stats().published.length === 0, 5000);

    const first = publish(`rtsp://127.0.0.1:${open.port}/busy`);
    await until('the first publisher', () => open.stats().published.includes('/busy'), 15_000);
    const r3 = await publish(`rtsp://127.0.0.1:${open.port}/busy`).done;
    assert.notEqual(r3.code, 0);
    assert.match(r3.stderr, /455/);
    assert.equal(first.child.exitCode, null, 'the first publisher goes on');
    first.child.kill('SIGKILL');
  } finally {
    await closed.close();
    await open.close();
  }
});

// The benchmark's cameras, run as their own process so their CPU is never counted as the
// recorder's: N RTSP paths (/cam1..camN) on Vigil's RtspServer, all replaying one clip at real-time
// pace with staggered start frames (keyframes spread over the GOP, as real cameras' are).
//
// It counts, per camera, the pictures handed to the server from the first keyframe of each
// subscription on (the server starts a new viewer at a keyframe), so the bench can compare frames
// sent with frames recorded. SIGUSR2 stops sending for good and prints `sent {json}` on stdout.
//
//   node bench/lib/record-camera-server.ts --cameras N --clip FILE.h264 --meta FILE.json
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { RtspServer, type AccessUnit } from '../../src/media/index.ts';
import { clipFromAnnexB, type ClipMeta, type LoadedClip } from '../../src/simulator/index.ts';

type Listener = (au: AccessUnit) => void;

class BenchCamera {
  readonly clip: LoadedClip;
  readonly offset: number;
  listener?: Listener;
  /** Next frame number (on the shared clock) to emit. */
  next = 0;
  started = false;
  sent = 0;
  subscriptions = 0;

  constructor(clip: LoadedClip, offset: number) {
    this.clip = clip;
    this.offset = offset % clip.frames.length;
  }

  emit(n: number): void {
    const f = this.clip.frames[(n + this.offset) % this.clip.frames.length];
    if (!this.started && !f.keyframe) return;
    this.started = true;
    this.sent++;
    const ts = Math.round((n * 90_000) / this.clip.meta.fps);
    this.listener?.({ nalus: f.nalus, dts: ts, pts: ts, keyframe: f.keyframe });
  }
}

const { values } = parseArgs({ options: { cameras: { type: 'string' }, clip: { type: 'string' }, meta: { type: 'string' }, port: { type: 'string', default: '0' } } });
const N = Number(values.cameras);
const meta = JSON.parse(readFileSync(values.meta!, 'utf8')) as ClipMeta;
const clip = clipFromAnnexB(meta, readFileSync(values.clip!));
const fps = meta.fps;
const t0 = performance.now();
const frameNow = () => Math.floor(((performance.now() - t0) * fps) / 1000);
const active = new Set<BenchCamera>();
let open = true;

const server = new RtspServer({ host: '127.0.0.1', port: Number(values.port), udp: false });
const cams: BenchCamera[] = [];
for (let i = 0; i < N; i++) {
  const cam = new BenchCamera(clip, i * 53);
  cams.push(cam);
  server.addPath(`/cam${i + 1}`, {
    parameterSets: () => ({ sps: clip.sps, pps: clip.pps }),
    subscribe(onAccessUnit) {
      cam.listener = onAccessUnit;
      cam.started = false;
      cam.subscriptions++;
      cam.next = frameNow() + 1;
      active.add(cam);
      return () => {
        cam.listener = undefined;
        active.delete(cam);
      };
    },
  });
}

// One timer for every camera; frames due since the last tick go out in order.
const timer = setInterval(() => {
  if (!open) return;
  const due = frameNow();
  for (const cam of active) {
    if (due - cam.next > 2 * fps) cam.next = due; // a stalled loop must not burst seconds of video
    while (cam.next <= due && cam.listener) cam.emit(cam.next++);
  }
}, 20);

const port = await server.listen();
process.stdout.write(`ready ${port}\n`);

process.on('SIGUSR2', () => {
  if (!open) return;
  open = false;
  const s = server.stats();
  process.stdout.write(`sent ${JSON.stringify({ perCamera: cams.map((c) => c.sent), subscriptions: cams.map((c) => c.subscriptions), droppedForSlowViewers: s.droppedForSlowViewers, playing: s.playing })}\n`);
});

const shutdown = () => {
  clearInterval(timer);
  void server.close().then(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);

// Live view with masks burned in, for viewers who may not see under them. One ffmpeg per camera
// and mask set, shared by every such viewer of that camera, started with the first and stopped
// with the last; its output fans out through a LiveHub like the camera's own stream. Viewers who
// may see the original are not served from here: they keep the camera's own bytes.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { LiveHub, type CameraRuntime, type LiveSink } from '../live/index.ts';import { readFmp4 } from '../media/index.ts';
import { MaskBurner } from './mask-burner.ts';
import type { Point } from './mask-geometry.ts';

interface Channel {
  hub: LiveHub;
  burner: MaskBurner | null;
  sourceInit: Buffer | null;
  /** Set after ffmpeg failed: the next source keyframe starts a new one. */
  restartOnKeyframe: boolean;
  lastRestart: number;
  unwatchSource: () => void;
  viewers: number;
}

/** Seconds between restarts of a failing masking process for one camera. */
const RESTART_GAP_MS = 5_000;

export class MaskedLive {
  private readonly channels = new Map<string, Channel>();
  private readonly runtime: CameraRuntime;
  private readonly log: Logger | undefined;
  private readonly ffmpeg: string | undefined;

  constructor(o: { runtime: CameraRuntime; logger?: Logger; ffmpeg?: string }) {
    this.runtime = o.runtime;
    this.log = o.logger;
    this.ffmpeg = o.ffmpeg;
  }

  /** Number of masking processes running (one per camera and mask set being watched). */
  get running(): number {
    return [...this.channels.values()].filter((c) => c.burner).length;
  }

  /** Subscribes a viewer to the camera's stream with these masks burned in; returns the unsubscribe. */
  watch(cameraId: string, polygons: readonly (readonly Point[])[], sink: LiveSink): () => void {
    const key = `${cameraId}\u0000${createHash('sha256').update(JSON.stringify(polygons)).digest('hex')}`;
    let ch = this.channels.get(key);
    if (!ch) {
      ch = this.open(cameraId, polygons);
      this.channels.set(key, ch);
    }
    const channel = ch;
    channel.viewers++;
    const remove = channel.hub.add(sink);
    let gone = false;
    return () => {
      if (gone) return;
      gone = true;
      remove();
      if (--channel.viewers === 0) {
        this.channels.delete(key);
        channel.unwatchSource();
        channel.burner?.kill();
        channel.burner = null;
      }
    };
  }

  private open(cameraId: string, polygons: readonly (readonly Point[])[]): Channel {
    const hub = new LiveHub();
    const ch: Channel = { hub, burner: null, sourceInit: null, restartOnKeyframe: false, lastRestart: 0, unwatchSource: () => undefined, viewers: 0 };
    const startBurner = (init: Buffer) => {
      ch.burner?.kill();
      ch.lastRestart = Date.now();
      const burner: MaskBurner = new MaskBurner({ polygons, ffmpeg: this.ffmpeg }, {
        init: (mime, masked) => {
          hub.setState('online', null);
          hub.setInit(mime, masked);
        },
        fragment: (data, keyframe) => hub.fragment(data, keyframe),
        end: (err) => {
          if (ch.burner !== burner) return;
          ch.burner = null;
          ch.restartOnKeyframe = true;
          // Fail closed: viewers see an offline camera, never the unmasked stream.
          hub.setState('offline', `MASKING_FAILED: ${err?.message ?? 'masking stopped'}`);
          this.log?.error({ cameraId, err: err?.message }, 'masked live stream failed');
        },
      });
      ch.burner = burner;
      ch.restartOnKeyframe = false;
      burner.write(init);
    };
    const source: LiveSink = {
      init: (_mime, init) => {
        ch.sourceInit = Buffer.from(init);
        // A new stream configuration (the camera reconnected): a new encoder, from its next keyframe.
        ch.burner?.kill();
        ch.burner = null;
        ch.restartOnKeyframe = true;
      },
      fragment: (data) => {
        if (!ch.burner && ch.restartOnKeyframe && ch.sourceInit && Date.now() - ch.lastRestart >= RESTART_GAP_MS && isKeyframeFragment(ch.sourceInit, data)) {
          startBurner(ch.sourceInit);
        }
        ch.burner?.write(data);
      },
      status: (state, message) => hub.setState(state, message),
      // ffmpeg behind: the camera's hub skips frames for it up to the next keyframe, as for a slow browser.
      get bufferedBytes() {
        return ch.burner?.pendingBytes ?? 0;
      },
    };
    ch.lastRestart = 0;
    ch.unwatchSource = this.runtime.watch(cameraId, source);
    return ch;
  }
}

function isKeyframeFragment(init: Buffer, data: Buffer): boolean {
  try {
    return readFmp4(Buffer.concat([init, data])).fragments[0]?.keyframe ?? false;
  } catch {
    return false;
  }
}

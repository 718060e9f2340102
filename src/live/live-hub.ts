// Fan-out of one camera's fMP4 fragments to its live viewers: one camera connection, any number
// of viewers. The hub keeps the init segment and the fragments since the last keyframe, so a new
// viewer starts decoding at once instead of waiting up to a GOP for the next keyframe.
import { fragmentDecodeTime, initTimescale } from '../media/index.ts';
import type { CameraState, LiveSink } from './types.ts';

/**
 * A fragment as the hub gets it: one Buffer, or the muxer's output (its parts, and `data` joining
 * them on first use). Without viewers nothing is joined.
 */
export type HubFragment = Buffer | { readonly data: Buffer; readonly byteLength: number; readonly parts?: readonly Buffer[] };

const bytesOf = (f: HubFragment): Buffer => (Buffer.isBuffer(f) ? f : f.data);

/** A viewer that has this many bytes unsent is skipped until it drains and the next keyframe. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Bound the GOP cache for cameras with very long GOPs. */
const MAX_GOP_BYTES = 8 * 1024 * 1024;

interface Viewer {
  sink: LiveSink;
  /** True until the viewer has been given a keyframe after its init segment. */
  needsKeyframe: boolean;
}

export class LiveHub {
  private mime: string | null = null;
  private initSegment: Buffer | null = null;
  /**
   * The fragments since the last keyframe, copied end to end into one buffer that is reused from
   * GOP to GOP (gopEnds: where each ends). Holding the fragments themselves would keep several
   * objects per picture alive for a GOP on every camera, watched or not: most of the garbage
   * collector's work at hundreds of cameras. A late viewer gets copies.
   */
  private gopBuf: Buffer | null = null;
  private gopBytes = 0;
  private gopEnds: number[] = [];
  private readonly viewers = new Set<Viewer>();
  private state: CameraState = 'connecting';
  private timescale: number | null = null;
  /** The wall-clock time of the current GOP's keyframe and its place on the media timeline. */
  private gopClock: { wallMs: number; mediaSec: number } | null = null;
  private stateMessage: string | null = null;

  get viewerCount(): number {
    return this.viewers.size;
  }

  add(sink: LiveSink): () => void {
    const v: Viewer = { sink, needsKeyframe: true };
    this.viewers.add(v);
    if (this.mime && this.initSegment) {
      sink.init(this.mime, this.initSegment);
      if (this.gopEnds.length) {
        let start = 0;
        for (const end of this.gopEnds) {
          sink.fragment(Buffer.from(this.gopBuf!.subarray(start, end)));
          start = end;
        }
        v.needsKeyframe = false;
        if (this.gopClock) sink.clock?.(this.gopClock.wallMs, this.gopClock.mediaSec);
      }
    }
    if (this.state !== 'online') sink.status(this.state, this.stateMessage);
    return () => this.viewers.delete(v);
  }

  setInit(mime: string, initSegment: Buffer): void {
    this.mime = mime;
    this.initSegment = initSegment;
    this.timescale = initTimescale(initSegment);
    this.clearGop();
    for (const v of this.viewers) {
      v.sink.init(mime, initSegment);
      v.needsKeyframe = true;
    }
  }

  /**
   * One fragment. `wallMs`: when its first picture was taken, as the recorder's clock says (absent:
   * now, on arrival). Each keyframe's is passed on to the viewers with its media time.
   */
  fragment(data: HubFragment, keyframe: boolean, wallMs?: number): void {
    if (keyframe) {
      this.clearGop();
      this.gopClock = null;
      if (this.viewers.size > 0 && this.timescale) {
        const dts = fragmentDecodeTime(bytesOf(data));
        if (dts !== null) this.gopClock = { wallMs: wallMs ?? Date.now(), mediaSec: dts / this.timescale };
      }
    }
    if (this.gopEnds.length || keyframe) {
      if (this.gopBytes + data.byteLength <= MAX_GOP_BYTES) this.appendGop(data);
      else this.clearGop();
    }
    for (const v of this.viewers) {
      if (v.needsKeyframe) {
        if (!keyframe || v.sink.bufferedBytes > MAX_BUFFERED_BYTES / 2) continue;
        v.needsKeyframe = false;
      } else if (v.sink.bufferedBytes > MAX_BUFFERED_BYTES) {
        // A slow viewer: drop frames for it rather than buffer without bound, and resume on a keyframe.
        v.needsKeyframe = true;
        continue;
      }
      if (keyframe && this.gopClock) v.sink.clock?.(this.gopClock.wallMs, this.gopClock.mediaSec);
      v.sink.fragment(bytesOf(data));
    }
  }

  private clearGop(): void {
    this.gopBytes = 0;
    this.gopEnds = [];
  }

  private appendGop(f: HubFragment): void {
    const need = this.gopBytes + f.byteLength;
    if (!this.gopBuf || need > this.gopBuf.length) {
      const grown = Buffer.allocUnsafeSlow(Math.min(MAX_GOP_BYTES, Math.max(need + (need >> 2), 64 * 1024)));
      this.gopBuf?.copy(grown, 0, 0, this.gopBytes);
      this.gopBuf = grown;
    }
    const buf = this.gopBuf;
    if (Buffer.isBuffer(f)) this.gopBytes += f.copy(buf, this.gopBytes);
    else if (f.parts) for (const p of f.parts) this.gopBytes += p.copy(buf, this.gopBytes);
    else this.gopBytes += f.data.copy(buf, this.gopBytes);
    this.gopEnds.push(this.gopBytes);
  }

  setState(state: CameraState, message: string | null): void {
    const changed = state !== this.state || message !== this.stateMessage;
    this.state = state;
    this.stateMessage = message;
    if (state !== 'online') this.clearGop();
    if (changed) for (const v of this.viewers) v.sink.status(state, message);
  }
}

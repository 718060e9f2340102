// Fan-out of one camera's fMP4 fragments to its live viewers: one camera connection, any number
// of viewers. The hub keeps the init segment and the fragments since the last keyframe, so a new
// viewer starts decoding at once instead of waiting up to a GOP for the next keyframe.
import type { CameraState, LiveSink } from './types.ts';

/**
 * A fragment as the hub gets it: one Buffer, or an object that joins its bytes on first use (the
 * muxer's output, whose bytes are views of the camera's packets). Without viewers nothing is joined.
 */
export type HubFragment = Buffer | { readonly data: Buffer; readonly byteLength: number };

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
  private gop: HubFragment[] = [];
  private gopBytes = 0;
  private readonly viewers = new Set<Viewer>();
  private state: CameraState = 'connecting';
  private stateMessage: string | null = null;

  get viewerCount(): number {
    return this.viewers.size;
  }

  add(sink: LiveSink): () => void {
    const v: Viewer = { sink, needsKeyframe: true };
    this.viewers.add(v);
    if (this.mime && this.initSegment) {
      sink.init(this.mime, this.initSegment);
      if (this.gop.length) {
        for (const f of this.gop) sink.fragment(bytesOf(f));
        v.needsKeyframe = false;
      }
    }
    if (this.state !== 'online') sink.status(this.state, this.stateMessage);
    return () => this.viewers.delete(v);
  }

  setInit(mime: string, initSegment: Buffer): void {
    this.mime = mime;
    this.initSegment = initSegment;
    this.gop = [];
    this.gopBytes = 0;
    for (const v of this.viewers) {
      v.sink.init(mime, initSegment);
      v.needsKeyframe = true;
    }
  }

  fragment(data: HubFragment, keyframe: boolean): void {
    if (keyframe) {
      this.gop = [];
      this.gopBytes = 0;
    }
    if (this.gop.length || keyframe) {
      if (this.gopBytes + data.byteLength <= MAX_GOP_BYTES) {
        this.gop.push(data);
        this.gopBytes += data.byteLength;
      } else {
        this.gop = [];
        this.gopBytes = 0;
      }
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
      v.sink.fragment(bytesOf(data));
    }
  }

  setState(state: CameraState, message: string | null): void {
    const changed = state !== this.state || message !== this.stateMessage;
    this.state = state;
    this.stateMessage = message;
    if (state !== 'online') {
      this.gop = [];
      this.gopBytes = 0;
    }
    if (changed) for (const v of this.viewers) v.sink.status(state, message);
  }
}

// Simulated cameras replay a shared clip at real-time pace. One clock ticks for all of them and
// only cameras someone watches do any work; the frame number is derived from wall time, so a
// camera nobody watches costs nothing and its timestamps still increase across loops.
import type { AccessUnit, VideoCodec } from '../media/index.ts';
import type { RtspMediaSource } from '../media/index.ts';
import { captureTimeSei } from '../media/index.ts';
import type { LoadedClip } from './clip.ts';

type Listener = (au: AccessUnit) => void;

export class SimulatedCamera implements RtspMediaSource {
  readonly name: string;
  readonly clip: LoadedClip;
  /** Frame of the clip shown at simulator time 0: cameras sharing a clip don't look alike. */
  readonly offset: number;
  readonly #clock: SimulatorClock;
  readonly #listeners = new Set<Listener>();
  /** Next frame number (since the clock started) to emit. */
  next = 0;
  /** Put the send time in an SEI before each picture (for latency measurements). */
  readonly stampTime: boolean;

  constructor(name: string, clip: LoadedClip, offset: number, clock: SimulatorClock, stampTime = false) {
    this.name = name;
    this.clip = clip;
    this.offset = offset % clip.frames.length;
    this.#clock = clock;
    this.stampTime = stampTime;
  }

  get codec(): VideoCodec {
    return this.clip.codec;
  }

  parameterSets(): { sps: Buffer; pps: Buffer; vps?: Buffer } {
    return { sps: this.clip.sps, pps: this.clip.pps, vps: this.clip.vps };
  }

  subscribe(onAccessUnit: Listener): () => void {
    this.#listeners.add(onAccessUnit);
    if (this.#listeners.size === 1) this.#clock.activate(this);
    return () => {
      this.#listeners.delete(onAccessUnit);
      if (this.#listeners.size === 0) this.#clock.deactivate(this);
    };
  }

  /** Emit frame number n (since clock start). */
  emitFrame(n: number): void {
    const frames = this.clip.frames;
    const f = frames[(n + this.offset) % frames.length];
    const ts = Math.round((n * 90_000) / this.clip.meta.fps);
    let nalus = f.nalus;
    if (this.stampTime) {
      // Before the first picture NAL (after any parameter sets), as SEI must come.
      const sei = captureTimeSei(Date.now() * 1000, this.clip.codec);
      const first = nalus.findIndex((n) => (this.clip.codec === 'h265' ? ((n[0] >> 1) & 0x3f) < 32 : (n[0] & 0x1f) >= 1 && (n[0] & 0x1f) <= 5));
      nalus = first < 0 ? [...nalus, sei] : [...nalus.slice(0, first), sei, ...nalus.slice(first)];
    }
    const au: AccessUnit = { nalus, dts: ts, pts: ts, keyframe: f.keyframe };
    if (this.clip.codec === 'h265') au.codec = 'h265';
    for (const l of this.#listeners) l(au);
  }
}

/** One timer for every camera. Frames due since the last tick are emitted in order. */
export class SimulatorClock {
  readonly #fps: number;
  readonly #tickMs: number;
  readonly #active = new Set<SimulatedCamera>();
  #t0 = performance.now();
  #timer?: NodeJS.Timeout;

  constructor(fps: number, tickMs = 20) {
    this.#fps = fps;
    this.#tickMs = tickMs;
  }

  /** Frame number due now. */
  currentFrame(): number {
    return Math.floor(((performance.now() - this.#t0) * this.#fps) / 1000);
  }

  activate(cam: SimulatedCamera): void {
    cam.next = this.currentFrame() + 1;
    this.#active.add(cam);
    if (!this.#timer) this.#timer = setInterval(() => this.#tick(), this.#tickMs);
  }

  deactivate(cam: SimulatedCamera): void {
    this.#active.delete(cam);
    if (this.#active.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#active.clear();
  }

  #tick(): void {
    const due = this.currentFrame();
    for (const cam of this.#active) {
      // After a long stall (suspended laptop, blocked loop) don't burst seconds of video at once.
      if (due - cam.next > 2 * this.#fps) cam.next = due;
      while (cam.next <= due && this.#active.has(cam)) cam.emitFrame(cam.next++);
    }
  }
}

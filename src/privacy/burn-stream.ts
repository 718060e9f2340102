// Recorded video with the masks burned in: a finite fMP4 stream (playback's chunks) through a
// MaskBurner, with backpressure both ways so a week-long range never piles up in memory.
import { MaskBurner } from './mask-burner.ts';
import { PrivacyError } from './errors.ts';
import type { Point } from './mask-geometry.ts';

export interface BurnedStream {
  mime: string;
  chunks: AsyncGenerator<Buffer>;
}

const HIGH_WATER = 64;

/** Resolves once the masked init segment exists (so its MIME type can go into headers). */
export function burnStream(input: AsyncIterable<Buffer>, polygons: readonly (readonly Point[])[], o: { ffmpeg?: string } = {}): Promise<BurnedStream> {
  const queue: Buffer[] = [];
  let done = false;
  let failure: PrivacyError | null = null;
  let wake: (() => void) | null = null;
  let gotInit: ((mime: string) => void) | null = null;
  let initFailed: ((err: Error) => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const burner = new MaskBurner({ polygons, ffmpeg: o.ffmpeg }, {
    init: (mime, init) => {
      queue.push(init);
      gotInit?.(mime);
      notify();
    },
    fragment: (data) => {
      queue.push(data);
      if (queue.length > HIGH_WATER) burner.pauseOutput();
      notify();
    },
    end: (err) => {
      done = true;
      failure = err;
      if (err) initFailed?.(err);
      else initFailed?.(new PrivacyError('MASKING_FAILED', 'the masked stream ended before any video'));
      notify();
    },
  });
  let stopped = false;
  void (async () => {
    try {
      for await (const chunk of input) {
        if (stopped) break;
        burner.write(chunk);
        await burner.drained();
      }
      burner.end();
    } catch (err) {
      burner.kill();
      done = true;
      const e = new PrivacyError('MASKING_FAILED', `reading the recording failed: ${(err as Error).message}`);
      failure = e;
      (initFailed as ((err: Error) => void) | null)?.(e);
      notify();
    }
  })();

  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        const next = queue.shift();
        if (next) {
          if (queue.length < HIGH_WATER / 2) burner.resumeOutput();
          yield next;
          continue;
        }
        if (done) {
          // Fail closed and loudly: a cut-short masked stream is an error, never a fallback to the original.
          if (failure) throw failure;
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      stopped = true;
      burner.kill();
    }
  }

  return new Promise<BurnedStream>((resolve, reject) => {
    gotInit = (mime) => resolve({ mime, chunks: chunks() });
    initFailed = reject;
  });
}

// SourceBuffer accepts one operation at a time (appendBuffer/remove throw while `updating`),
// so every change goes through this queue and runs on `updateend`.

type Operation =
  | { kind: 'append'; data: ArrayBuffer }
  | { kind: 'remove'; start: number; end: number };

export interface SourceBufferQueueOptions {
  /** When the buffer is full: the time before which data may be dropped to make room, or null. */
  evictBefore: () => number | null;
  onError: (error: unknown) => void;
}

export class SourceBufferQueue {
  private readonly operations: Operation[] = [];
  private readonly options: SourceBufferQueueOptions;
  private buffer: SourceBuffer | null = null;

  constructor(options: SourceBufferQueueOptions) {
    this.options = options;
  }

  get pending(): number {
    return this.operations.length;
  }

  /** Nothing queued and nothing in flight: only then may the MediaSource be ended. */
  get idle(): boolean {
    return this.operations.length === 0 && !(this.buffer?.updating ?? false);
  }

  attach(buffer: SourceBuffer): void {
    this.buffer = buffer;
    buffer.addEventListener('updateend', this.pump);
    buffer.addEventListener('error', this.onBufferError);
    this.pump();
  }

  append(data: ArrayBuffer): void {
    this.operations.push({ kind: 'append', data });
    this.pump();
  }

  /** Drops buffered media in [start, end); a remove already waiting is widened instead of queuing another. */
  remove(start: number, end: number): void {
    if (end <= start) return;
    const waiting = this.operations.find((op) => op.kind === 'remove');
    if (waiting && waiting.kind === 'remove') {
      waiting.start = Math.min(waiting.start, start);
      waiting.end = Math.max(waiting.end, end);
      return;
    }
    this.operations.push({ kind: 'remove', start, end });
    this.pump();
  }

  /** Forgets queued work and lets go of the SourceBuffer (before the MediaSource is torn down). */
  detach(): void {
    this.operations.length = 0;
    const buffer = this.buffer;
    this.buffer = null;
    if (!buffer) return;
    buffer.removeEventListener('updateend', this.pump);
    buffer.removeEventListener('error', this.onBufferError);
    try {
      if (buffer.updating) buffer.abort();
    } catch {
      // The MediaSource may already be closed; nothing left to abort.
    }
  }

  private readonly onBufferError = (): void => {
    this.options.onError(new Error('SourceBuffer error'));
  };

  private readonly pump = (): void => {
    const buffer = this.buffer;
    if (!buffer || buffer.updating) return;
    const operation = this.operations.shift();
    if (!operation) return;
    try {
      if (operation.kind === 'append') buffer.appendBuffer(operation.data);
      else buffer.remove(operation.start, operation.end);
    } catch (error) {
      if (operation.kind === 'append' && error instanceof DOMException && error.name === 'QuotaExceededError') {
        // Make room, then retry the same fragment; dropping it would break decoding until the next keyframe.
        this.operations.unshift(operation);
        const before = this.options.evictBefore();
        const start = buffer.buffered.length > 0 ? buffer.buffered.start(0) : 0;
        if (before !== null && before > start) {
          this.operations.unshift({ kind: 'remove', start, end: before });
          this.pump();
          return;
        }
      }
      this.options.onError(error);
    }
  };
}

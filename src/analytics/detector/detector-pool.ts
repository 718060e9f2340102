import { Worker } from 'node:worker_threads';
import { basename } from 'node:path';
import type { Detection, Detector, DetectorInput } from '../detector-types.ts';
import { DetectorError, type DetectorErrorCode } from './errors.ts';
import type { WorkerConfig, WorkerReply } from './inference-worker.ts';

/** One caller's detect(): its crops, where their results go, and when it was asked. */
interface Request {
  inputs: DetectorInput[];
  /** next crop of this request not yet sent to a worker */
  next: number;
  results: Detection[][];
  /** crops whose results have not come back yet */
  remaining: number;
  at: number;
  resolve: (d: Detection[][]) => void;
  reject: (e: Error) => void;
  failed: boolean;
}

/** A slice of a request sent in one worker batch. */
interface Part { request: Request; from: number; count: number }

interface Slot {
  worker: Worker;
  busy: boolean;
  /**
   * Crops are copied into this shared memory and the worker reads them in place: no structured
   * clone of pixel data and no new buffer per batch on either side. Reused once the worker has
   * replied (one batch in flight per worker); grown when a batch needs more.
   */
  arena: SharedArrayBuffer;
  inFlight: { id: number; parts: Part[] } | null;
  dead: boolean;
}

export interface BatchingOptions {
  /** most crops in one worker batch (default 8: the int8 model's CPU cost per crop stops falling there) */
  maxBatch?: number;
  /** longest a crop waits for others while a worker is idle, ms (default 3) */
  maxDelayMs?: number;
}

export interface BatchStats {
  /** worker batches sent */
  batches: number;
  /** crops sent */
  crops: number;
  /** detect() calls */
  requests: number;
}

/**
 * A Detector over N worker threads, each with its own runtime instance. Calls from many cameras
 * (each with the crops of one frame) are gathered into one queue; a worker gets a batch of up to
 * maxBatch crops when it has that many or the oldest has waited maxDelayMs. While every worker is
 * busy the queue simply grows, so batches get bigger exactly when the machine is loaded. The queue
 * is first in, first out, and a camera awaits its frame before sending the next, so each camera's
 * frames are detected in order.
 */
export class WorkerPoolDetector implements Detector {
  readonly inputSize: number;
  readonly model: string;
  readonly stats: BatchStats = { batches: 0, crops: 0, requests: 0 };
  #slots: Slot[];
  #queue: Request[] = [];
  #queued = 0;
  #timer: NodeJS.Timeout | null = null;
  #nextId = 1;
  #closed = false;
  readonly #maxBatch: number;
  readonly #maxDelayMs: number;

  constructor(config: WorkerConfig, workers: number, batching: BatchingOptions = {}) {
    this.inputSize = config.inputSize;
    this.model = basename(config.modelPath);
    this.#maxBatch = Math.max(1, batching.maxBatch ?? 8);
    this.#maxDelayMs = Math.max(0, batching.maxDelayMs ?? 3);
    this.#slots = Array.from({ length: workers }, () => {
      const worker = new Worker(new URL('./inference-worker.ts', import.meta.url), { workerData: config });
      const slot: Slot = { worker, busy: false, arena: new SharedArrayBuffer(0), inFlight: null, dead: false };
      worker.on('message', (m: WorkerReply) => {
        const f = slot.inFlight;
        if (!f || f.id !== m.id) return;
        slot.inFlight = null;
        slot.busy = false;
        if (m.error) this.#fail(f.parts, new DetectorError(m.error.code as DetectorErrorCode, m.error.message));
        else this.#deliver(f.parts, m.detections!);
        this.#pump();
      });
      worker.on('error', (err) => {
        slot.dead = true;
        const f = slot.inFlight;
        slot.inFlight = null;
        if (f) this.#fail(f.parts, new DetectorError('INFERENCE_FAILED', `detector worker died: ${err.message}`, { cause: err }));
        if (this.#slots.every((s) => s.dead)) this.#failQueued(new DetectorError('INFERENCE_FAILED', 'every detector worker died'));
        else this.#pump();
      });
      return slot;
    });
  }

  detect(batch: DetectorInput[]): Promise<Detection[][]> {
    if (this.#closed) return Promise.reject(new DetectorError('DETECTOR_CLOSED', 'detector is closed'));
    if (!batch.length) return Promise.resolve([]);
    if (this.#slots.every((s) => s.dead)) return Promise.reject(new DetectorError('INFERENCE_FAILED', 'every detector worker died'));
    this.stats.requests++;
    return new Promise((resolve, reject) => {
      this.#queue.push({ inputs: batch, next: 0, results: new Array(batch.length), remaining: batch.length, at: performance.now(), resolve, reject, failed: false });
      this.#queued += batch.length;
      this.#pump();
    });
  }

  /** Sends batches to idle workers while the queue holds a full batch or a crop has waited long enough. */
  #pump(): void {
    while (this.#queued > 0) {
      const idle = this.#slots.filter((s) => !s.busy && !s.dead);
      if (idle.length === 0) return; // a reply pumps again
      const waited = performance.now() - this.#queue[0].at;
      if (this.#queued < this.#maxBatch && waited < this.#maxDelayMs) {
        this.#timer ??= setTimeout(() => {
          this.#timer = null;
          this.#pump();
        }, Math.max(1, Math.ceil(this.#maxDelayMs - waited)));
        return;
      }
      // Several idle workers share what is queued (lower latency for the same CPU).
      const share = Math.min(this.#maxBatch, Math.ceil(this.#queued / idle.length));
      this.#send(idle[0], share);
    }
  }

  #send(slot: Slot, count: number): void {
    const parts: Part[] = [];
    let bytes = 0;
    let n = 0;
    for (let qi = 0; n < count && qi < this.#queue.length; qi++) {
      const r = this.#queue[qi];
      const take = Math.min(count - n, r.inputs.length - r.next);
      parts.push({ request: r, from: r.next, count: take });
      for (let k = r.next; k < r.next + take; k++) bytes += r.inputs[k].rgb.length;
      n += take;
    }
    if (slot.arena.byteLength < bytes) slot.arena = new SharedArrayBuffer(Math.max(bytes, slot.arena.byteLength * 2));
    const inputs: DetectorInput[] = [];
    let off = 0;
    for (const p of parts) {
      for (let k = p.from; k < p.from + p.count; k++) {
        const c = p.request.inputs[k];
        const view = new Uint8Array(slot.arena, off, c.rgb.length);
        view.set(c.rgb);
        off += c.rgb.length;
        inputs.push({ rgb: view, width: c.width, height: c.height, region: c.region, size: c.size, fit: c.fit });
      }
      p.request.next += p.count;
    }
    // Requests fully handed out leave the queue.
    while (this.#queue.length && this.#queue[0].next === this.#queue[0].inputs.length) this.#queue.shift();
    this.#queued -= n;
    const id = this.#nextId++;
    slot.busy = true;
    slot.inFlight = { id, parts };
    this.stats.batches++;
    this.stats.crops += n;
    slot.worker.postMessage({ id, inputs });
  }

  #deliver(parts: Part[], detections: Detection[][]): void {
    let i = 0;
    for (const p of parts) {
      const r = p.request;
      for (let k = 0; k < p.count; k++) r.results[p.from + k] = detections[i++] ?? [];
      r.remaining -= p.count;
      if (r.remaining === 0 && !r.failed) r.resolve(r.results);
    }
  }

  #fail(parts: Part[], err: Error): void {
    for (const p of parts) {
      const r = p.request;
      if (r.failed) continue;
      r.failed = true;
      r.reject(err);
      // The rest of a failed request need not run.
      const left = r.inputs.length - r.next;
      if (left > 0) {
        r.next = r.inputs.length;
        this.#queued -= left;
        this.#queue = this.#queue.filter((q) => q !== r);
      }
    }
  }

  #failQueued(err: Error): void {
    const q = this.#queue;
    this.#queue = [];
    this.#queued = 0;
    for (const r of q) if (!r.failed) ((r.failed = true), r.reject(err));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#failQueued(new DetectorError('DETECTOR_CLOSED', 'detector is closed'));
    await Promise.all(this.#slots.map((s) => new Promise<void>((res) => {
      s.worker.once('exit', () => res());
      s.worker.postMessage('close');
      setTimeout(() => { void s.worker.terminate(); }, 2000).unref();
    })));
  }
}

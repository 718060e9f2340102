import { Worker } from 'node:worker_threads';
import type { Detection, Detector, DetectorInput } from '../detector-types.ts';
import { DetectorError, type DetectorErrorCode } from './errors.ts';
import type { WorkerConfig, WorkerReply } from './inference-worker.ts';

interface Slot { worker: Worker; pending: number; waiters: Map<number, { resolve: (d: Detection[][]) => void; reject: (e: Error) => void }> }

/**
 * A Detector over N worker threads, each with its own runtime instance. A batch (crops from many
 * cameras) is split into one sub-batch per worker, each run as a single batched inference.
 */
export class WorkerPoolDetector implements Detector {
  readonly inputSize: number;
  #slots: Slot[];
  #nextId = 1;
  #closed = false;

  constructor(config: WorkerConfig, workers: number) {
    this.inputSize = config.inputSize;
    this.#slots = Array.from({ length: workers }, () => {
      const worker = new Worker(new URL('./inference-worker.ts', import.meta.url), { workerData: config });
      const slot: Slot = { worker, pending: 0, waiters: new Map() };
      worker.on('message', (m: WorkerReply) => {
        const w = slot.waiters.get(m.id);
        if (!w) return;
        slot.waiters.delete(m.id);
        if (m.error) w.reject(new DetectorError(m.error.code as DetectorErrorCode, m.error.message));
        else w.resolve(m.detections!);
      });
      worker.on('error', (err) => {
        for (const w of slot.waiters.values()) w.reject(new DetectorError('INFERENCE_FAILED', `detector worker died: ${err.message}`, { cause: err }));
        slot.waiters.clear();
      });
      return slot;
    });
  }

  async detect(batch: DetectorInput[]): Promise<Detection[][]> {
    if (this.#closed) throw new DetectorError('DETECTOR_CLOSED', 'detector is closed');
    if (!batch.length) return [];
    // Least-loaded workers first; contiguous chunks keep results in input order.
    const slots = this.#slots.slice().sort((a, b) => a.pending - b.pending).slice(0, Math.min(this.#slots.length, batch.length));
    const per = Math.ceil(batch.length / slots.length);
    const parts = await Promise.all(slots.map((slot, i) => this.#send(slot, batch.slice(i * per, (i + 1) * per))));
    return parts.flat();
  }

  #send(slot: Slot, inputs: DetectorInput[]): Promise<Detection[][]> {
    if (!inputs.length) return Promise.resolve([]);
    const id = this.#nextId++;
    slot.pending += inputs.length;
    return new Promise<Detection[][]>((resolve, reject) => {
      slot.waiters.set(id, { resolve, reject });
      slot.worker.postMessage({ id, inputs });
    }).finally(() => { slot.pending -= inputs.length; });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#slots.map((s) => new Promise<void>((res) => {
      s.worker.once('exit', () => res());
      s.worker.postMessage('close');
      setTimeout(() => { void s.worker.terminate(); }, 2000).unref();
    })));
  }
}

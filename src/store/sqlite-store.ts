// Main-thread face of the embedded store: every call becomes a message to the store worker and a
// promise settled by its reply. The worker is unref'd while idle so an open store alone does not
// keep the process alive, and ref'd while a call is pending so an awaited call always completes.
import { Worker } from 'node:worker_threads';
import { StoreError } from './errors.ts';
import { STORE_OPERATIONS, type StoreOperations } from './sql-store.ts';
import type { SqliteOptions } from './sqlite-database.ts';
import type { WorkerReply, WorkerRequest } from './sqlite-protocol.ts';
import type { AuditEntry, AuditInput, Store } from './types.ts';
import type { AuditBatchResult } from './sql-store.ts';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

class SqliteStoreProxy {
  readonly kind = 'sqlite' as const;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed: StoreError | null = null;

  constructor(worker: Worker) {
    this.worker = worker;
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (err) => this.shutDown(new StoreError('STORE_UNAVAILABLE', `store worker failed: ${err.message}`)));
    worker.on('exit', (code) => this.shutDown(new StoreError('STORE_UNAVAILABLE', `store worker exited (${code})`)));
    worker.unref();
  }

  private settle(reply: WorkerReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) p.resolve(reply.value);
    else p.reject(new StoreError(reply.error.code, reply.error.message, reply.error.details));
  }

  private shutDown(err: StoreError): void {
    if (!this.closed) this.closed = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  call(method: string, args: unknown[]): Promise<unknown> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      // Drop trailing undefined so optional arguments stay optional on the other side.
      while (args.length && args[args.length - 1] === undefined) args = args.slice(0, -1);
      this.worker.postMessage({ id, method, args } satisfies WorkerRequest);
    });
  }

  // Group commit: appends that arrive while one batch is being written go together in the next
  // transaction (one fsync for many) — each still its own entry, chained in arrival order. With
  // synchronous=FULL one transaction per entry capped the log near the disk's fsync rate.
  private readonly auditQueue: { input: AuditInput; resolve: (e: AuditEntry) => void; reject: (e: Error) => void }[] = [];
  private auditInFlight = false;

  appendAudit(input: AuditInput): Promise<AuditEntry> {
    return new Promise((resolve, reject) => {
      this.auditQueue.push({ input, resolve, reject });
      this.flushAudit();
    });
  }

  private flushAudit(): void {
    if (this.auditInFlight || this.auditQueue.length === 0) return;
    const batch = this.auditQueue.splice(0, AUDIT_BATCH_MAX);
    this.auditInFlight = true;
    (this.call('appendAuditBatch', [batch.map((b) => b.input)]) as Promise<AuditBatchResult>)
      .then(
        (results) => batch.forEach((b, i) => ('error' in results[i] ? b.reject(new TypeError((results[i] as { error: string }).error)) : b.resolve(results[i] as AuditEntry))),
        (err: Error) => batch.forEach((b) => b.reject(err)),
      )
      .finally(() => {
        this.auditInFlight = false;
        this.flushAudit();
      });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // The worker closes the database (checkpointing the WAL) before it answers; only then stop it.
    await this.call('close', []);
    this.closed = new StoreError('STORE_UNAVAILABLE', 'store is closed');
    await this.worker.terminate();
  }
}

const AUDIT_BATCH_MAX = 1000;

for (const method of STORE_OPERATIONS) {
  if (method === 'appendAudit') continue; // batched above
  Object.defineProperty(SqliteStoreProxy.prototype, method, {
    value: function (this: SqliteStoreProxy, ...args: unknown[]) {
      return this.call(method, args);
    },
  });
}

/** Starts the store worker, which opens the file and applies migrations before answering. */
export async function openSqliteStore(opts: SqliteOptions): Promise<Store> {
  const worker = new Worker(new URL('./sqlite-worker.ts', import.meta.url), { workerData: opts });
  const first = await new Promise<WorkerReply>((resolve, reject) => {
    const onExit = (code: number) => reject(new StoreError('STORE_UNAVAILABLE', `store worker exited (${code}) while opening`));
    worker.once('error', (err) => reject(new StoreError('STORE_UNAVAILABLE', `store worker failed: ${err.message}`)));
    worker.once('exit', onExit);
    worker.once('message', (m: WorkerReply) => {
      worker.off('exit', onExit);
      resolve(m);
    });
  });
  if (!first.ok) {
    await worker.terminate();
    throw new StoreError(first.error.code, first.error.message, first.error.details);
  }
  return new SqliteStoreProxy(worker) as unknown as Store & StoreOperations;
}

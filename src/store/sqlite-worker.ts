// The store's thread: owns the SQLite connection so that no query, fsync or checkpoint ever
// blocks the main thread that moves video. Requests run strictly one after another.
import { parentPort, workerData } from 'node:worker_threads';
import { migrate } from './migrations.ts';
import { openSqliteDatabase, toStoreError, type SqliteOptions } from './sqlite-database.ts';
import { SqlStore, STORE_OPERATIONS } from './sql-store.ts';
import type { WorkerReply, WorkerRequest } from './sqlite-protocol.ts';

const port = parentPort;
if (!port) throw new Error('sqlite-worker.ts must run as a worker thread');

function fail(id: number, err: unknown): WorkerReply {
  const e = toStoreError(err);
  return { id, ok: false, error: { code: e.code, message: e.message, details: e.details } };
}

async function main(): Promise<void> {
  const opts = workerData as SqliteOptions;
  let db;
  try {
    db = openSqliteDatabase(opts);
    await migrate(db);
  } catch (err) {
    port!.postMessage(fail(0, err));
    return;
  }
  const store = new SqlStore(db);
  const allowed = new Set<string>(STORE_OPERATIONS);
  let queue: Promise<void> = Promise.resolve();

  async function handle(req: WorkerRequest): Promise<WorkerReply> {
    if (req.method === 'close') {
      await db!.close();
      return { id: req.id, ok: true, value: undefined };
    }
    if (!allowed.has(req.method)) {
      return fail(req.id, new Error(`unknown store method ${req.method}`));
    }
    const fn = (store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[req.method];
    try {
      return { id: req.id, ok: true, value: await fn.apply(store, req.args) };
    } catch (err) {
      return fail(req.id, err);
    }
  }

  port!.on('message', (req: WorkerRequest) => {
    queue = queue.then(async () => {
      const reply = await handle(req);
      port!.postMessage(reply);
    });
  });
  port!.postMessage({ id: 0, ok: true, value: 'ready' } satisfies WorkerReply);
}

void main();

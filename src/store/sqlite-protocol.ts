// Messages between the main-thread SQLite proxy and the store worker. Request id 0 is the
// worker's open result ("ready" or the error that kept it from opening).

export interface WorkerRequest {
  id: number;
  method: string;
  args: unknown[];
}

export type WorkerReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { code: string; message: string; details?: Record<string, unknown> } };

import type { AuditEntry, Store } from './types.ts';

/**
 * Every audit entry of a store, in seq order, a page at a time (the log can be far larger than
 * memory). The audit part verifies any iterable of entries; this is the store's side of that.
 */
export async function* readAuditLog(store: Pick<Store, 'listAudit'>, pageSize = 1000, afterSeq = 0): AsyncGenerator<AuditEntry> {
  let after = afterSeq;
  for (;;) {
    const page = await store.listAudit(after, pageSize);
    for (const e of page) yield e;
    if (page.length < pageSize) return;
    after = page[page.length - 1].seq;
  }
}

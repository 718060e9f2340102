// Short kill -9 run against the real embedded store (worker thread, hash chain). The long run and
// the engine comparison are in bench/store-choice.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { killRounds } from '../../bench/store-kill.ts';
import { openStore, readAuditLog } from '../../src/store/index.ts';
import { verifyAuditChain } from '../../src/audit/index.ts';

test('kill -9 during commits loses no reported commit and leaves a clean database and chain', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-kill-'));
  try {
    const path = join(dir, 'vigil.sqlite');
    let chainChecks = 0;
    const result = await killRounds({
      mode: 'store',
      path,
      rounds: 4,
      minMs: 150,
      maxMs: 500,
      async check(p) {
        const raw = new DatabaseSync(p);
        try {
          const integrity = (raw.prepare('PRAGMA integrity_check').all() as Record<string, unknown>[])
            .map((r) => String(Object.values(r)[0])).join('; ');
          const audit = new Set((raw.prepare('SELECT seq FROM audit_log').all() as { seq: number }[]).map((r) => r.seq));
          const segs = new Set((raw.prepare('SELECT start_ms FROM segments').all() as { start_ms: number }[]).map((r) => r.start_ms));
          raw.close();
          const store = await openStore({ kind: 'sqlite', path: p });
          const chain = await verifyAuditChain(readAuditLog(store));
          await store.close();
          assert.equal(chain.ok, true, `audit chain after kill: ${JSON.stringify(chain)}`);
          chainChecks++;
          return { ids: new Map([['a', audit], ['s', segs]]), integrity };
        } finally {
          if (raw.isOpen) raw.close();
        }
      },
    });
    assert.equal(result.rounds, 4);
    assert.equal(chainChecks, 4);
    assert.ok(result.reportedCommits > 20, `the child committed too little to test anything (${result.reportedCommits})`);
    assert.deepEqual(result.failures, []);
    assert.equal(result.lost, 0);
    assert.equal(result.integrityFailures, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// `vigil audit verify`: the chain recomputed from the database and checked against the signed
// checkpoints kept outside it, with only the server's public key (offline: no server needed).
// `--extract FILE` checks a signed audit extract instead, without any database.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../core/index.ts';

const HELP = `vigil audit verify [--config FILE] [--checkpoints FILE ...] [--prunes FILE ...] [--public-key FILE] [--copies DIR]
vigil audit verify --extract FILE [--public-key FILE]

Recomputes the audit hash chain and checks it against the signed checkpoints (by default
<dataDir>/audit/checkpoints.jsonl; give --checkpoints more than once to add copies kept elsewhere)
with the server's public key (by default <dataDir>/keys/export-ed25519.pub). A deleted tail and a
rewritten stretch whose hashes were recomputed both fail; the first entry that differs is named.
Exit code 0 when intact, 1 when not.

The audit log's retention deletes its oldest entries with a signed prune record kept beside the
checkpoints (by default <dataDir>/audit/prunes.jsonl; --prunes to name copies): the chain is then
checked from the entry after the cut, from the hash signed there, and the cut is reported. A log
whose start is gone without such a record, or cut further than a record says, fails.

--copies DIR also checks the log against every other node's checkpoints kept in DIR (in a
cluster: <dataDir>/audit/copies, each <node>-<keyId>.jsonl with its <node>-<keyId>.pub), once
per node, each with that node's key.

--extract FILE checks a signed extract saved from the auditor's screen: its signature and the
hash of every entry in it.`;

export async function cmdAuditVerify(args: string[], configFrom: (v: { config?: string }) => Config): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, checkpoints: { type: 'string', multiple: true }, prunes: { type: 'string', multiple: true }, 'public-key': { type: 'string' }, extract: { type: 'string' }, copies: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) return (console.log(HELP), 0);
  const audit = await import('../audit/index.ts');
  const { resolvePaths } = await import('../core/index.ts');
  const cfg = configFrom(values);
  const paths = resolvePaths(cfg);
  const keyFile = values['public-key'] ?? path.join(paths.keysDir, audit.PUBLIC_KEY_FILE);
  const publicKey = existsSync(keyFile) ? audit.readPublicKey(readFileSync(keyFile, 'utf8')) : null;

  if (values.extract) {
    const doc = JSON.parse(readFileSync(values.extract, 'utf8')) as import('../audit/index.ts').SignedAuditExtract;
    const problems = audit.verifyAuditExtract(doc, values['public-key'] ? publicKey ?? undefined : undefined);
    if (problems.length) {
      console.log(`audit extract NOT valid:\n  - ${problems.join('\n  - ')}`);
      return 1;
    }
    console.log(`audit extract valid: ${doc.extract.entries.length} entries, signed by key ${doc.extract.serverKeyId}${values['public-key'] ? '' : ' (the key inside the extract; give --public-key to require the server\'s)'}`);
    return 0;
  }

  const files = values.checkpoints ?? [paths.checkpointFile];
  const checkpoints = files.flatMap((f) => audit.readCheckpointFile(f));
  const prunes = (values.prunes ?? [audit.pruneFileFor(paths.checkpointFile)]).flatMap((f) => audit.readPruneFile(f));
  if ((checkpoints.length || prunes.length) && !publicKey) {
    console.log(`cannot check ${checkpoints.length} signed checkpoints and ${prunes.length} prune records: no public key at ${keyFile} (give --public-key)`);
    return 1;
  }
  const { openConfiguredStore } = await import('../app/index.ts');
  const { readAuditLog, readAuditLogFile } = await import('../store/index.ts');
  // Opening the store applies pending migrations and makes sure the file is a Vigil database.
  const store = await openConfiguredStore(cfg);
  try {
    // The embedded database is read on a connection of its own (ten million entries in well under a minute).
    const verify = (opts: import('../audit/index.ts').VerifyOptions) =>
      audit.verifyAuditChain(cfg.database.kind === 'sqlite' ? readAuditLogFile(paths.dbPath) : readAuditLog(store, 5000), opts);
    const r = await verify(checkpoints.length || prunes.length ? { checkpoints, prunes, publicKey: publicKey! } : {});
    let code = 0;
    if (r.ok && r.prunedThrough) {
      console.log(`entries 1..${r.prunedThrough} were deleted by the audit log's retention policy (signed prune record of ${new Date(r.prunedAt ?? 0).toISOString()}); the chain is checked from entry ${r.prunedThrough + 1}`);
    }
    if (r.ok) {
      if (checkpoints.length) {
        console.log(`audit chain intact: ${r.count} entries; checked against ${r.checkpoints} signed checkpoints (the latest vouches for entry ${r.lastCheckpointSeq}, key ${audit.keyIdOf(publicKey!)})`);
        const lastSeq = r.count + (r.prunedThrough ?? 0);
        if ((r.lastCheckpointSeq ?? 0) < lastSeq) console.log(`entries ${(r.lastCheckpointSeq ?? 0) + 1}..${lastSeq} are newer than the latest checkpoint: only the chain vouches for them`);
      } else {
        console.log(`audit chain intact: ${r.count} entries`);
        console.log('warning: no signed checkpoints found: a deleted tail or a recomputed chain would not show');
      }
    } else {
      console.log(`audit chain BROKEN at entry ${r.firstBad}: ${r.reason} (${r.count} entries checked before it)`);
      if (r.detail) console.log(r.detail);
      code = 1;
    }
    // Other nodes' checkpoints, each against its own key (a pass over the log per node).
    for (const copy of values.copies ? copiesIn(values.copies) : []) {
      const cps = audit.readCheckpointFile(copy.checkpoints);
      // This server's prune records are signed with its own key, not the copy's: a cut log is checked against copies only where none was cut.
      const c = await verify({ checkpoints: cps, publicKey: audit.readPublicKey(readFileSync(copy.publicKey, 'utf8')) });
      if (c.ok) console.log(`copy ${copy.name}: intact against its ${c.checkpoints} checkpoints (the latest vouches for entry ${c.lastCheckpointSeq})`);
      else {
        console.log(`copy ${copy.name}: BROKEN at entry ${c.firstBad}: ${c.reason} (${c.count} entries checked before it)`);
        if (c.detail) console.log(c.detail);
        code = 1;
      }
    }
    return code;
  } finally {
    await store.close();
  }
}

/** The copies in a folder: each <name>.jsonl with its <name>.pub. */
function copiesIn(dir: string): { name: string; checkpoints: string; publicKey: string }[] {
  if (!existsSync(dir)) throw new Error(`--copies: no folder ${dir}`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl') && existsSync(path.join(dir, f.replace(/\.jsonl$/, '.pub'))))
    .sort()
    .map((f) => ({ name: f.replace(/\.jsonl$/, ''), checkpoints: path.join(dir, f), publicKey: path.join(dir, f.replace(/\.jsonl$/, '.pub')) }));
}

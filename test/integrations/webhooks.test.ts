// Webhooks: signed (and the attacker's forgeries refused by the receiver's check), retried with
// backoff, dead-lettered when they cannot be delivered, read and sent again through the API.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { openStore, type EventRow, type Store } from '../../src/store/index.ts';
import { WebhookDispatcher, signWebhook, verifyWebhook, type WebhookConfig } from '../../src/integrations/index.ts';
import { startTestVigil } from '../helpers/vigil-instance.ts';

const SECRET = 'a-long-shared-webhook-secret';
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

interface Hit {
  at: number;
  body: string;
  signature: string | undefined;
  attempt: string | undefined;
  delivery: string | undefined;
}

/** A receiver answering with the statuses given in turn (the last one repeats); 0 = never answer. */
async function receiver(statuses: number[]): Promise<{ url: string; hits: Hit[]; statuses: number[]; server: Server }> {
  const hits: Hit[] = [];
  const state = { statuses };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      hits.push({ at: Date.now(), body, signature: req.headers['x-vigil-signature'] as string | undefined, attempt: req.headers['x-vigil-attempt'] as string | undefined, delivery: req.headers['x-vigil-delivery'] as string | undefined });
      const s = state.statuses.length > 1 ? state.statuses.shift()! : state.statuses[0];
      if (s === 0) return; // hangs
      res.writeHead(s).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, hits, statuses: state.statuses, server };
}

async function tempStore(): Promise<Store> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-wh-'));
  const store = await openStore({ kind: 'sqlite', path: path.join(dir, 'v.db') });
  cleanups.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

function hook(url: string, over: Partial<WebhookConfig> = {}): WebhookConfig {
  return { name: 'soc', url, secret: SECRET, kinds: [], maxAttempts: 4, timeoutSeconds: 2, ...over };
}

function event(over: Partial<EventRow> = {}): EventRow {
  return { id: `evt_${Math.random().toString(36).slice(2, 10)}`, ts: Date.now(), cameraId: 'cam-1', kind: 'analytics.zone_intrusion', severity: 'warning', details: { rule: 'yard' }, ...over };
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('signed deliveries: the receiver\'s check passes the real one and refuses forgeries, tampering and replays', async () => {
  const r = await receiver([204]);
  const store = await tempStore();
  const d = new WebhookDispatcher({ hooks: [hook(r.url)], store, logger: pino({ level: 'silent' }), node: 'node-1' });
  const e = event();
  d.offer(e);
  await until(() => d.stats.delivered === 1);
  await d.close();
  const hit = r.hits[0];
  const body = JSON.parse(hit.body) as { hook: string; Topic: string; Vigil: { id: string; node: string } };
  assert.equal(body.Vigil.id, e.id);
  assert.equal(body.Vigil.node, 'node-1');
  assert.equal(body.Topic, 'tns1:RuleEngine/FieldDetector/ObjectsInside');
  const now = Date.now();
  assert.equal(verifyWebhook(SECRET, hit.body, hit.signature, now), true, 'the real delivery verifies');
  // The attacker: no secret, a guessed one, a changed body, an old capture replayed, a malformed header.
  assert.equal(verifyWebhook(SECRET, hit.body, undefined, now), false);
  assert.equal(verifyWebhook(SECRET, hit.body, signWebhook('guessed-secret-000000', hit.body, now), now), false);
  assert.equal(verifyWebhook(SECRET, hit.body.replace('"warning"', '"info"'), hit.signature, now), false);
  const old = signWebhook(SECRET, hit.body, now - 3_600_000);
  assert.equal(verifyWebhook(SECRET, hit.body, old, now), false, 'a capture from an hour ago is refused');
  assert.equal(verifyWebhook(SECRET, hit.body, hit.signature + 'ff', now), false);
  assert.equal(verifyWebhook(SECRET, hit.body, 'v1=' + hit.signature!.split('v1=')[1], now), false);
});

test('a failing receiver is retried with growing waits until it answers; kinds select', async () => {
  const r = await receiver([503, 500, 502, 200]);
  const store = await tempStore();
  const d = new WebhookDispatcher({ hooks: [hook(r.url, { kinds: ['analytics.'], maxAttempts: 6 })], store, logger: pino({ level: 'silent' }), node: 'n', backoffMs: 100 });
  d.offer(event({ kind: 'camera.online' })); // not selected
  d.offer(event());
  await until(() => d.stats.delivered === 1);
  await d.close();
  assert.equal(r.hits.length, 4);
  assert.deepEqual(r.hits.map((h) => h.attempt), ['1', '2', '3', '4']);
  assert.equal(new Set(r.hits.map((h) => h.delivery)).size, 1, 'one delivery id across attempts');
  const gaps = r.hits.slice(1).map((h, i) => h.at - r.hits[i].at);
  // ceilings 100, 200, 400 ms with jitter in [ceiling/2, ceiling]
  assert.ok(gaps[0] >= 45 && gaps[1] >= 95 && gaps[2] >= 195, `backoff grows: ${gaps.join(', ')} ms`);
  assert.ok(gaps[2] > gaps[0], `backoff grows: ${gaps.join(', ')} ms`);
  assert.equal((await store.listWebhookDeadLetters({ limit: 10 })).length, 0);
});

test('dead letters: attempts exhausted, a permanent refusal at once, a receiver that never answers, and the process stopping', async () => {
  const down = await receiver([500]);
  const refusing = await receiver([401]);
  const silent = await receiver([0]);
  const slow = await receiver([503]);
  const store = await tempStore();
  const d = new WebhookDispatcher({
    hooks: [hook(down.url, { name: 'down', maxAttempts: 3 }), hook(refusing.url, { name: 'refusing' }), hook(silent.url, { name: 'silent', maxAttempts: 1, timeoutSeconds: 0.3 }), hook(slow.url, { name: 'slow', maxAttempts: 10 })],
    store,
    logger: pino({ level: 'silent' }),
    node: 'n',
    backoffMs: 50,
    maxBackoffMs: 60_000,
  });
  const e = event();
  d.offer(e);
  await until(() => d.stats.deadLettered === 3);
  await until(() => slow.hits.length >= 2);
  await d.close(); // 'slow' is waiting for a retry: it is filed, not dropped
  const rows = await store.listWebhookDeadLetters({ limit: 10 });
  const by = new Map(rows.map((x) => [x.hook, x]));
  assert.deepEqual([...by.keys()].sort(), ['down', 'refusing', 'silent', 'slow']);
  assert.deepEqual({ attempts: by.get('down')!.attempts, err: by.get('down')!.lastError }, { attempts: 3, err: 'HTTP 500' });
  assert.deepEqual({ attempts: by.get('refusing')!.attempts, err: by.get('refusing')!.lastError }, { attempts: 1, err: 'HTTP 401' });
  assert.equal(refusing.hits.length, 1, 'a permanent refusal is not retried');
  assert.match(by.get('silent')!.lastError, /no answer within 0.3 s/);
  assert.match(by.get('slow')!.lastError, /process stopped before delivery/);
  for (const row of rows) {
    assert.equal(row.eventId, e.id);
    assert.equal((JSON.parse(row.body) as { Vigil: { id: string } }).Vigil.id, e.id, 'the exact body is kept');
  }
});

test('through the API: an admin reads the dead-letter list and sends a letter again once the receiver is fixed', async () => {
  const r = await receiver([410]);
  const v = await startTestVigil({ integrations: { webhooks: [{ name: 'soc', url: r.url, secret: SECRET, maxAttempts: 2 }] } });
  cleanups.push(() => v.stop());
  const e = await v.events.raise({ kind: 'camera.offline', severity: 'warning', cameraId: 'yard', details: { reason: 'timeout' } });
  assert.equal((await v.login('admin', 'admin-password-1')).status, 200);
  let page: { items: { id: string; hook: string; eventId: string; lastError: string; attempts: number }[]; next: string | null } = { items: [], next: null };
  await until(() => r.hits.length === 1);
  for (let i = 0; i < 100 && page.items.length === 0; i++) {
    page = (await (await v.http('/api/integrations/dead-letters')).json()) as typeof page;
    if (!page.items.length) await new Promise((res) => setTimeout(res, 50));
  }
  assert.equal(page.items.length, 1);
  assert.deepEqual({ hook: page.items[0].hook, eventId: page.items[0].eventId, lastError: page.items[0].lastError }, { hook: 'soc', eventId: e.id, lastError: 'HTTP 410' });
  assert.equal((await v.http('/api/integrations/dead-letters/whd_nosuchletter/redeliver', { method: 'POST' })).status, 404);
  assert.equal((await v.http('/api/integrations/dead-letters?limit=0')).status, 400, 'limit is checked');
  r.statuses.splice(0, r.statuses.length, 200); // the receiver is fixed
  const res = await v.http(`/api/integrations/dead-letters/${page.items[0].id}/redeliver`, { method: 'POST' });
  assert.equal(res.status, 202);
  // Who sent which camera's event to which receiver again: audited; the refused 404 above was not.
  const redelivered = await v.store.queryAudit({ limit: 10, action: 'webhook.redeliver' } as never);
  const adminUser = (await v.store.getUserByName('admin'))!;
  assert.deepEqual(redelivered.map((a) => [a.actor, a.cameraId, a.details]), [[adminUser.id, 'yard', { deadLetter: page.items[0].id, hook: 'soc', eventId: e.id, attempts: page.items[0].attempts, lastError: 'HTTP 410' }]]);
  await until(() => r.hits.length === 2);
  assert.equal(verifyWebhook(SECRET, r.hits[1].body, r.hits[1].signature, Date.now()), true, 'signed anew');
  assert.equal(r.hits[1].body, r.hits[0].body, 'the same body');
  const after = (await (await v.http('/api/integrations/dead-letters')).json()) as typeof page;
  assert.equal(after.items.length, 0, 'it left the list');
  const status = (await (await v.http('/api/integrations')).json()) as { webhooks: { hooks: string[]; delivered: number; deadLettered: number } };
  assert.deepEqual(status.webhooks.hooks, ['soc']);
  assert.equal(status.webhooks.delivered, 1);
});

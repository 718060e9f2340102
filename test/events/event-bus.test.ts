// The in-process bus and system events written to a real (embedded) store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventBus, SystemEvents, type EventTopics } from '../../src/events/index.ts';
import { openStore, type EventRow } from '../../src/store/index.ts';

test('publish reaches every subscriber of the topic only; unsubscribe stops delivery; a throwing handler is reported and others still run', () => {
  const errors: string[] = [];
  const bus = new EventBus<{ a: number; b: string }>((topic, err) => errors.push(`${String(topic)}:${(err as Error).message}`));
  const got: string[] = [];
  const offA1 = bus.subscribe('a', (n) => got.push(`a1:${n}`));
  bus.subscribe('a', () => {
    throw new Error('boom');
  });
  bus.subscribe('a', (n) => got.push(`a3:${n}`));
  bus.subscribe('b', (s) => got.push(`b:${s}`));
  bus.publish('a', 1);
  bus.publish('b', 'x');
  offA1();
  bus.publish('a', 2);
  assert.deepEqual(got, ['a1:1', 'a3:1', 'b:x', 'a3:2']);
  assert.deepEqual(errors, ['a:boom', 'a:boom']);
  assert.equal(bus.subscriberCount('a'), 2);
});

test('SystemEvents persists an event and publishes the stored row', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bus-'));
  const store = await openStore({ kind: 'sqlite', path: path.join(dir, 'db.sqlite') });
  try {
    const events = new SystemEvents(store, new EventBus<EventTopics>());
    const seen: EventRow[] = [];
    events.bus.subscribe('event', (e) => seen.push(e));
    const row = await events.raise({ kind: 'disk.full', severity: 'critical', details: { volume: '/rec', freeBytes: 0 }, ts: 1_795_000_000_000 });
    assert.deepEqual(seen, [row]);
    assert.deepEqual(await store.listEvents({ fromMs: 0, toMs: 2e12 }), [row]);
    assert.equal(row.cameraId, null);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

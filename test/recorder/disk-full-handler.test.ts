// The disk-full throttle: many cameras hit a full volume at once, one event a minute, a sweep each time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { diskFullHandler } from '../../src/recorder/index.ts';

test('one disk.full event per minute however many cameras report it; a retention sweep on every report', async () => {
  let now = 1_000_000;
  const raised: Record<string, unknown>[] = [];
  let sweeps = 0;
  const onDiskFull = diskFullHandler({ volume: '/rec', raise: (e) => raised.push(e.details), sweep: async () => void sweeps++, logger: pino({ level: 'silent' }), now: () => now });
  onDiskFull('cam1', new Error('ENOSPC'));
  onDiskFull('cam2', new Error('ENOSPC'));
  now += 59_000;
  onDiskFull('cam3', new Error('ENOSPC'));
  now += 2_000;
  onDiskFull('cam4', new Error('ENOSPC'));
  assert.deepEqual(raised.map((d) => d.firstCamera), ['cam1', 'cam4']);
  assert.equal(raised[0].volume, '/rec');
  assert.equal(sweeps, 4);
});

test('a failing sweep is logged, never thrown at the recorder', async () => {
  const logged: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line).err) });
  const onDiskFull = diskFullHandler({ volume: '/rec', raise: () => undefined, sweep: async () => { throw new Error('sweep broke'); }, logger });
  assert.doesNotThrow(() => onDiskFull('cam1', new Error('ENOSPC')));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(logged, ['sweep broke']);
});

// SerialJob: what the two retention sweepers rely on — never two runs at once, a request during a
// run joins it (or, with 'again', makes one more run with the latest argument), idle() waits for
// all of it, a failure frees the job for the next run, and the timer's failures are reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialJob } from '../../src/core/index.ts';

/** A run that waits until released, recording what ran and how many ran at once. */
function gatedWork() {
  const calls: string[] = [];
  let inside = 0;
  let most = 0;
  const gates: (() => void)[] = [];
  const run = async (arg: string): Promise<string> => {
    calls.push(arg);
    inside++;
    most = Math.max(most, inside);
    await new Promise<void>((resolve) => gates.push(resolve));
    inside--;
    return `done ${arg}`;
  };
  const release = async () => {
    while (gates.length === 0) await sleep(1);
    gates.shift()!();
  };
  return { run, calls, release, most: () => most };
}

test("'join': a request during a run gets that run's result and runs nothing", async () => {
  const w = gatedWork();
  const job = new SerialJob<string, string>({ run: w.run, whileRunning: 'join', onError: (err) => assert.fail(err) });
  const first = job.run('a');
  const second = job.run('b');
  assert.equal(second, first);
  await w.release();
  assert.deepEqual(await Promise.all([first, second]), ['done a', 'done a']);
  await job.idle();
  assert.deepEqual(w.calls, ['a']);
  // Once it has finished, the next request runs.
  const third = job.run('c');
  await w.release();
  assert.equal(await third, 'done c');
  assert.deepEqual(w.calls, ['a', 'c']);
});

test("'again': requests during a run make one more run, with the latest argument, and idle() waits for it", async () => {
  const w = gatedWork();
  const job = new SerialJob<string, string>({ run: w.run, whileRunning: 'again', onError: (err) => assert.fail(err) });
  const first = job.run('schedule');
  assert.equal(job.run('low_space'), first);
  assert.equal(job.run('disk_full'), first);
  let idle = false;
  const waiting = job.idle().then(() => { idle = true; });
  await w.release();
  assert.equal(await first, 'done schedule');
  await w.release();
  await waiting;
  assert.ok(idle);
  assert.deepEqual(w.calls, ['schedule', 'disk_full']);
  assert.equal(w.most(), 1, 'never two runs at once');
});

test('a failed run rejects its callers and leaves the job free; a failed follow-up run goes to onError', async () => {
  const errors: string[] = [];
  let n = 0;
  const job = new SerialJob<void, number>({
    run: async () => {
      n++;
      await sleep(5);
      if (n <= 2) throw new Error(`run ${n} failed`);
      return n;
    },
    whileRunning: 'again',
    onError: (err) => errors.push(err.message),
  });
  const first = job.run();
  const joined = job.run();
  await assert.rejects(first, /run 1 failed/);
  await assert.rejects(joined, /run 1 failed/);
  await job.idle();
  assert.deepEqual(errors, ['run 2 failed']);
  assert.equal(await job.run(), 3);
});

test('a run that throws before its first await does not leave the job running for ever', async () => {
  let n = 0;
  const job = new SerialJob<void, number>({
    run: (() => {
      n++;
      if (n === 1) throw new Error('at once');
      return Promise.resolve(n);
    }) as () => Promise<number>,
    whileRunning: 'join',
    onError: (err) => assert.fail(err),
  });
  await assert.rejects(job.run(), /at once/);
  // (Asked first: were the failed run left as the one in progress, idle() would spin for ever.)
  assert.equal(await job.run(), 2);
  await job.idle();
});

test('the timer calls the tick until stopped; a failing tick is reported and the timer goes on', async () => {
  const errors: string[] = [];
  let ticks = 0;
  const job = new SerialJob<void, void>({ run: async () => {}, whileRunning: 'join', onError: (err) => errors.push(err.message) });
  job.start(5, async () => {
    ticks++;
    if (ticks === 1) throw new Error('tick failed');
  });
  while (ticks < 3) await sleep(5);
  job.stop();
  const stoppedAt = ticks;
  await sleep(40);
  assert.equal(ticks, stoppedAt, 'no tick after stop()');
  assert.deepEqual(errors, ['tick failed']);
});

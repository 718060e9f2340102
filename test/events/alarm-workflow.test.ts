// Issue 12: the alarm workflow's state machine and the alarm policy, with plain values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedCommands, alarmPolicy, applyCommand, csvCell, alarmCsvRows, EventError, SYSTEM, type Operator } from '../../src/events/index.ts';
import type { AlarmRow } from '../../src/store/index.ts';

const ann: Operator = { id: 'u1', name: 'ann' };
const bob: Operator = { id: 'u2', name: 'bob' };

function alarm(over: Partial<AlarmRow> = {}): AlarmRow {
  return {
    id: 'a1', cameraId: 'c1', ruleKind: 'zone_intrusion', rule: 'gate', priority: 50, state: 'new', outcome: null, eventId: 'e1', details: {},
    firstAt: 1000, lastAt: 1000, hits: 1, foldMs: 60_000, ackBy: null, ackName: null, ackAt: null, ownerId: null, ownerName: null,
    resolvedBy: null, resolvedName: null, resolvedAt: null, steps: [{ text: 'call the guard', done: false, by: null, at: null }],
    escalateAt: null, escalatedAt: null, autoCloseMs: null, snoozedUntil: null, updatedAt: 1000, version: 1, ...over,
  };
}

function code(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof EventError, String(err));
    return { code: err.code, message: err.message };
  }
  assert.fail('expected an error');
}

test('the happy path: new → acknowledged → in progress (owned) → resolved as a false alarm, each logged', () => {
  let a = alarm();
  const ack = applyCommand(a, { type: 'ack' }, ann, 2000);
  a = ack.next;
  assert.equal(a.state, 'acknowledged');
  assert.deepEqual([a.ackName, a.ackAt], ['ann', 2000]);
  assert.equal(ack.activity[0].kind, 'ack');
  a = applyCommand(a, { type: 'take' }, ann, 3000).next;
  assert.deepEqual([a.state, a.ownerName], ['in_progress', 'ann']);
  a = applyCommand(a, { type: 'step', index: 0, done: true }, ann, 3500).next;
  assert.deepEqual(a.steps[0], { text: 'call the guard', done: true, by: 'ann', at: 3500 });
  const res = applyCommand(a, { type: 'resolve', outcome: 'false_alarm', note: 'a cat' }, ann, 4000);
  assert.deepEqual([res.next.state, res.next.outcome, res.next.resolvedName, res.next.resolvedAt], ['resolved', 'false_alarm', 'ann', 4000]);
  assert.deepEqual(res.activity[0].details, { outcome: 'false_alarm', note: 'a cat' });
});

test('a second operator is told who has the alarm (conflict), a disallowed command names what is allowed', () => {
  const taken = applyCommand(alarm(), { type: 'take' }, ann, 2000).next;
  assert.equal(taken.ackName, 'ann', 'taking a new alarm acknowledges it');
  const c = code(() => applyCommand(taken, { type: 'take' }, bob, 2100));
  assert.equal(c.code, 'ALARM_CONFLICT');
  assert.match(c.message, /taken by ann/);
  assert.equal(code(() => applyCommand(taken, { type: 'ack' }, bob, 2100)).code, 'ALARM_CONFLICT');
  assert.match(code(() => applyCommand(taken, { type: 'resolve', outcome: 'test' }, bob, 2100)).message, /handled by ann/);
  assert.equal(applyCommand(taken, { type: 'take' }, ann, 2200).changed, false, 'taking one\'s own alarm again changes nothing');

  const resolved = applyCommand(taken, { type: 'resolve', outcome: 'incident' }, ann, 3000).next;
  const bad = code(() => applyCommand(resolved, { type: 'take' }, bob, 3100));
  assert.equal(bad.code, 'TRANSITION_NOT_ALLOWED');
  assert.equal(bad.message, 'cannot take an alarm that is resolved; allowed: reopen, comment');
  const fromNew = code(() => applyCommand(alarm(), { type: 'resolve', outcome: 'test' }, ann, 1));
  assert.match(fromNew.message, /allowed: ack, take, priority, snooze, comment$/);
  assert.deepEqual(allowedCommands(taken, bob), ['priority', 'comment']);
  assert.deepEqual(allowedCommands(taken, ann), ['release', 'hold', 'resolve', 'step', 'priority', 'comment']);
});

test('hold, release, reopen, priority, snooze and comments; limits named', () => {
  let a = applyCommand(alarm(), { type: 'take' }, ann, 2000).next;
  a = applyCommand(a, { type: 'hold', note: 'waiting for police' }, ann, 2100).next;
  assert.equal(a.state, 'on_hold');
  a = applyCommand(a, { type: 'take' }, bob, 2200).next;
  assert.deepEqual([a.state, a.ownerName], ['in_progress', 'bob']);
  a = applyCommand(a, { type: 'release' }, bob, 2300).next;
  assert.deepEqual([a.state, a.ownerId], ['acknowledged', null]);
  a = applyCommand(a, { type: 'priority', priority: 5 }, bob, 2400).next;
  assert.equal(a.priority, 5);
  assert.equal(code(() => applyCommand(a, { type: 'priority', priority: 0 }, bob, 1)).code, 'BAD_REQUEST');
  a = applyCommand(a, { type: 'snooze', untilMs: 9000 }, bob, 2500).next;
  assert.equal(a.snoozedUntil, 9000);
  assert.equal(code(() => applyCommand(a, { type: 'snooze', untilMs: 2000 }, bob, 2500)).code, 'BAD_REQUEST');
  const big = code(() => applyCommand(a, { type: 'comment', text: 'x'.repeat(1_000_000) }, bob, 2600));
  assert.equal(big.code, 'TOO_LARGE');
  assert.match(big.message, /body\/text is 1000000 characters; at most 4000/);
  const comment = applyCommand(a, { type: 'comment', text: 'seen on cam 2' }, bob, 2700);
  assert.deepEqual([comment.activity[0].kind, comment.activity[0].details.text], ['comment', 'seen on cam 2']);
  a = applyCommand(applyCommand(a, { type: 'take' }, ann, 2800).next, { type: 'resolve', outcome: 'test' }, ann, 2900).next;
  a = applyCommand(a, { type: 'reopen' }, bob, 3000).next;
  assert.deepEqual([a.state, a.outcome, a.resolvedAt], ['acknowledged', null, null]);
});

test('escalation and auto-close are the system\'s; an operator cannot give them', () => {
  assert.equal(code(() => applyCommand(alarm(), { type: 'escalate' }, ann, 5000)).code, 'BAD_REQUEST');
  const e = applyCommand(alarm({ escalateAt: 4000 }), { type: 'escalate' }, SYSTEM, 5000);
  assert.equal(e.next.escalatedAt, 5000);
  assert.deepEqual(e.activity[0].details, { to: 'supervisors', waitedMs: 4000 });
  assert.equal(applyCommand(e.next, { type: 'escalate' }, SYSTEM, 6000).changed, false);
  const closed = applyCommand(alarm({ autoCloseMs: 10_000 }), { type: 'auto_close' }, SYSTEM, 20_000).next;
  assert.deepEqual([closed.state, closed.outcome, closed.resolvedName], ['resolved', 'auto_closed', 'system']);
  const taken = applyCommand(alarm(), { type: 'take' }, ann, 2000).next;
  assert.equal(code(() => applyCommand(taken, { type: 'auto_close' }, SYSTEM, 99_000)).code, 'TRANSITION_NOT_ALLOWED', 'an alarm someone works on is not closed under them');
});

test('policy: line crossings are statistics unless a rule says otherwise; first matching entry wins', () => {
  assert.equal(alarmPolicy([], 'line_crossing', 'door').raise, false);
  const zone = alarmPolicy([], 'zone_intrusion', 'yard');
  assert.deepEqual([zone.raise, zone.priority, zone.foldMs], [true, 50, 60_000]);
  const entries = [
    { kind: 'line_crossing' as const, rule: 'vault door', raise: true, priority: 3, foldSeconds: 30, instructions: ['Call the manager'], escalateAfterSeconds: 60, autoCloseSeconds: 600 },
    { kind: 'zone_intrusion' as const, raise: false, foldSeconds: 60, instructions: [] },
  ];
  const door = alarmPolicy(entries, 'line_crossing', 'vault door');
  assert.deepEqual(door, { raise: true, priority: 3, foldMs: 30_000, steps: [{ text: 'Call the manager', done: false, by: null, at: null }], escalateAfterMs: 60_000, autoCloseMs: 600_000 });
  assert.equal(alarmPolicy(entries, 'line_crossing', 'side door').raise, false);
  assert.equal(alarmPolicy(entries, 'zone_intrusion', 'yard').raise, false);
});

test('CSV: quoted as RFC 4180, formula-looking cells defused, times in ISO 8601 UTC', () => {
  assert.equal(csvCell('=HYPERLINK("http://x")'), '"\'=HYPERLINK(""http://x"")"');
  assert.equal(csvCell('+1'), "'+1");
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell(null), '');
  const line = alarmCsvRows([alarm({ rule: '@SUM(A1)', firstAt: Date.UTC(2026, 11, 2, 13, 5, 9), lastAt: Date.UTC(2026, 11, 2, 13, 5, 9) })], () => 'Gate, north');
  assert.match(line, /^a1,2026-12-02T13:05:09\.000Z,2026-12-02T13:05:09\.000Z,c1,"Gate, north",zone_intrusion,'@SUM\(A1\),50,1,new,/);
  assert.ok(line.endsWith('\r\n'));
});

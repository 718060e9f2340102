// The alarm queue under a control room's load (issue 12): a running Vigil (embedded store) holding
// --open open alarms, --per-min new alarms a minute raised the real way (a rule hit on the one
// bus: event row, policy, fold-or-raise, push), and --operators operators working the queue over
// HTTP (acknowledge, take, comment, resolve as false alarm) at the rate that keeps the queue
// level. Measured:
//   action round trip: an operator's POST until its answer (p50/p99), and the queue screen's load
//     (GET /api/alarms with every open alarm);
//   alert latency: from the hit being published (what live analytics does once it has the frame)
//     to the raised alarm reaching each operator's WebSocket. The camera → analysis part of the
//     alert path is bench:analytics' (it runs through the same queue).
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { validateConfig } from '../src/core/index.ts';
import { startVigil } from '../src/app/vigil.ts';
import { AuthService } from '../src/access/index.ts';

const { values } = parseArgs({
  options: {
    open: { type: 'string', default: '200' },
    'per-min': { type: 'string', default: '100' },
    seconds: { type: 'string', default: '120' },
    operators: { type: 'string', default: '6' },
    cameras: { type: 'string', default: '50' },
  },
});
const OPEN = Number(values.open);
const PER_MIN = Number(values['per-min']);
const SECONDS = Number(values.seconds);
const OPERATORS = Number(values.operators);
const CAMERAS = Number(values.cameras);

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
const r1 = (x: number) => Math.round(x * 10) / 10;
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-alarms-'));
  const cfg = validateConfig({
    dataDir,
    server: { port: 0 },
    // Cameras configured but not connected: the queue, not recording, is measured here.
    cameras: Array.from({ length: CAMERAS }, (_, i) => ({ id: `cam${i + 1}`, name: `Camera ${i + 1}`, url: `rtsp://127.0.0.1:9/cam${i + 1}`, enabled: false })),
  });
  const vigil = await startVigil(cfg, pino({ level: 'warn' }, pino.destination(2)), { adminPassword: 'bench-password-1' });
  const auth = new AuthService(vigil.store, { sessionHours: 1, loginMaxFailures: 5, loginWindowSeconds: 60 });
  const sockets: WebSocket[] = [];
  try {
    const cookies: string[] = [];
    for (let i = 0; i < OPERATORS; i++) {
      await auth.createUser(`op${i}`, `operator-pass-${i}`, 'operator', 'bench');
      const res = await fetch(vigil.url + '/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `op${i}`, password: `operator-pass-${i}` }) });
      cookies.push(res.headers.get('set-cookie')!.split(';')[0]);
    }

    // Alert latency: hit published → 'raised' on each operator's socket.
    const publishedAt = new Map<string, number>();
    const alertMs: number[] = [];
    let measuring = false;
    for (const cookie of cookies) {
      const ws = new WebSocket(vigil.url.replace('http', 'ws') + '/api/events/live', { headers: { cookie } });
      ws.on('message', (d) => {
        const now = performance.now();
        const m = JSON.parse(String(d)) as { type: string; change?: string; hit?: string };
        if (m.type !== 'alarm' || m.change !== 'raised' || !m.hit) return;
        const at = publishedAt.get(m.hit);
        if (measuring && at !== undefined) alertMs.push(now - at);
      });
      await new Promise<void>((res, rej) => (ws.once('open', () => res()), ws.once('error', rej)));
      sockets.push(ws);
    }

    let seq = 0;
    const hit = async () => {
      const n = seq++;
      const cameraId = `cam${(n % CAMERAS) + 1}`;
      const kind = n % 3 === 0 ? 'dwell' : 'zone_intrusion';
      // What the alarm recorder does for a hit: the event row, then the bus (timed from here).
      const t0 = performance.now();
      const row = await vigil.store.addEvent({ ts: Date.now(), cameraId, kind: `analytics.${kind}`, severity: 'warning', details: { rule: `rule ${n}`, ruleKind: kind, cls: 'person', box: [0.1, 0.1, 0.2, 0.5] } });
      publishedAt.set(row.id, t0);
      vigil.bus.publish('event', row);
    };

    // The standing queue.
    const seedStart = performance.now();
    for (let i = 0; i < OPEN; i++) await hit();
    for (;;) {
      const open = await vigil.store.listAlarms({ states: ['new', 'acknowledged', 'in_progress', 'on_hold'], limit: OPEN + 10 });
      if (open.length >= OPEN) break;
      await sleep(50);
    }
    const seedMs = performance.now() - seedStart;

    const actionMs: Record<string, number[]> = { ack: [], take: [], comments: [], resolve: [], queue: [] };
    const refused: Record<string, number> = {};
    const post = async (cookie: string, url: string, json?: unknown) => {
      const t0 = performance.now();
      const res = await fetch(vigil.url + url, { method: 'POST', headers: { cookie, ...(json ? { 'content-type': 'application/json' } : {}) }, body: json ? JSON.stringify(json) : undefined });
      await res.arrayBuffer();
      return { ms: performance.now() - t0, status: res.status };
    };

    measuring = true;
    const startedAt = performance.now();
    const endAt = startedAt + SECONDS * 1000;
    let raised = 0;
    let resolved = 0;
    // New alarms at a steady rate.
    let producedS = 0;
    const producer = (async () => {
      const every = 60_000 / PER_MIN;
      for (let next = performance.now(); next < endAt; next += every) {
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
        await hit();
        raised++;
      }
      // the rate over the window the alarms were raised in (the last one opens the last interval)
      producedS = (raised * every) / 1000;
    })();
    // Operators: each takes the next alarm in the queue (a different one each, by index), handles
    // it and resolves it, then waits so that together they resolve about PER_MIN a minute.
    const perOperatorGapMs = (60_000 / PER_MIN) * OPERATORS;
    const workers = cookies.map(async (cookie, i) => {
      await sleep(i * (perOperatorGapMs / OPERATORS));
      while (performance.now() < endAt) {
        const cycle = performance.now();
        const t0 = performance.now();
        const res = await fetch(vigil.url + '/api/alarms?limit=500', { headers: { cookie } });
        const queue = (await res.json()) as { alarms: { id: string; allowed: string[] }[] };
        actionMs.queue.push(performance.now() - t0);
        const candidates = queue.alarms.filter((a) => a.allowed.includes('ack'));
        const a = candidates[(i * 7) % Math.max(1, candidates.length)];
        if (a) {
          for (const [name, url, json] of [
            ['ack', `/api/alarms/${a.id}/ack`, undefined],
            ['take', `/api/alarms/${a.id}/take`, undefined],
            ['comments', `/api/alarms/${a.id}/comments`, { text: 'checked the recording; nobody there' }],
            ['resolve', `/api/alarms/${a.id}/resolve`, { outcome: 'false_alarm' }],
          ] as const) {
            const r = await post(cookie, url, json);
            if (r.status === 200) actionMs[name].push(r.ms);
            else {
              // another operator got there first (409): that is the workflow working, not a failure
              refused[`${name} ${r.status}`] = (refused[`${name} ${r.status}`] ?? 0) + 1;
              break;
            }
            if (name === 'resolve') resolved++;
          }
        }
        const rest = perOperatorGapMs - (performance.now() - cycle);
        if (rest > 0) await sleep(rest);
      }
    });
    await Promise.all([producer, ...workers]);
    measuring = false;
    const openAtEnd = (await vigil.store.listAlarms({ states: ['new', 'acknowledged', 'in_progress', 'on_hold'], limit: 100_000 })).length;
    const actions = [...actionMs.ack, ...actionMs.take, ...actionMs.comments, ...actionMs.resolve];

    const rows: [string, string][] = [
      ['open alarms at start / end', `${OPEN} / ${openAtEnd}`],
      ['seeding the open alarms', `${r1(seedMs)} ms`],
      ['new alarms', `${raised} in ${r1(producedS)} s (${r1((raised / producedS) * 60)}/min)`],
      ['resolved by operators', `${resolved} (${OPERATORS} operators)`],
      ['operator actions (ack, take, comment, resolve)', `${actions.length}: p50 ${r1(pct(actions, 50))} ms, p99 ${r1(pct(actions, 99))} ms, max ${r1(Math.max(...actions))} ms`],
      ...(['ack', 'take', 'comments', 'resolve'] as const).map((k): [string, string] => [`  ${k}`, `${actionMs[k].length}: p50 ${r1(pct(actionMs[k], 50))} ms, p99 ${r1(pct(actionMs[k], 99))} ms`]),
      ['queue screen load (GET /api/alarms, all open)', `${actionMs.queue.length}: p50 ${r1(pct(actionMs.queue, 50))} ms, p99 ${r1(pct(actionMs.queue, 99))} ms`],
      ['refused (someone else first)', JSON.stringify(refused)],
      ['alert latency (hit published → each operator\'s socket)', `${alertMs.length}: p50 ${r1(pct(alertMs, 50))} ms, p99 ${r1(pct(alertMs, 99))} ms, max ${r1(Math.max(...alertMs))} ms`],
    ];
    const w = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
    console.log(
      'RESULT ' +
        JSON.stringify({
          open_alarms: OPEN,
          new_per_min: r1((raised / producedS) * 60),
          action_p99_ms: r1(pct(actions, 99)),
          alert_p99_ms: r1(pct(alertMs, 99)),
          action_p50_ms: r1(pct(actions, 50)),
          queue_p99_ms: r1(pct(actionMs.queue, 99)),
          alert_p50_ms: r1(pct(alertMs, 50)),
          actions: actions.length,
          operators: OPERATORS,
          open_at_end: openAtEnd,
        }),
    );
  } finally {
    for (const ws of sockets) ws.close();
    await vigil.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

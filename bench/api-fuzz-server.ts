// Child of bench/api-fuzz.ts: a whole Vigil (embedded store) in a process of its own, so the
// memory measured is the server's, not the fuzzer's (20,000 generated requests and their answers
// are the parent's). Run with --expose-gc. Talks over the IPC channel:
//   → {type: 'ready', url, viewer, admin, targetId}
//   ← {type: 'mem'}   → {type: 'mem', heapMb, heapTotalMb, rssMb, externalMb} after a full GC
//   ← {type: 'stop'}  → exits
// The test harness keeps the server's log lines in memory (to assert on them); they are dropped
// before each measurement: they are the harness's, not the server's.
import { startTestVigil } from '../test/helpers/vigil-instance.ts';
import { AuthService } from '../src/access/index.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !process.send) {
  console.error('run as a child with --expose-gc and an IPC channel (bench/api-fuzz.ts does)');
  process.exit(2);
}
const send = (m: unknown) => process.send!(m);
const v = await startTestVigil({ cameras: [{ id: 'cam1', name: 'Fuzz camera', url: 'rtsp://127.0.0.1:9/x' }], auth: { loginMaxFailures: 1000, loginMaxFailuresPerAddress: 100000 } });
const auth = new AuthService(v.store, { sessionHours: 1, loginMaxFailures: 5, loginWindowSeconds: 60 });
await auth.createUser('bench-viewer', 'Quiet-lamp-post-77', 'viewer', 'bench');
const target = await auth.createUser('bench-op', 'Quiet-harbour-target-1', 'operator', 'bench');
await v.login('bench-viewer', 'Quiet-lamp-post-77');
const viewer = v.cookie;
v.cookie = null;
await v.login('admin', 'admin-password-1');
const admin = v.cookie;

const mb = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
process.on('message', async (m: { type: string }) => {
  if (m.type === 'mem') {
    v.logs.length = 0;
    // Let timers and sockets of the last requests settle, then collect twice (weak references,
    // finalizers) before reading.
    await new Promise((r) => setTimeout(r, 500));
    gc();
    gc();
    const u = process.memoryUsage();
    send({ type: 'mem', heapMb: mb(u.heapUsed), heapTotalMb: mb(u.heapTotal), rssMb: mb(u.rss), externalMb: mb(u.external) });
  } else if (m.type === 'stop') {
    await v.stop();
    process.exit(0);
  }
});
send({ type: 'ready', url: v.url, viewer, admin, targetId: target.id });

// GET /api/metrics: Prometheus text of this process, for a scraper with the configured bearer
// token or a signed-in user who may read storage; nobody else.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestVigil, type TestVigil } from '../helpers/vigil-instance.ts';
import { renderMetrics } from '../../src/api/metrics-route.ts';

let v: TestVigil;
const TOKEN = 'scrape-token-0123456789';
before(async () => {
  v = await startTestVigil({ server: { port: 0, metricsToken: TOKEN } });
});
after(async () => {
  await v?.stop();
});

test('metrics answer the bearer token and a session, and refuse anyone else', async () => {
  assert.equal((await fetch(`${v.url}/api/metrics`)).status, 401);
  assert.equal((await fetch(`${v.url}/api/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status, 401);
  const res = await fetch(`${v.url}/api/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0.0.4/);
  const text = await res.text();
  assert.match(text, /^# TYPE vigil_cameras gauge$/m);
  assert.match(text, /^vigil_cameras\{state="online"\} 0$/m);
  const free = Number(/^vigil_disk_free_bytes (\d+)$/m.exec(text)?.[1]);
  assert.ok(free > 0, 'the recordings volume\'s free space');
  await v.login('admin', 'admin-password-1');
  assert.equal((await v.http('/api/metrics')).status, 200);
});

test('labels are escaped so a camera id cannot break the exposition format', () => {
  const text = renderMetrics([{ name: 'x', help: 'h', type: 'gauge', samples: [{ labels: { camera: 'a"b\\c\nd' }, value: 1 }] }]);
  assert.equal(text.split('\n')[2], 'x{camera="a\\"b\\\\c\\nd"} 1');
});

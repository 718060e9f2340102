// The nodes page in a real browser against a real cluster: an api and two recording nodes (one
// camera each at most) on PostgreSQL and NATS, three cameras: the page shows every node, what it
// records of its capacity, that the nodes are full and a camera is recorded by nobody, and a
// killed node going silent. Screenshots in English and Dari (right to left).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildWeb, ensureScreenshotDir, launchChromium } from './helpers.ts';
import { startClusterRig, until, ADMIN_PASSWORD, type ClusterRig } from '../helpers/cluster-rig.ts';

let rig: ClusterRig;
let browser: Browser;
let page: Page;
const shots = ensureScreenshotDir();
before(async () => {
  buildWeb();
  rig = await startClusterRig({ cameras: 3, ttlSeconds: 5, segmentSeconds: 2 });
  await rig.startApi();
  await rig.startNode('node-a', { capacity: 1 });
  await rig.startNode('node-b', { capacity: 1 });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 700 }, locale: 'en-GB' })).newPage();
});
after(async () => {
  await browser?.close().catch(() => {});
  await rig?.stop();
});

test('the nodes page lists the api and the nodes with their cameras, a full cluster, and a node gone silent', async () => {
  await until('both nodes full', () => rig.view.assignments().size === 2, 40_000);
  await page.goto(rig.procs.get('api')!.url + '/');
  await page.fill('input[name="username"]', 'admin');
  await page.fill('input[name="password"]', ADMIN_PASSWORD);
  await page.click('button[type="submit"]');
  await page.getByTestId('topbar-more').click();
  await page.getByTestId('nodes-link').click();
  await page.getByTestId('nodes-table').waitFor();
  const rows = page.getByTestId('node-row');
  await until('three rows', async () => (await rows.count()) === 3, 10_000);
  assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-node'))), ['api', 'node-a', 'node-b']);
  const a = page.locator('[data-node="node-a"]');
  assert.equal(await a.getByTestId('node-state').textContent(), 'alive');
  assert.equal(await a.getByTestId('node-cameras').innerText(), '1 of 1');
  await until('full shown', async () => ((await a.getByTestId('node-full').textContent()) ?? '').startsWith('full: 1'), 10_000);
  assert.match(await page.getByTestId('nodes-unassigned').innerText(), /^Cameras recorded by no node: 1\. /);
  assert.match(await page.getByTestId('nodes-summary').innerText(), /3 of 3 alive · this server: api/);
  await page.screenshot({ path: path.join(shots, 'nodes.png') });

  await page.selectOption('[data-testid="language"]', 'fa');
  assert.equal(await page.evaluate('document.documentElement.dir'), 'rtl');
  await page.locator('[data-node="node-a"] [data-testid="node-state"]', { hasText: 'فعال' }).waitFor();
  await page.screenshot({ path: path.join(shots, 'nodes-fa-rtl.png') });
  await page.selectOption('[data-testid="language"]', 'en');

  await rig.kill('node-b');
  await page.locator('[data-node="node-b"] [data-testid="node-state"]', { hasText: 'silent' }).waitFor({ timeout: 20_000 });
  await page.screenshot({ path: path.join(shots, 'nodes-silent.png') });
});

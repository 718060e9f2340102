// The top bar at the laptop sizes control rooms use (1366×768, 1280×720) in English, Dari and Urdu:
// one row, nothing cut off at the edges, the rarely used screens behind "More". Screenshots of each.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openControlRoom, type ControlRoom } from './helpers.ts';

describe('top bar at laptop sizes', { timeout: 150_000 }, () => {
  let room: ControlRoom;

  before(async () => {
    room = await openControlRoom();
    const page = room.page;
    await page.goto(room.demo.baseUrl + '/users');
    await page.locator('input[name="username"]').waitFor({ timeout: 15_000 });
    await page.fill('input[name="username"]', room.demo.username);
    await page.fill('input[name="password"]', room.demo.password);
    await page.click('button[type="submit"]');
    await page.getByTestId('users-screen').waitFor({ timeout: 15_000 });
  });
  after(async () => {
    await room?.close();
  });

  for (const [width, height] of [[1366, 768], [1280, 720]] as const) {
    for (const lang of ['en', 'fa', 'ur'] as const) {
      test(`${width}×${height}, ${lang}: one row, every item inside the window`, async () => {
        const page = room.page;
        await page.setViewportSize({ width, height });
        await page.selectOption('[data-testid="language"]', lang);
        await page.waitForFunction(`document.documentElement.lang === '${lang}'`, undefined, { timeout: 5000 });
        const layout = await page.evaluate(`(() => {
          const bar = document.querySelector('.topbar').getBoundingClientRect();
          const items = [...document.querySelectorAll('.topbar > *, .screen-nav a, .topbar-end > *')].map((el) => {
            const r = el.getBoundingClientRect();
            return { what: el.className || el.tagName, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
          });
          return { height: bar.height, bottom: bar.bottom, items };
        })()`) as { height: number; bottom: number; items: { what: string; left: number; right: number; top: number; bottom: number }[] };
        // One row of 28-30 px controls plus padding; a wrapped bar is 80 px or more.
        assert.ok(layout.height < 56, `top bar ${layout.height} px high`);
        for (const item of layout.items) {
          assert.ok(item.left >= 0 && item.right <= width + 0.5, `${item.what} outside the window: ${item.left}–${item.right}`);
          assert.ok(item.bottom <= layout.bottom + 0.5, `${item.what} below the bar`);
        }
        await page.getByTestId('topbar-more').click();
        const nodes = page.getByTestId('nodes-link');
        await nodes.waitFor({ state: 'visible', timeout: 2000 });
        const box = (await nodes.boundingBox())!;
        assert.ok(box.x >= 0 && box.x + box.width <= width, `the menu's Nodes link at ${box.x}–${box.x + box.width}`);
        await page.screenshot({ path: path.join(room.shots, `topbar-${width}-${lang}.png`), clip: { x: 0, y: 0, width, height: 140 } });
        await page.keyboard.press('Escape');
        await nodes.waitFor({ state: 'hidden', timeout: 2000 });
      });
    }
  }

  test('the More menu leads to the nodes screen', async () => {
    const page = room.page;
    await page.selectOption('[data-testid="language"]', 'en');
    await page.getByTestId('topbar-more').click();
    await page.getByTestId('nodes-link').click();
    await page.waitForURL('**/nodes');
    assert.equal(await page.getByTestId('nodes-link').isVisible(), false, 'the menu closes after a choice');
  });
});

// Issue 15's integration queries (webhook dead letters) on both engines.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Store, type WebhookDeadLetterRow } from '../../src/store/index.ts';
import { bothStoreEngines } from '../helpers/store-engines.ts';

const engines = bothStoreEngines('integration');

const letter = (i: number, hook: string, failedAt: number): WebhookDeadLetterRow => ({
  id: `whd_${String(i).padStart(4, '0')}`, hook, eventId: i % 3 ? `evt_${i}` : null, body: JSON.stringify({ i, text: 'ünïcode \u0000-free' }), attempts: i % 8 + 1, lastError: `HTTP ${500 + (i % 4)}`, firstAt: failedAt - 1000, failedAt,
});

for (const engine of engines) {
  describe(`webhook dead letters on ${engine.name}`, () => {
    let store: Store;
    before(async () => {
      store = await engine.open();
    });

    test('listed newest first, page by page without gaps or repeats, by hook; taken once', async () => {
      // Several share a failedAt: the id breaks ties.
      for (let i = 0; i < 25; i++) await store.addWebhookDeadLetter(letter(i, i % 2 ? 'a' : 'b', 1_800_000_000_000 + Math.floor(i / 3) * 1000));
      const seen: WebhookDeadLetterRow[] = [];
      let before: { failedAt: number; id: string } | undefined;
      for (;;) {
        const page = await store.listWebhookDeadLetters({ before, limit: 4 });
        seen.push(...page);
        if (page.length < 4) break;
        before = { failedAt: page.at(-1)!.failedAt, id: page.at(-1)!.id };
      }
      assert.equal(seen.length, 25);
      assert.equal(new Set(seen.map((r) => r.id)).size, 25);
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1].failedAt > seen[i].failedAt || (seen[i - 1].failedAt === seen[i].failedAt && seen[i - 1].id > seen[i].id));
      assert.deepEqual(seen.find((r) => r.id === 'whd_0007'), letter(7, 'a', 1_800_000_000_000 + 2000));
      assert.equal((await store.listWebhookDeadLetters({ hook: 'a', limit: 100 })).length, 12);
      const taken = await store.takeWebhookDeadLetter('whd_0003');
      assert.deepEqual(taken, letter(3, 'a', 1_800_000_000_000 + 1000));
      assert.equal(await store.takeWebhookDeadLetter('whd_0003'), null, 'taken once');
      assert.equal((await store.listWebhookDeadLetters({ limit: 100 })).length, 24);
    });
  });
}

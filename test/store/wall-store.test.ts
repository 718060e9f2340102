// Issue 12's wall layouts and bookmarks in the store, on both engines: compare-and-set on a layout's
// version, personal layouts invisible to others, shared ones listed for everyone, audit entries
// written with the change.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Store, type WallLayoutRow } from '../../src/store/index.ts';
import { bothStoreEngines } from '../helpers/store-engines.ts';

const engines = bothStoreEngines('wall');

const layout = (id: string, ownerId: string, shared: boolean, name: string): WallLayoutRow => ({
  id, ownerId, ownerName: `user ${ownerId}`, name, shared, spec: { layout: '2x2', tiles: ['c1', null, 'c2', null], tour: null }, createdAt: 1000, updatedAt: 1000, version: 1,
});

for (const engine of engines) {
  describe(`wall and bookmarks store on ${engine.name}`, () => {
    let store: Store;
    before(async () => {
      store = await engine.open();
    });

    test('layouts: own and shared listed, others\' personal ones not; updates are compare-and-set; audited', async () => {
      await store.addWallLayout(layout('w1', 'u1', false, 'Mine'), { actor: 'u1', action: 'wall.create', details: { layoutId: 'w1' } });
      await store.addWallLayout(layout('w2', 'u2', false, 'Theirs'));
      await store.addWallLayout(layout('w3', 'u2', true, 'Control room'));
      assert.deepEqual((await store.listWallLayouts('u1')).map((l) => l.id), ['w3', 'w1'], 'by name: Control room, Mine');
      assert.deepEqual((await store.listWallLayouts('u2')).map((l) => l.id).sort(), ['w2', 'w3']);
      const got = await store.getWallLayout('w1');
      assert.deepEqual(got?.spec, { layout: '2x2', tiles: ['c1', null, 'c2', null], tour: null });
      assert.equal(got?.shared, false);

      const tour = { layout: '1', tiles: ['c1'], tour: { dwellSeconds: 5, cameraIds: ['c1', 'c2'] } };
      const next = { ...got!, name: 'Mine, toured', spec: tour, updatedAt: 2000 };
      const saved = await store.updateWallLayout(1, next, { actor: 'u1', action: 'wall.update', details: { layoutId: 'w1' } });
      assert.equal(saved?.version, 2);
      assert.equal(await store.updateWallLayout(1, { ...next, name: 'lost' }, { actor: 'u9', action: 'wall.update' }), null, 'a stale version loses');
      const stored = await store.getWallLayout('w1');
      assert.equal(stored?.name, 'Mine, toured');
      assert.deepEqual(stored?.spec, tour);
      assert.equal(await store.deleteWallLayout('w1', { actor: 'u1', action: 'wall.delete' }), true);
      assert.equal(await store.deleteWallLayout('w1', { actor: 'u1', action: 'wall.delete' }), false);
      const actions = (await store.listAudit(0, 100)).map((a) => a.action).filter((a) => a.startsWith('wall.'));
      assert.deepEqual(actions, ['wall.create', 'wall.update', 'wall.delete'], 'the lost update and the second delete wrote nothing');
    });

    test('bookmarks: listed by camera and time, oldest first; deleted with an audit entry', async () => {
      for (const [id, cam, at] of [['b1', 'c1', 5000], ['b2', 'c1', 3000], ['b3', 'c2', 4000], ['b4', 'c1', 90_000]] as const) {
        await store.addBookmark({ id, cameraId: cam, atMs: at, note: `note ${id} — ملاحظه`, createdBy: 'u1', createdName: 'amina', createdAt: 1 }, { actor: 'u1', action: 'bookmark.create', cameraId: cam, details: { bookmarkId: id } });
      }
      const c1 = await store.listBookmarks({ cameraIds: ['c1'], fromMs: 0, toMs: 10_000, limit: 10 });
      assert.deepEqual(c1.map((b) => b.id), ['b2', 'b1']);
      assert.equal(c1[1].note, 'note b1 — ملاحظه');
      assert.deepEqual((await store.listBookmarks({ cameraIds: ['c1', 'c2'], fromMs: 0, toMs: 100_000, limit: 3 })).map((b) => b.id), ['b2', 'b3', 'b1']);
      assert.deepEqual(await store.listBookmarks({ cameraIds: [], fromMs: 0, toMs: 100_000, limit: 3 }), []);
      assert.equal((await store.getBookmark('b3'))?.cameraId, 'c2');
      assert.equal(await store.deleteBookmark('b3', { actor: 'u1', action: 'bookmark.delete', cameraId: 'c2' }), true);
      assert.equal(await store.getBookmark('b3'), null);
      const audit = (await store.listAudit(0, 200)).filter((a) => a.action.startsWith('bookmark.'));
      assert.equal(audit.filter((a) => a.action === 'bookmark.create').length, 4);
      assert.equal(audit.filter((a) => a.action === 'bookmark.delete' && a.cameraId === 'c2').length, 1);
    });
  });
}

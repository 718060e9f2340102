// Bookmarks of an investigation: a moment of a camera's recording with a note (issue 12). Creating
// and deleting are audited with the camera; listing needs the recordings' list permission.
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { BookmarkRow } from '../store/index.ts';
import { newId } from '../core/index.ts';
import { PlaybackError } from '../playback/index.ts';
import type { ApiDeps, Guard } from './types.ts';
import { CameraParams, ErrorSchema } from './schemas.ts';
import { BookmarkBody, BookmarkListSchema, BookmarkParams, BookmarkQuery, BookmarkSchema, type Bookmark } from './wall-schemas.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
const WEEK_MS = 7 * 24 * 3_600_000;

const view = (b: BookmarkRow): Bookmark => ({ id: b.id, cameraId: b.cameraId, at: b.atMs, note: b.note, createdBy: { id: b.createdBy, name: b.createdName }, createdAt: b.createdAt });

export function registerBookmarkRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  const { store } = deps;

  app.get<{ Params: Static<typeof CameraParams>; Querystring: Static<typeof BookmarkQuery> }>(
    '/api/cameras/:id/bookmarks',
    { schema: { tags: ['playback'], summary: "A camera's bookmarks in a time range, oldest first", params: CameraParams, querystring: BookmarkQuery, response: { 200: BookmarkListSchema, ...errors } } },
    async (req) => {
      guard(req, 'recording.list', { type: 'camera', id: req.params.id });
      const to = req.query.to ?? Date.now();
      const from = req.query.from ?? to - WEEK_MS;
      if (to < from) throw new PlaybackError('BAD_REQUEST', 'querystring/to must not be before from', { reason: 'RANGE_INVALID' });
      return { bookmarks: (await store.listBookmarks({ cameraIds: [req.params.id], fromMs: from, toMs: to, limit: req.query.limit })).map(view) };
    },
  );

  app.post<{ Params: Static<typeof CameraParams>; Body: Static<typeof BookmarkBody> }>(
    '/api/cameras/:id/bookmarks',
    { schema: { tags: ['playback'], summary: 'Bookmark a moment of the recording with a note (audited)', params: CameraParams, body: BookmarkBody, response: { 201: BookmarkSchema, ...errors } } },
    async (req, reply) => {
      const user = guard(req, 'recording.play', { type: 'camera', id: req.params.id });
      if (req.body.at > Date.now() + 60_000) throw new PlaybackError('BAD_REQUEST', 'body/at is in the future: a bookmark marks recorded time', { reason: 'RANGE_INVALID' });
      const row: BookmarkRow = { id: newId('bmk'), cameraId: req.params.id, atMs: req.body.at, note: req.body.note, createdBy: user.id, createdName: user.username, createdAt: Date.now() };
      await store.addBookmark(row, { actor: user.id, ip: req.ip, action: 'bookmark.create', cameraId: row.cameraId, details: { bookmarkId: row.id, at: row.atMs, note: row.note } });
      reply.status(201);
      return view(row);
    },
  );

  app.delete<{ Params: Static<typeof BookmarkParams> }>(
    '/api/cameras/:id/bookmarks/:bookmarkId',
    { schema: { tags: ['playback'], summary: 'Delete a bookmark: your own, or any with evidence.release_any (audited)', params: BookmarkParams, response: errors } },
    async (req, reply) => {
      const user = guard(req, 'recording.play', { type: 'camera', id: req.params.id });
      const b = await store.getBookmark(req.params.bookmarkId);
      if (!b || b.cameraId !== req.params.id) throw new PlaybackError('NOT_FOUND', `params/bookmarkId: no bookmark ${req.params.bookmarkId} on camera ${req.params.id}`);
      if (b.createdBy !== user.id) guard(req, 'evidence.release_any', { type: 'camera', id: req.params.id });
      await store.deleteBookmark(b.id, { actor: user.id, ip: req.ip, action: 'bookmark.delete', cameraId: b.cameraId, details: { bookmarkId: b.id, at: b.atMs, note: b.note, createdBy: b.createdName } });
      reply.status(204).send();
    },
  );
}

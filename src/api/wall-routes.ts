// Saved video walls: a user's own layouts and the shared ones (issue 12). Saving, changing and
// deleting are audited; a shared layout needs wall.share. Changes are compare-and-set on the
// layout's version, so two people editing one shared wall cannot silently overwrite each other.
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { Principal } from '../access/index.ts';
import type { WallLayoutRow } from '../store/index.ts';
import { newId } from '../core/index.ts';
import { WallError, tileCount } from '../wall/index.ts';
import type { ApiDeps, Guard } from './types.ts';
import { ErrorSchema } from './schemas.ts';
import {
  WallLayoutBody, WallLayoutListSchema, WallLayoutParams, WallLayoutSchema, WallLayoutUpdateBody, type WallLayout, type WallLayoutInput, type WallSpec,
} from './wall-schemas.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

/** The spec as stored: tiles match the layout, custom sizes only on custom layouts. */
function checkedSpec(spec: WallSpec): WallSpec {
  const custom = spec.layout === 'custom';
  if (custom && (spec.cols === undefined || spec.rows === undefined)) throw new WallError('WALL_BAD_LAYOUT', 'body/spec: a custom layout needs cols and rows');
  const cols = custom ? spec.cols! : undefined;
  const rows = custom ? spec.rows! : undefined;
  const want = tileCount(spec.layout, cols, rows);
  if (spec.tiles.length !== want) {
    throw new WallError('WALL_BAD_LAYOUT', `body/spec/tiles: layout ${spec.layout}${custom ? ` ${cols}×${rows}` : ''} has ${want} tiles, the request gives ${spec.tiles.length}`);
  }
  return { layout: spec.layout, ...(custom ? { cols, rows } : {}), tiles: spec.tiles, tour: spec.tour ?? null };
}

export function registerWallRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  const { store } = deps;
  const mayChange = (user: Principal, row: WallLayoutRow) =>
    row.ownerId === user.id || (row.shared && guard.can(user, 'wall.share', { type: 'system' }));
  const view = (row: WallLayoutRow, user: Principal): WallLayout => ({
    id: row.id,
    name: row.name,
    shared: row.shared,
    owner: { id: row.ownerId, name: row.ownerName },
    spec: row.spec as WallSpec,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
    editable: mayChange(user, row),
  });
  const auditDetails = (row: WallLayoutRow) => {
    const spec = row.spec as WallSpec;
    return { layoutId: row.id, name: row.name, shared: row.shared, layout: spec.layout, tiles: spec.tiles.filter((t) => t !== null).length, tour: spec.tour ? spec.tour.cameraIds.length : 0 };
  };
  /** The layout, when the user may see it (their own or a shared one). */
  const visible = async (id: string, user: Principal) => {
    const row = await store.getWallLayout(id);
    if (!row || (!row.shared && row.ownerId !== user.id)) throw new WallError('WALL_LAYOUT_NOT_FOUND', `params/layoutId: no layout ${JSON.stringify(id)}`);
    return row;
  };
  const checkShare = (req: Parameters<Guard>[0], input: WallLayoutInput) => {
    if (input.shared) guard(req, 'wall.share', { type: 'system' });
  };

  app.get(
    '/api/wall/layouts',
    { schema: { tags: ['wall'], summary: 'Your saved video walls and the shared ones, by name', response: { 200: WallLayoutListSchema, ...errors } } },
    async (req) => {
      const user = guard(req, 'wall.use', { type: 'system' });
      return { layouts: (await store.listWallLayouts(user.id)).map((r) => view(r, user)) };
    },
  );

  app.post<{ Body: Static<typeof WallLayoutBody> }>(
    '/api/wall/layouts',
    { schema: { tags: ['wall'], summary: 'Save a video wall: layout, tiles, tour (audited; shared needs wall.share)', body: WallLayoutBody, response: { 201: WallLayoutSchema, ...errors } } },
    async (req, reply) => {
      const user = guard(req, 'wall.use', { type: 'system' });
      checkShare(req, req.body);
      const now = Date.now();
      const row: WallLayoutRow = { id: newId('wall'), ownerId: user.id, ownerName: user.username, name: req.body.name, shared: req.body.shared, spec: checkedSpec(req.body.spec), createdAt: now, updatedAt: now, version: 1 };
      const stored = await store.addWallLayout(row, { actor: user.id, ip: req.ip, action: 'wall.create', cameraId: null, details: auditDetails(row) });
      reply.status(201);
      return view(stored, user);
    },
  );

  app.put<{ Params: Static<typeof WallLayoutParams>; Body: Static<typeof WallLayoutUpdateBody> }>(
    '/api/wall/layouts/:layoutId',
    { schema: { tags: ['wall'], summary: 'Change a saved video wall (its owner; a shared one also wall.share holders; audited)', params: WallLayoutParams, body: WallLayoutUpdateBody, response: { 200: WallLayoutSchema, ...errors } } },
    async (req) => {
      const user = guard(req, 'wall.use', { type: 'system' });
      const current = await visible(req.params.layoutId, user);
      if (!mayChange(user, current)) throw new WallError('WALL_NOT_YOURS', `layout ${current.id} is ${current.ownerName}'s; sharing it lets others see it, not change it`);
      if (req.body.shared !== current.shared) checkShare(req, req.body);
      const next: WallLayoutRow = { ...current, name: req.body.name, shared: req.body.shared, spec: checkedSpec(req.body.spec), updatedAt: Date.now() };
      const stored = await store.updateWallLayout(req.body.version, next, { actor: user.id, ip: req.ip, action: 'wall.update', cameraId: null, details: auditDetails(next) });
      if (!stored) {
        const now = await store.getWallLayout(current.id);
        throw new WallError('WALL_CONFLICT', now ? `layout ${current.id} changed since version ${req.body.version} (now ${now.version}, by its last save at ${new Date(now.updatedAt).toISOString()}): load it again` : `layout ${current.id} was deleted`);
      }
      return view(stored, user);
    },
  );

  app.delete<{ Params: Static<typeof WallLayoutParams> }>(
    '/api/wall/layouts/:layoutId',
    { schema: { tags: ['wall'], summary: 'Delete a saved video wall (audited)', params: WallLayoutParams, response: errors } },
    async (req, reply) => {
      const user = guard(req, 'wall.use', { type: 'system' });
      const current = await visible(req.params.layoutId, user);
      if (!mayChange(user, current)) throw new WallError('WALL_NOT_YOURS', `layout ${current.id} is ${current.ownerName}'s`);
      await store.deleteWallLayout(current.id, { actor: user.id, ip: req.ip, action: 'wall.delete', cameraId: null, details: auditDetails(current) });
      reply.status(204).send();
    },
  );
}

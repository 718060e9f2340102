// Alarm history: filtered by time, camera, site, rule, state, outcome and operator, paged by keyset
// (newest first by first hit, then id: a page costs the same on the millionth row as on the first),
// and exported as CSV (audited with the filter and the row count).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { ApiDeps, Guard } from './types.ts';
import type { Principal } from '../access/index.ts';
import { alarmCsvHeader, alarmCsvRows, decodeCursor, EventError, type AlarmService } from '../events/index.ts';
import type { AlarmQuery } from '../store/index.ts';
import { ErrorSchema } from './schemas.ts';
import { AlarmHistoryQuery, AlarmHistorySchema } from './alarm-schemas.ts';
import type { AlarmAccess } from './alarm-views.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
/** Most rows one CSV export holds (narrow the filter for more). */
export const CSV_MAX_ROWS = 100_000;

export function registerAlarmHistoryRoutes(app: FastifyInstance, deps: ApiDeps, alarms: AlarmService, guard: Guard, access: AlarmAccess): void {
  const seesCamera = access.seesCamera;
  /** The store query for this filter, limited to the cameras the user may see. */
  const toQuery = async (user: Principal, f: Static<typeof AlarmHistoryQuery>): Promise<AlarmQuery | null> => {
    const q: AlarmQuery = { fromMs: f.from, toMs: f.to, ruleKind: f.ruleKind, rule: f.rule, outcome: f.outcome, states: f.state ? [f.state] : undefined, limit: f.limit };
    if (f.cursor) q.before = decodeCursor(f.cursor);
    if (f.operator !== undefined) {
      const op = await deps.store.getUserByName(f.operator);
      if (!op) return null;
      q.operatorId = op.id;
    }
    if (f.cameraId !== undefined) {
      if (!seesCamera(user, f.cameraId)) throw new EventError('NOT_FOUND', `no camera ${f.cameraId} you may see`);
      q.cameraIds = [f.cameraId];
    }
    if (f.site !== undefined) {
      if (!(await deps.store.getSite(f.site))) throw new EventError('NOT_FOUND', `no site ${f.site}`);
      const inSite = (await deps.store.listCameraPlacements({ limit: 100_000 })).filter((p) => p.siteId === f.site && seesCamera(user, p.cameraId)).map((p) => p.cameraId);
      q.cameraIds = q.cameraIds ? q.cameraIds.filter((c) => inSite.includes(c)) : inSite;
    }
    if (q.cameraIds === undefined) {
      const cams = await deps.store.listCameras();
      const visible = cams.filter((c) => seesCamera(user, c.id)).map((c) => c.id);
      // Everyone sees every camera today; a user limited to some gets only theirs.
      if (visible.length < cams.length) q.cameraIds = visible;
    }
    if (q.fromMs !== undefined && q.toMs !== undefined && q.toMs < q.fromMs) throw new EventError('BAD_REQUEST', 'querystring/to must not be before from');
    return q;
  };

  app.get<{ Querystring: Static<typeof AlarmHistoryQuery> }>(
    '/api/alarms/history',
    { schema: { tags: ['alarms'], summary: 'Alarm history, newest first, filtered and paged (pass `next` as `cursor`)', querystring: AlarmHistoryQuery, response: { 200: AlarmHistorySchema, ...errors } } },
    async (req: FastifyRequest<{ Querystring: Static<typeof AlarmHistoryQuery> }>) => {
      const user = guard(req, 'event.list', { type: 'cameras' });
      const q = await toQuery(user, req.query);
      if (!q) return { alarms: [], next: null };
      const page = await alarms.history(q);
      return { alarms: await access.views(page.alarms, user), next: page.next };
    },
  );

  app.get<{ Querystring: Static<typeof AlarmHistoryQuery> }>(
    '/api/alarms/history.csv',
    { schema: { tags: ['alarms'], summary: `The filtered history as CSV (at most ${CSV_MAX_ROWS} rows; the export is audited)`, querystring: AlarmHistoryQuery } },
    async (req, reply) => {
      const user = guard(req, 'event.list', { type: 'cameras' });
      const q = await toQuery(user, { ...req.query, limit: 1000 });
      const names = new Map((await deps.store.listCameras()).map((c) => [c.id, c.name]));
      let body = alarmCsvHeader();
      let rows = 0;
      let truncated = false;
      for (let cursor = q; cursor; ) {
        const page = await alarms.history(cursor);
        body += alarmCsvRows(page.alarms, (id) => names.get(id) ?? id);
        rows += page.alarms.length;
        if (!page.next) break;
        if (rows >= CSV_MAX_ROWS) {
          truncated = true;
          break;
        }
        cursor = { ...cursor, before: decodeCursor(page.next) };
      }
      const { cursor: _c, limit: _l, ...filter } = req.query;
      await deps.store.appendAudit({ actor: user.id, ip: req.ip, action: 'alarm.export', details: { filter, rows, truncated } });
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="alarms-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.csv"`)
        .header('cache-control', 'private, no-store');
      if (truncated) reply.header('x-vigil-truncated', String(CSV_MAX_ROWS));
      return reply.send(body);
    },
  );
}

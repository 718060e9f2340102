// Retention of everything but recordings (issue 13): the policy in days per kind, shown to
// admins and auditors, changed by the admin (audited, with notices when an evidence lock or an
// open alarm keeps older data: those win), and a sweep on demand.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { ApiDeps, Guard } from './types.ts';
import { ErrorSchema } from './schemas.ts';
import { DataRetentionPolicySchema, DataRetentionReply, DataSweepSchema, RecordingRetentionReply, RetentionNoticeSchema } from './privacy-schemas.ts';
import { DEFAULT_RETENTION_HOURS, PrivacyError, latestDeletions, type DataRetention } from '../privacy/index.ts';

// null is allowed through the schema, and first (the server's type coercion tries the union's
// members in order and would turn null into 0, "keep forever"), so that the handler refuses it by name.
const Days = (what: string) => Type.Optional(Type.Union([Type.Null(), Type.Number()], { description: `${what}: days kept (0: forever)` }));
const PolicyBody = Type.Object(
  {
    eventsDays: Days('events, resolved alarms and webhook dead letters'),
    snapshotsDays: Days('alarm snapshots'),
    exportsDays: Days('exports and evidence packages kept on the server'),
    countsDays: Days('line and lane counts'),
    auditDays: Days('audit entries (0 or at least 31; cut with a signed prune record)'),
  },
  // Other fields are refused by the handler, by name (the schema's own refusal would not name them).
  { description: 'only the kinds to change; any other field is a 400 naming it' },
);
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
/** How many of the latest deletions the retention screen shows. */
const DELETIONS_SHOWN = 20;

export function registerDataRetentionRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  const retention = (): DataRetention => {
    if (!deps.dataRetention) throw new PrivacyError('NOT_FOUND', 'retention of events, snapshots, exports, counts and the audit log is not configured on this server');
    return deps.dataRetention;
  };
  const sweepView = (r: DataRetention['last']) => (r ? { ...r, policy: undefined } : null);

  app.get(
    '/api/privacy/retention',
    { schema: { tags: ['privacy'], summary: 'How long events, snapshots, exports, counts and the audit log are kept; the last sweep; the latest deletions by retention (recordings too) as the audit log has them', response: { 200: DataRetentionReply, ...errors } } },
    async (req) => {
      guard(req, 'audit.read', { type: 'audit' });
      const r = retention();
      const policy = await r.policy();
      const deletions = await latestDeletions((q) => deps.store.queryAudit(q), DELETIONS_SHOWN);
      return { policy, defaults: r.configured, auditCut: r.auditCut, notices: await r.notices(policy), lastSweep: sweepView(r.last), deletions };
    },
  );

  app.put<{ Body: Static<typeof PolicyBody> }>(
    '/api/privacy/retention',
    { schema: { tags: ['privacy'], summary: 'Change how long each kind is kept (audited retention.policy); notices name what evidence locks and open alarms keep longer (they win)', body: PolicyBody, response: { 200: Type.Object({ policy: DataRetentionPolicySchema, notices: Type.Array(RetentionNoticeSchema) }), ...errors } } },
    async (req) => {
      const user = guard(req, 'purpose.manage', { type: 'system' });
      return retention().setPolicy(req.body, { id: user.id, ip: req.ip });
    },
  );

  app.post(
    '/api/privacy/retention/sweep',
    { schema: { tags: ['privacy'], summary: 'Run the retention of events, snapshots, exports, counts and the audit log now (each deletion audited)', response: { 200: Type.Object({ sweep: DataSweepSchema }), ...errors } } },
    async (req) => {
      guard(req, 'purpose.manage', { type: 'system' });
      return { sweep: sweepView(await retention().sweep())! };
    },
  );

  // Each camera's recording retention beside the other kinds (the retention screen); changed per camera at /api/cameras/:id/purpose.
  app.get(
    '/api/privacy/recording-retention',
    { schema: { tags: ['privacy'], summary: 'Each camera\'s recording retention with its stated purpose (cameras of this user\'s scope), and the hours kept without a stated purpose', response: { 200: RecordingRetentionReply, ...errors } } },
    async (req) => {
      const user = guard(req, 'audit.read', { type: 'audit' });
      const purposes = deps.cameraPurposes;
      if (!purposes) throw new PrivacyError('NOT_FOUND', 'camera purposes are not configured on this server');
      const [cameras, stated] = await Promise.all([deps.store.listCameras(), purposes.list()]);
      const byId = new Map(stated.map((p) => [p.cameraId, p]));
      return {
        defaultRetentionHours: DEFAULT_RETENTION_HOURS,
        cameras: cameras.filter((c) => guard.can(user, 'camera.list', { type: 'camera', id: c.id })).map((c) => {
          const p = byId.get(c.id);
          return {
            cameraId: c.id, name: c.name, purpose: p?.purpose ?? null, legalBasis: p?.legalBasis ?? null,
            retentionHours: purposes.retentionHours(c.id, deps.configuredRetentionHours?.(c.id) ?? null), retentionReason: p?.retentionReason ?? null,
          };
        }),
      };
    },
  );
}

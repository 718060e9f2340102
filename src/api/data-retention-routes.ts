// Retention of everything but recordings (issue 13): the policy in days per kind, shown to
// admins and auditors, changed by the admin (audited, with notices when an evidence lock or an
// open alarm keeps older data: those win), and a sweep on demand.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { ApiDeps, Guard } from './types.ts';
import { ErrorSchema } from './schemas.ts';
import { PrivacyError, type DataRetention } from '../privacy/index.ts';

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
export const DataRetentionPolicySchema = Type.Object({
  eventsDays: Type.Number(), snapshotsDays: Type.Number(), exportsDays: Type.Number(), countsDays: Type.Number(), auditDays: Type.Number(),
});
export const DataSweepSchema = Type.Object({
  at: Type.Number(),
  events: Type.Number(), alarms: Type.Number(), deadLetters: Type.Number(), counts: Type.Number(),
  snapshots: Type.Number(), snapshotBytes: Type.Number(), exports: Type.Number(), exportBytes: Type.Number(), exportRequests: Type.Number(), auditEntries: Type.Number(),
  kept: Type.Object({ byLock: Type.Number(), byOpenCase: Type.Number() }),
  auditProblem: Type.Union([Type.String(), Type.Null()]),
});
const RetentionResponse = Type.Object({
  policy: DataRetentionPolicySchema,
  /** The config's values (what a fresh installation starts with). */
  defaults: DataRetentionPolicySchema,
  /** Whether this server cuts the audit log, and if not why. */
  auditCut: Type.Object({ enabled: Type.Boolean(), reason: Type.Union([Type.String(), Type.Null()]) }),
  notices: Type.Array(Type.String()),
  lastSweep: Type.Union([DataSweepSchema, Type.Null()]),
});
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

export function registerDataRetentionRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  const retention = (): DataRetention => {
    if (!deps.dataRetention) throw new PrivacyError('NOT_FOUND', 'retention of events, snapshots, exports, counts and the audit log is not configured on this server');
    return deps.dataRetention;
  };
  const sweepView = (r: DataRetention['last']) => (r ? { ...r, policy: undefined } : null);

  app.get(
    '/api/privacy/retention',
    { schema: { tags: ['privacy'], summary: 'How long events, snapshots, exports, counts and the audit log are kept; the last sweep', response: { 200: RetentionResponse, ...errors } } },
    async (req) => {
      guard(req, 'audit.read', { type: 'audit' });
      const r = retention();
      const policy = await r.policy();
      return { policy, defaults: r.configured, auditCut: r.auditCut, notices: await r.notices(policy), lastSweep: sweepView(r.last) };
    },
  );

  app.put<{ Body: Static<typeof PolicyBody> }>(
    '/api/privacy/retention',
    { schema: { tags: ['privacy'], summary: 'Change how long each kind is kept (audited retention.policy); notices name what evidence locks and open alarms keep longer (they win)', body: PolicyBody, response: { 200: Type.Object({ policy: DataRetentionPolicySchema, notices: Type.Array(Type.String()) }), ...errors } } },
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
}

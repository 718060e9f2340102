// The public transparency report, when the admin publishes it (privacy.transparencyReport; on in
// the demo): JSON at /api/transparency and a page at /transparency (en, fa, ps, ur), no login. Counted from the
// audit log; signed with the server's Ed25519 key; names no person. Built at most once a minute
// (a public route must not let anyone make the server count the whole log on every request).
import type { FastifyInstance } from 'fastify';
import { canonicalJson, loadOrCreateServerKey, readLatestCheckpoint, signBytes } from '../audit/index.ts';
import { buildTransparencyReport, pickReportLanguage, transparencyHtml, REPORT_ACTIONS, type ReportCamera, type TransparencyReport } from '../privacy/index.ts';
import type { ApiDeps } from './types.ts';

const CACHE_MS = 60_000;

export interface SignedReport {
  report: TransparencyReport;
  signature: { keyId: string; publicKey: string; signature: string };
}

export async function makeTransparencyReport(deps: ApiDeps, now = Date.now()): Promise<SignedReport> {
  const t = deps.transparency!;
  const [cameras, masks, placements, sites, daily, purposes] = await Promise.all([
    deps.store.listCameras(),
    deps.store.listPrivacyMasks(),
    deps.store.listCameraPlacements().catch(() => []),
    deps.store.listSites().catch(() => []),
    deps.store.auditDailyCounts(Object.values(REPORT_ACTIONS)),
    deps.cameraPurposes ? deps.cameraPurposes.list() : Promise.resolve([]),
  ]);
  const purposeOf = new Map(purposes.map((p) => [p.cameraId, p]));
  const siteName = new Map(sites.map((s) => [s.id, s.name]));
  const siteOf = new Map(placements.map((p) => [p.cameraId, p.siteId ? (siteName.get(p.siteId) ?? null) : null]));
  const maskCount = new Map<string, number>();
  for (const m of masks) maskCount.set(m.cameraId, (maskCount.get(m.cameraId) ?? 0) + 1);
  const rows: ReportCamera[] = cameras.map((c) => ({
    name: c.name, site: siteOf.get(c.id) ?? null, retentionHours: t.retentionHours(c.id), masks: maskCount.get(c.id) ?? 0, recording: c.enabled && c.record,
    purpose: purposeOf.get(c.id)?.purpose ?? null, legalBasis: purposeOf.get(c.id)?.legalBasis ?? null,
  }));
  const cp = deps.audit ? readLatestCheckpoint(deps.audit.checkpointFile) : null;
  const report = buildTransparencyReport({
    now, cameras: rows, daily,
    checkpoint: cp ? { seq: cp.seq, hash: cp.hash, signedAt: cp.signedAt, keyId: cp.keyId, signature: cp.signature } : null,
    notYetBuilt: [],
  });
  const key = loadOrCreateServerKey(t.keysDir);
  const signature = signBytes(key, Buffer.from(canonicalJson(report))).toString('base64');
  return { report, signature: { keyId: key.keyId, publicKey: key.publicKeyBase64, signature } };
}

export function registerTransparencyRoutes(app: FastifyInstance, deps: ApiDeps): void {
  if (!deps.transparency?.enabled) {
    app.get('/api/transparency', { schema: { security: [], tags: ['privacy'], summary: 'The public transparency report (404: not published here)' } }, async (_req, reply) => {
      reply.status(404);
      return { error: { code: 'NOT_FOUND', message: 'this server does not publish a transparency report (privacy.transparencyReport)' } };
    });
    return;
  }
  let cached: { at: number; value: Promise<SignedReport> } | null = null;
  const current = (): Promise<SignedReport> => {
    if (!cached || Date.now() - cached.at > CACHE_MS) {
      const value = makeTransparencyReport(deps);
      cached = { at: Date.now(), value };
      value.catch(() => (cached = null));
    }
    return cached.value;
  };
  app.get('/api/transparency', { schema: { security: [], tags: ['privacy'], summary: 'The public transparency report, signed (no login)' } }, async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=60');
    return current();
  });
  // The page in English, Dari, Pashto or Urdu: ?lang= first, then Accept-Language.
  app.get<{ Querystring: { lang?: string } }>('/transparency', { schema: { hide: true } }, async (req, reply) => {
    const { report, signature } = await current();
    const lang = pickReportLanguage(typeof req.query?.lang === 'string' ? req.query.lang : null, req.headers['accept-language']);
    reply.type('text/html; charset=utf-8').header('cache-control', 'public, max-age=60').header('content-language', lang).header('vary', 'Accept-Language');
    return transparencyHtml(report, signature, lang);
  });
}

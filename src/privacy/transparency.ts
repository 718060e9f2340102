// The public transparency report: what the system watches and how it was used, month by month,
// counted from the audit log itself (not from separate counters that could drift from it). It
// names no person: no user names, no plates, no images; cameras by site with their masks and
// retention. Pure: the caller brings the rows and signs the result.

/** Audit actions counted, by the report's name for them. */
export const REPORT_ACTIONS = {
  liveViews: 'live.start',
  playbacks: 'recording.play',
  exports: 'export.create',
  exportApprovals: 'export.approve',
  exportRefusals: 'export.refuse',
  maskLifts: 'mask.lift',
  evidenceLocks: 'evidence.lock',
} as const;
export type ReportCounter = keyof typeof REPORT_ACTIONS;

export interface DailyCount {
  /** Days since the epoch (UTC). */
  day: number;
  action: string;
  n: number;
}

export interface ReportCamera {
  name: string;
  site: string | null;
  /** Hours recordings are kept (null: no age limit). */
  retentionHours: number | null;
  masks: number;
  recording: boolean;
}

export interface TransparencyReport {
  format: 'vigil-transparency/1';
  generatedAt: string;
  cameras: { total: number; bySite: { site: string; cameras: ReportCamera[] }[] };
  /** Per calendar month (UTC, "YYYY-MM"), oldest first. */
  months: ({ month: string } & Record<ReportCounter, number>)[];
  /** Counters this build does not produce yet (always 0 until it does). */
  notYetBuilt: ReportCounter[];
  auditCheckpoint: { seq: number; hash: string; signedAt: string; keyId: string; signature: string } | null;
  auditCheckpointNote: string | null;
}

export function monthOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 7);
}

export function buildTransparencyReport(o: {
  now: number;
  cameras: ReportCamera[];
  daily: readonly DailyCount[];
  checkpoint: { seq: number; hash: string; signedAt: number; keyId: string; signature: string } | null;
  notYetBuilt?: ReportCounter[];
}): TransparencyReport {
  const byAction = new Map<string, ReportCounter>(Object.entries(REPORT_ACTIONS).map(([k, v]) => [v, k as ReportCounter]));
  const months = new Map<string, Record<ReportCounter, number>>();
  for (const row of o.daily) {
    const counter = byAction.get(row.action);
    if (!counter) continue;
    const m = monthOfDay(row.day);
    let rec = months.get(m);
    if (!rec) {
      rec = Object.fromEntries(Object.keys(REPORT_ACTIONS).map((k) => [k, 0])) as Record<ReportCounter, number>;
      months.set(m, rec);
    }
    rec[counter] += row.n;
  }
  const sites = new Map<string, ReportCamera[]>();
  for (const c of o.cameras) {
    const key = c.site ?? '(no site)';
    sites.set(key, [...(sites.get(key) ?? []), c]);
  }
  return {
    format: 'vigil-transparency/1',
    generatedAt: new Date(o.now).toISOString(),
    cameras: {
      total: o.cameras.length,
      bySite: [...sites.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([site, cameras]) => ({ site, cameras: cameras.sort((a, b) => a.name.localeCompare(b.name)) })),
    },
    months: [...months.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, counts]) => ({ month, ...counts })),
    notYetBuilt: o.notYetBuilt ?? [],
    auditCheckpoint: o.checkpoint
      ? { seq: o.checkpoint.seq, hash: o.checkpoint.hash, signedAt: new Date(o.checkpoint.signedAt).toISOString(), keyId: o.checkpoint.keyId, signature: o.checkpoint.signature }
      : null,
    auditCheckpointNote: o.checkpoint ? null : 'no signed audit checkpoint has been written yet',
  };
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The report as a page anyone can read (no scripts, no login). */
export function transparencyHtml(r: TransparencyReport, signature: { keyId: string; publicKey: string; signature: string }): string {
  const counters = Object.keys(REPORT_ACTIONS) as ReportCounter[];
  const label: Record<ReportCounter, string> = {
    liveViews: 'Live views', playbacks: 'Playbacks', exports: 'Exports', exportApprovals: 'Export approvals (four eyes)',
    exportRefusals: 'Export refusals', maskLifts: 'Privacy mask lifts', evidenceLocks: 'Evidence locks',
  };
  const rows = r.months.map((m) => `<tr><th scope="row">${esc(m.month)}</th>${counters.map((c) => `<td>${m[c]}</td>`).join('')}</tr>`).join('\n');
  const cams = r.cameras.bySite.map((s) => s.cameras.map((c) => `<tr><td>${esc(s.site)}</td><td>${esc(c.name)}</td><td>${c.recording ? 'yes' : 'no'}</td><td>${c.retentionHours === null ? 'no age limit' : `${c.retentionHours} h`}</td><td>${c.masks}</td></tr>`).join('\n')).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vigil transparency report</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;background:#0d1117;color:#e6edf3}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #30363d;padding:.3rem .6rem;text-align:end}th{text-align:start}tbody td:nth-child(-n+2){text-align:start}code{word-break:break-all;font-size:12px}</style>
</head><body>
<h1>Transparency report</h1>
<p>Generated ${esc(r.generatedAt)}. Counted from the tamper-evident audit log of this system; it names no person and shows no image.</p>
<h2>Cameras (${r.cameras.total})</h2>
<table><thead><tr><th>Site</th><th>Camera</th><th>Recording</th><th>Kept for</th><th>Privacy masks</th></tr></thead><tbody>
${cams}
</tbody></table>
<h2>Use, per month (UTC)</h2>
<table data-testid="months"><thead><tr><th>Month</th>${counters.map((c) => `<th>${esc(label[c])}</th>`).join('')}</tr></thead><tbody>
${rows}
</tbody></table>
${r.notYetBuilt.length ? `<p>Not built yet in this version (always 0): ${r.notYetBuilt.map((c) => esc(label[c])).join(', ')}.</p>` : ''}
<h2>Audit log checkpoint</h2>
${r.auditCheckpoint ? `<p>Entry ${r.auditCheckpoint.seq}, signed ${esc(r.auditCheckpoint.signedAt)} by key ${esc(r.auditCheckpoint.keyId)}: <code>${esc(r.auditCheckpoint.hash)}</code></p>` : `<p>${esc(r.auditCheckpointNote ?? '')}</p>`}
<h2>Signature</h2>
<p>The JSON at <a href="/api/transparency">/api/transparency</a> is signed (Ed25519 over the canonical JSON of <code>report</code>) with key ${esc(signature.keyId)}; public key (SPKI DER, base64):</p>
<p><code>${esc(signature.publicKey)}</code></p>
</body></html>
`;
}

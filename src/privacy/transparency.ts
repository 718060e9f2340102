// The public transparency report: what the system watches and how it was used, month by month,
// counted from the audit log itself (not from separate counters that could drift from it). It
// names no person: no user names, no plates, no images; cameras by site with their masks,
// retention, stated purpose and legal basis. Pure: the caller brings the rows and signs the result.
import { REPORT_LANGUAGES, REPORT_TEXT, fill, type ReportLanguage } from './transparency-text.ts';

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
  /** issue 13: the camera's stated purpose and legal basis (null: none stated yet). */
  purpose?: string | null;
  legalBasis?: string | null;
}

/** Cameras that share a stated purpose and legal basis: how many, and at which sites. */
export interface PurposeGroup {
  purpose: string | null;
  legalBasis: string | null;
  cameras: number;
  sites: string[];
}

export interface TransparencyReport {
  format: 'vigil-transparency/1';
  generatedAt: string;
  cameras: { total: number; bySite: { site: string; cameras: ReportCamera[] }[]; byPurpose: PurposeGroup[] };
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
  const purposes = new Map<string, PurposeGroup>();
  for (const raw of o.cameras) {
    const c: ReportCamera = { ...raw, purpose: raw.purpose ?? null, legalBasis: raw.legalBasis ?? null };
    const key = c.site ?? '(no site)';
    sites.set(key, [...(sites.get(key) ?? []), c]);
    const pk = JSON.stringify([c.purpose, c.legalBasis]);
    const g = purposes.get(pk) ?? { purpose: c.purpose ?? null, legalBasis: c.legalBasis ?? null, cameras: 0, sites: [] };
    g.cameras += 1;
    if (!g.sites.includes(key)) g.sites.push(key);
    purposes.set(pk, g);
  }
  return {
    format: 'vigil-transparency/1',
    generatedAt: new Date(o.now).toISOString(),
    cameras: {
      total: o.cameras.length,
      bySite: [...sites.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([site, cameras]) => ({ site, cameras: cameras.sort((a, b) => a.name.localeCompare(b.name)) })),
      // Stated purposes first, most cameras first; cameras without one last.
      byPurpose: [...purposes.values()]
        .map((g) => ({ ...g, sites: g.sites.sort((a, b) => a.localeCompare(b)) }))
        .sort((a, b) => Number(a.purpose === null) - Number(b.purpose === null) || b.cameras - a.cameras || String(a.purpose).localeCompare(String(b.purpose))),
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

/**
 * The report as a page anyone can read (no scripts, no login), in one of the report's languages:
 * right to left for Dari, Pashto and Urdu, times on the 24-hour clock in UTC, numbers as the
 * language writes them. Names of sites, cameras and purposes are shown as the operator wrote them.
 */
export function transparencyHtml(r: TransparencyReport, signature: { keyId: string; publicKey: string; signature: string }, lang: ReportLanguage = 'en'): string {
  const tx = REPORT_TEXT[lang];
  const counters = Object.keys(REPORT_ACTIONS) as ReportCounter[];
  const num = new Intl.NumberFormat(lang);
  const n = (v: number) => num.format(v);
  const time = (iso: string) => new Intl.DateTimeFormat(lang, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone: 'UTC',
  }).format(new Date(iso));
  const site = (s: string) => (s === '(no site)' ? tx.noSite : s);
  const basis = (b: string | null | undefined) => (b ? (tx.legalBases[b] ?? b) : '—');
  const kept = (h: number | null) => (h === null ? tx.noAgeLimit : fill(tx.hours, { n: n(h) }));
  const ltr = (s: string) => `<code dir="ltr">${esc(s)}</code>`;
  const rows = r.months.map((m) => `<tr><th scope="row" dir="ltr">${esc(m.month)}</th>${counters.map((c) => `<td>${n(m[c])}</td>`).join('')}</tr>`).join('\n');
  const cams = r.cameras.bySite.map((s) => s.cameras.map((c) => `<tr><td dir="auto">${esc(site(s.site))}</td><td dir="auto">${esc(c.name)}</td><td>${c.recording ? tx.yes : tx.no}</td><td>${esc(kept(c.retentionHours))}</td><td>${n(c.masks)}</td><td dir="auto">${c.purpose ? esc(c.purpose) : esc(tx.noPurposeShort)}</td><td>${esc(basis(c.legalBasis))}</td></tr>`).join('\n')).join('\n');
  const groups = r.cameras.byPurpose.map((g) => `<tr><td dir="auto">${g.purpose ? esc(g.purpose) : esc(tx.noPurpose)}</td><td>${esc(basis(g.legalBasis))}</td><td>${n(g.cameras)}</td><td dir="auto">${esc(new Intl.ListFormat(lang, { type: 'unit' }).format(g.sites.map(site)))}</td></tr>`).join('\n');
  // <bdi>: each name keeps its place in the list whatever its script (else the RTL names swap order).
  const langs = REPORT_LANGUAGES.map((l) => `<bdi>${l === lang ? `<strong lang="${l}">${esc(REPORT_TEXT[l].name)}</strong>` : `<a href="/transparency?lang=${l}" hreflang="${l}" lang="${l}">${esc(REPORT_TEXT[l].name)}</a>`}</bdi>`).join(' · ');
  return `<!doctype html>
<html lang="${lang}" dir="${tx.dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(tx.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:76rem;margin:2rem auto;padding:0 1rem;background:#0d1117;color:#e6edf3}a{color:#58a6ff}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #30363d;padding:.3rem .6rem;text-align:end}th{text-align:start}tbody td:nth-child(-n+2),[data-testid=cameras] tbody td:nth-child(n+6),[data-testid=purposes] tbody td:nth-child(4){text-align:start}code{word-break:break-all;font-size:12px}nav{margin-block-end:1rem}</style>
</head><body>
<nav aria-label="language" data-testid="languages">${langs}</nav>
<h1>${esc(tx.heading)}</h1>
<p>${esc(fill(tx.generated, { time: time(r.generatedAt) }))} ${esc(tx.intro)}</p>
<h2>${esc(tx.purposes)}</h2>
<p>${esc(tx.purposesIntro)}</p>
<table data-testid="purposes"><thead><tr><th>${esc(tx.colPurpose)}</th><th>${esc(tx.colLegalBasis)}</th><th>${esc(tx.colCameras)}</th><th>${esc(tx.colSites)}</th></tr></thead><tbody>
${groups}
</tbody></table>
<h2>${esc(fill(tx.cameras, { n: n(r.cameras.total) }))}</h2>
<table data-testid="cameras"><thead><tr><th>${esc(tx.colSite)}</th><th>${esc(tx.colCamera)}</th><th>${esc(tx.colRecording)}</th><th>${esc(tx.colKept)}</th><th>${esc(tx.colMasks)}</th><th>${esc(tx.colPurpose)}</th><th>${esc(tx.colLegalBasis)}</th></tr></thead><tbody>
${cams}
</tbody></table>
<h2>${esc(tx.use)}</h2>
<table data-testid="months"><thead><tr><th>${esc(tx.month)}</th>${counters.map((c) => `<th>${esc(tx.counters[c])}</th>`).join('')}</tr></thead><tbody>
${rows}
</tbody></table>
${r.notYetBuilt.length ? `<p>${esc(fill(tx.notYetBuilt, { list: r.notYetBuilt.map((c) => tx.counters[c]).join(', ') }))}</p>` : ''}
<h2>${esc(tx.checkpoint)}</h2>
${r.auditCheckpoint ? `<p data-testid="checkpoint">${esc(fill(tx.checkpointLine, { seq: n(r.auditCheckpoint.seq), time: time(r.auditCheckpoint.signedAt), key: r.auditCheckpoint.keyId }))} ${ltr(r.auditCheckpoint.hash)}</p>` : `<p data-testid="checkpoint">${esc(tx.noCheckpoint)}</p>`}
<h2>${esc(tx.signature)}</h2>
<p>${esc(fill(tx.signatureLine, { key: signature.keyId })).replace('/api/transparency', '<a href="/api/transparency" dir="ltr">/api/transparency</a>')}</p>
<p>${ltr(signature.publicKey)}</p>
</body></html>
`;
}

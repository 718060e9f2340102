// Issue 13, the public transparency page in the languages the control room speaks: which one a
// visitor gets (?lang= over Accept-Language, Dari for fa-AF and prs, English otherwise), right to
// left for Dari, Pashto and Urdu, times on the 24-hour clock, and the cameras grouped by their
// stated purpose and legal basis. Pure: no server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTransparencyReport, pickReportLanguage, REPORT_LANGUAGES, REPORT_TEXT, transparencyHtml } from '../../src/privacy/index.ts';

const AFTERNOON = Date.UTC(2026, 11, 2, 15, 4, 5);
const SIG = { keyId: 'k1', publicKey: 'PUBKEY', signature: 'SIG' };

test('the language: ?lang= first, then Accept-Language by weight, else English', () => {
  assert.equal(pickReportLanguage(null, null), 'en');
  assert.equal(pickReportLanguage('ps', 'fa'), 'ps');
  assert.equal(pickReportLanguage('xx', 'ur-PK,en;q=0.5'), 'ur', 'an unknown ?lang= falls back to the header');
  assert.equal(pickReportLanguage(null, 'de-DE,de;q=0.9,fa;q=0.8,en;q=0.7'), 'fa');
  assert.equal(pickReportLanguage(null, 'en;q=0.2,ps;q=0.9'), 'ps', 'by weight, not order');
  assert.equal(pickReportLanguage(null, 'prs'), 'fa', 'Dari by its own code');
  assert.equal(pickReportLanguage(null, 'fa;q=0'), 'en', 'q=0 means not this one');
  assert.equal(pickReportLanguage(null, ';;,,q=1'), 'en');
});

test('cameras are grouped by stated purpose and legal basis, stated purposes first', () => {
  const r = buildTransparencyReport({
    now: AFTERNOON, daily: [], checkpoint: null,
    cameras: [
      { name: 'A', site: 'Market', retentionHours: 72, masks: 0, recording: true, purpose: 'Traffic safety', legalBasis: 'public_task' },
      { name: 'B', site: 'Hospital', retentionHours: 72, masks: 1, recording: true, purpose: 'Traffic safety', legalBasis: 'public_task' },
      { name: 'C', site: 'Hospital', retentionHours: 72, masks: 0, recording: true },
      { name: 'D', site: 'Hospital', retentionHours: 168, masks: 0, recording: true, purpose: 'Patient safety', legalBasis: 'vital_interests' },
    ],
  });
  assert.deepEqual(r.cameras.byPurpose, [
    { purpose: 'Traffic safety', legalBasis: 'public_task', cameras: 2, sites: ['Hospital', 'Market'] },
    { purpose: 'Patient safety', legalBasis: 'vital_interests', cameras: 1, sites: ['Hospital'] },
    { purpose: null, legalBasis: null, cameras: 1, sites: ['Hospital'] },
  ]);
  const c = r.cameras.bySite.find((s) => s.site === 'Hospital')!.cameras.find((x) => x.name === 'C')!;
  assert.equal(c.purpose, null, 'a camera without a stated purpose says so');
});

test('each language: its own words, its direction, a 24-hour clock', () => {
  const r = buildTransparencyReport({
    now: AFTERNOON, daily: [{ day: Math.floor(AFTERNOON / 864e5), action: 'live.start', n: 12 }],
    checkpoint: { seq: 42, hash: 'abc', signedAt: AFTERNOON, keyId: 'k1', signature: 's' },
    cameras: [{ name: 'Gate', site: 'Ministry', retentionHours: 72, masks: 0, recording: true, purpose: 'Entrance safety', legalBasis: 'public_task' }],
  });
  for (const lang of REPORT_LANGUAGES) {
    const html = transparencyHtml(r, SIG, lang);
    const tx = REPORT_TEXT[lang];
    assert.ok(html.includes(`<html lang="${lang}" dir="${lang === 'en' ? 'ltr' : 'rtl'}">`), lang);
    assert.ok(html.includes(`<h1>${tx.heading}</h1>`), `${lang}: heading`);
    assert.ok(html.includes(tx.legalBases.public_task!), `${lang}: the legal basis in its words`);
    assert.ok(html.includes('Entrance safety'), `${lang}: the stated purpose as written`);
    assert.doesNotMatch(html, /\b(AM|PM)\b|[قب]\.ظ/, `${lang}: no 12-hour clock`);
    // 15:04:05 UTC, in the language's own digits
    const two = new Intl.NumberFormat(lang, { minimumIntegerDigits: 2, useGrouping: false });
    const clock = [15, 4, 5].map((v) => two.format(v)).join(':');
    assert.ok(html.includes(clock), `${lang}: 15:04:05 on a 24-hour clock (${clock})`);
  }
  assert.match(transparencyHtml(r, SIG, 'en'), /Generated Dec 2, 2026, 15:04:05 \(UTC\)/);
});

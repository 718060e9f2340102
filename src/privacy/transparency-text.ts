// The public transparency page's words in the languages the control room speaks (English, Dari,
// Pashto, Urdu; the last three right to left), and which one a visitor gets: `?lang=` first, then
// the browser's Accept-Language, else English. The page is rendered on the server (no scripts),
// so it cannot use the web app's catalogues; the signed JSON stays language-free. Pure.
import type { ReportCounter } from './transparency.ts';

export type ReportLanguage = 'en' | 'fa' | 'ps' | 'ur';
export const REPORT_LANGUAGES: readonly ReportLanguage[] = ['en', 'fa', 'ps', 'ur'];

export interface ReportText {
  dir: 'ltr' | 'rtl';
  /** The language's own name, for the language links. */
  name: string;
  title: string;
  heading: string;
  generated: string; // {time}
  intro: string;
  cameras: string; // {n}
  purposes: string;
  purposesIntro: string;
  colSite: string;
  colCamera: string;
  colRecording: string;
  colKept: string;
  colMasks: string;
  colPurpose: string;
  colLegalBasis: string;
  colCameras: string;
  colSites: string;
  yes: string;
  no: string;
  hours: string; // {n}
  noAgeLimit: string;
  noPurpose: string;
  /** A camera's row when it states no purpose (the purposes table explains the 72 h). */
  noPurposeShort: string;
  noSite: string;
  use: string;
  month: string;
  counters: Record<ReportCounter, string>;
  notYetBuilt: string; // {list}
  checkpoint: string;
  checkpointLine: string; // {seq} {time} {key}
  noCheckpoint: string;
  signature: string;
  signatureLine: string; // {key}
  legalBases: Record<string, string>;
}

const en: ReportText = {
  dir: 'ltr', name: 'English', title: 'Vigil transparency report', heading: 'Transparency report',
  generated: 'Generated {time} (UTC).',
  intro: 'Counted from the tamper-evident audit log of this system; it names no person and shows no image.',
  cameras: 'Cameras ({n})', purposes: 'Purposes and legal bases',
  purposesIntro: 'What the cameras are for, as their operator states it, and the legal basis (GDPR art. 6(1)) each records on.',
  colSite: 'Site', colCamera: 'Camera', colRecording: 'Recording', colKept: 'Kept for', colMasks: 'Privacy masks',
  colPurpose: 'Purpose', colLegalBasis: 'Legal basis', colCameras: 'Cameras', colSites: 'Sites',
  yes: 'yes', no: 'no', hours: '{n} h', noAgeLimit: 'no age limit', noPurpose: 'no purpose stated (kept 72 h at most)', noPurposeShort: 'none stated', noSite: '(no site)',
  use: 'Use, per month (UTC)', month: 'Month',
  counters: {
    liveViews: 'Live views', playbacks: 'Playbacks', exports: 'Exports', exportApprovals: 'Export approvals (four eyes)',
    exportRefusals: 'Export refusals', maskLifts: 'Privacy mask lifts', evidenceLocks: 'Evidence locks',
  },
  notYetBuilt: 'Not built yet in this version (always 0): {list}.',
  checkpoint: 'Audit log checkpoint', checkpointLine: 'Entry {seq}, signed {time} (UTC) by key {key}:',
  noCheckpoint: 'No signed audit checkpoint has been written yet.',
  signature: 'Signature',
  signatureLine: 'The JSON at /api/transparency is signed (Ed25519 over the canonical JSON of "report") with key {key}; public key (SPKI DER, base64):',
  legalBases: {
    consent: 'consent (a)', contract: 'contract (b)', legal_obligation: 'legal obligation (c)', vital_interests: 'vital interests (d)',
    public_task: 'public task (e)', legitimate_interests: 'legitimate interests (f)',
  },
};

const fa: ReportText = {
  dir: 'rtl', name: 'دری', title: 'گزارش شفافیت Vigil', heading: 'گزارش شفافیت',
  generated: 'ساخته‌شده در {time} (UTC).',
  intro: 'از دفتر ممیزی ضدِدستکاری همین سامانه شمرده شده است؛ نام هیچ کسی را نمی‌برد و هیچ تصویری نشان نمی‌دهد.',
  cameras: 'دوربین‌ها ({n})', purposes: 'هدف‌ها و مبناهای قانونی',
  purposesIntro: 'دوربین‌ها برای چه هستند، به گفتهٔ گردانندهٔ آن‌ها، و هر کدام بر کدام مبنای قانونی (مادهٔ ۶(۱) GDPR) ضبط می‌کند.',
  colSite: 'محل', colCamera: 'دوربین', colRecording: 'ضبط', colKept: 'مدت نگهداری', colMasks: 'ماسک‌های حریم خصوصی',
  colPurpose: 'هدف', colLegalBasis: 'مبنای قانونی', colCameras: 'دوربین‌ها', colSites: 'محل‌ها',
  yes: 'بلی', no: 'نخیر', hours: '{n} ساعت', noAgeLimit: 'بدون محدودیت زمانی', noPurpose: 'هدفی بیان نشده (حداکثر ۷۲ ساعت نگهداری)', noPurposeShort: 'بیان نشده', noSite: '(بدون محل)',
  use: 'استفاده، به تفکیک ماه (UTC)', month: 'ماه',
  counters: {
    liveViews: 'دیدن زنده', playbacks: 'بازپخش', exports: 'خروجی‌ها', exportApprovals: 'تأیید خروجی (چهار چشم)',
    exportRefusals: 'رد خروجی', maskLifts: 'برداشتن ماسک حریم خصوصی', evidenceLocks: 'قفل‌های مدرک',
  },
  notYetBuilt: 'هنوز در این نسخه ساخته نشده (همیشه ۰): {list}.',
  checkpoint: 'نقطهٔ بررسی دفتر ممیزی', checkpointLine: 'درج {seq}، امضاشده در {time} (UTC) با کلید {key}:',
  noCheckpoint: 'هنوز هیچ نقطهٔ بررسی امضاشده‌ای نوشته نشده است.',
  signature: 'امضا',
  signatureLine: 'JSON در ‎/api/transparency‎ با کلید {key} امضا شده است (Ed25519 روی JSON استاندارد "report")؛ کلید عمومی (SPKI DER، base64):',
  legalBases: {
    consent: 'رضایت (الف)', contract: 'قرارداد (ب)', legal_obligation: 'تکلیف قانونی (ج)', vital_interests: 'منافع حیاتی (د)',
    public_task: 'وظیفهٔ عمومی (هـ)', legitimate_interests: 'منافع مشروع (و)',
  },
};

const ps: ReportText = {
  dir: 'rtl', name: 'پښتو', title: 'د Vigil د روڼتیا راپور', heading: 'د روڼتیا راپور',
  generated: 'جوړ شوی {time} (UTC).',
  intro: 'د همدې سیسټم له لاسوهنې څرګندوونکي پلټنې دفتر څخه شمېرل شوی؛ د هیچا نوم نه اخلي او هیڅ انځور نه ښيي.',
  cameras: 'کمرې ({n})', purposes: 'موخې او قانوني بنسټونه',
  purposesIntro: 'کمرې د څه لپاره دي، لکه څنګه چې یې چلوونکی وايي، او هره یوه پر کوم قانوني بنسټ (د GDPR ۶(۱) ماده) ثبتوي.',
  colSite: 'ځای', colCamera: 'کمره', colRecording: 'ثبتول', colKept: 'د ساتنې موده', colMasks: 'د محرمیت ماسکونه',
  colPurpose: 'موخه', colLegalBasis: 'قانوني بنسټ', colCameras: 'کمرې', colSites: 'ځایونه',
  yes: 'هو', no: 'نه', hours: '{n} ساعته', noAgeLimit: 'د وخت حد نشته', noPurpose: 'موخه نه ده ویل شوې (تر ۷۲ ساعتونو زیات نه ساتل کېږي)', noPurposeShort: 'نه ده ویل شوې', noSite: '(بې ځایه)',
  use: 'کارونه، په میاشت (UTC)', month: 'میاشت',
  counters: {
    liveViews: 'ژوندۍ کتنې', playbacks: 'بیا غږول', exports: 'صادرول', exportApprovals: 'د صادرولو تاییدونه (څلور سترګې)',
    exportRefusals: 'د صادرولو ردونه', maskLifts: 'د محرمیت ماسک لرې کول', evidenceLocks: 'د شواهدو قلفونه',
  },
  notYetBuilt: 'په دې نسخه کې لا نه دي جوړ شوي (تل ۰): {list}.',
  checkpoint: 'د پلټنې دفتر کنټرول ټکی', checkpointLine: 'ننوتنه {seq}، لاسلیک شوې {time} (UTC) د کیلي {key} په واسطه:',
  noCheckpoint: 'تر اوسه هیڅ لاسلیک شوی کنټرول ټکی نه دی لیکل شوی.',
  signature: 'لاسلیک',
  signatureLine: 'په ‎/api/transparency‎ کې JSON د کیلي {key} په واسطه لاسلیک شوی (Ed25519 د "report" پر معیاري JSON)؛ عامه کیلي (SPKI DER، base64):',
  legalBases: {
    consent: 'رضایت (a)', contract: 'تړون (b)', legal_obligation: 'قانوني مکلفیت (c)', vital_interests: 'حیاتي ګټې (d)',
    public_task: 'عامه دنده (e)', legitimate_interests: 'مشروع ګټې (f)',
  },
};

const ur: ReportText = {
  dir: 'rtl', name: 'اردو', title: 'Vigil شفافیت رپورٹ', heading: 'شفافیت رپورٹ',
  generated: 'تیار کی گئی {time} (UTC)۔',
  intro: 'اس نظام کے چھیڑ چھاڑ ظاہر کرنے والے آڈٹ لاگ سے گنی گئی؛ یہ کسی شخص کا نام نہیں لیتی اور کوئی تصویر نہیں دکھاتی۔',
  cameras: 'کیمرے ({n})', purposes: 'مقاصد اور قانونی بنیادیں',
  purposesIntro: 'کیمرے کس لیے ہیں، جیسا کہ ان کا منتظم بتاتا ہے، اور ہر ایک کس قانونی بنیاد (GDPR آرٹیکل 6(1)) پر ریکارڈ کرتا ہے۔',
  colSite: 'مقام', colCamera: 'کیمرہ', colRecording: 'ریکارڈنگ', colKept: 'محفوظ رکھنے کی مدت', colMasks: 'پرائیویسی ماسک',
  colPurpose: 'مقصد', colLegalBasis: 'قانونی بنیاد', colCameras: 'کیمرے', colSites: 'مقامات',
  yes: 'ہاں', no: 'نہیں', hours: '{n} گھنٹے', noAgeLimit: 'وقت کی کوئی حد نہیں', noPurpose: 'کوئی مقصد بیان نہیں (زیادہ سے زیادہ 72 گھنٹے)', noPurposeShort: 'بیان نہیں', noSite: '(کوئی مقام نہیں)',
  use: 'استعمال، ماہانہ (UTC)', month: 'مہینہ',
  counters: {
    liveViews: 'براہ راست نظارے', playbacks: 'پلے بیک', exports: 'برآمدات', exportApprovals: 'برآمد کی منظوریاں (چار آنکھیں)',
    exportRefusals: 'برآمد سے انکار', maskLifts: 'پرائیویسی ماسک ہٹانا', evidenceLocks: 'ثبوت کے تالے',
  },
  notYetBuilt: 'اس ورژن میں ابھی نہیں بنا (ہمیشہ 0): {list}۔',
  checkpoint: 'آڈٹ لاگ چیک پوائنٹ', checkpointLine: 'اندراج {seq}، دستخط {time} (UTC) کلید {key} سے:',
  noCheckpoint: 'ابھی تک کوئی دستخط شدہ آڈٹ چیک پوائنٹ نہیں لکھا گیا۔',
  signature: 'دستخط',
  signatureLine: '‎/api/transparency‎ پر JSON کلید {key} سے دستخط شدہ ہے ("report" کے معیاری JSON پر Ed25519)؛ عوامی کلید (SPKI DER، base64):',
  legalBases: {
    consent: 'رضامندی (a)', contract: 'معاہدہ (b)', legal_obligation: 'قانونی ذمہ داری (c)', vital_interests: 'اہم مفادات (d)',
    public_task: 'عوامی فریضہ (e)', legitimate_interests: 'جائز مفادات (f)',
  },
};

export const REPORT_TEXT: Readonly<Record<ReportLanguage, ReportText>> = { en, fa, ps, ur };

function known(tag: string | null | undefined): ReportLanguage | null {
  if (!tag) return null;
  const base = tag.trim().toLowerCase().split(/[-_]/)[0];
  // Dari is Persian as spoken in Afghanistan: a browser set to "prs" or "fa-AF" gets it too.
  const lang = base === 'prs' ? 'fa' : base;
  return (REPORT_LANGUAGES as readonly string[]).includes(lang) ? (lang as ReportLanguage) : null;
}

/** `?lang=` wins; else the first language of Accept-Language (by q) that the page has; else English. */
export function pickReportLanguage(query: string | null | undefined, acceptLanguage: string | null | undefined): ReportLanguage {
  const fromQuery = known(query);
  if (fromQuery) return fromQuery;
  const ranked = (acceptLanguage ?? '').split(',').map((part, i) => {
    const [tag, ...params] = part.split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
    return { tag: tag!.trim(), q: q ? Number(q[1]) : 1, i };
  }).filter((x) => x.tag && x.q > 0).sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) {
    const lang = known(r.tag);
    if (lang) return lang;
  }
  return 'en';
}

/** Fills `{name}` placeholders. */
export function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
}

import type { Catalogue } from './catalogue.ts';
import type { MessageKey } from './en.ts';

// DRAFT Dari/Persian catalogue, machine-assisted and not yet reviewed by a native speaker.
// It exists so the right-to-left layout can be checked; keys missing here fall back to English.
// Have it reviewed (Dari as spoken in Kabul, not only Iranian Persian) before any real deployment.
const messages: Partial<Record<MessageKey, string>> = {
  'app.name': 'ویجیل',
  'app.subtitle': 'اتاق کنترل',
  'app.loading': 'در حال بارگیری…',
  'app.skipToContent': 'رفتن به محتوا',

  'login.title': 'ورود',
  'login.intro': 'با حساب کاربری اپراتور خود وارد شوید.',
  'login.username': 'نام کاربری',
  'login.password': 'رمز عبور',
  'login.submit': 'ورود',
  'login.submitting': 'در حال ورود…',
  'login.error.invalid': 'نام کاربری یا رمز عبور نادرست است.',
  'login.error.throttled': 'تلاش‌های زیاد. {seconds} ثانیه صبر کنید و دوباره امتحان کنید.',
  'login.error.network': 'سرور در دسترس نیست. اتصال را بررسی کنید و دوباره امتحان کنید.',
  'login.error.other': 'ورود ناموفق بود: {message}',
  'login.error.missing': 'نام کاربری و رمز عبور را وارد کنید.',

  'topbar.signedInAs': 'واردشده به نام {username}',
  'topbar.role': 'نقش: {role}',
  'topbar.logout': 'خروج',
  'topbar.language': 'زبان',
  'role.admin': 'مدیر',
  'role.operator': 'اپراتور',
  'role.viewer': 'بیننده',
  'role.auditor': 'حسابرس',

  'notice.audit': 'تماشای زنده در دفتر ممیزی ثبت می‌شود.',
  'notice.audio': 'صدا پخش نمی‌شود: ویجیل هنوز صدای دوربین را منتقل نمی‌کند.',

  'grid.title': 'دوربین‌ها',
  'grid.size': 'اندازهٔ شبکه',
  'grid.sizeOption': '{n} × {n}',
  'grid.filter': 'فیلتر',
  'grid.filterPlaceholder': 'نام یا شناسه  ( / )',
  'grid.count': '{shown} از {total} دوربین',
  'grid.summary': '{online} آنلاین · {connecting} در حال اتصال · {offline} آفلاین',
  'grid.page': 'صفحهٔ {page} از {pages}',
  'grid.prevPage': 'صفحهٔ قبلی',
  'grid.nextPage': 'صفحهٔ بعدی',
  'grid.noMatch': 'هیچ دوربینی با «{filter}» مطابقت ندارد.',
  'grid.noCameras': 'هیچ دوربینی تنظیم نشده است.',
  'grid.openCamera': 'باز کردن دوربین {name}',
  'grid.loadError': 'فهرست دوربین‌ها بارگیری نشد: {message}',
  'grid.shortcuts': 'کلیدها: / فیلتر · ۲، ۳، ۴ اندازهٔ شبکه · PgUp/PgDn صفحه',

  'status.connecting': 'در حال اتصال',
  'status.online': 'آنلاین',
  'status.offline': 'آفلاین',
  'status.disabled': 'غیرفعال',

  'tile.noSignal': 'بدون سیگنال',
  'tile.disabled': 'دوربین غیرفعال است',
  'tile.noError': 'دوربین پاسخ نمی‌دهد.',
  'tile.videoTime': 'زمان ویدیو',

  'live.connecting': 'در حال اتصال…',
  'live.waiting': 'در انتظار ویدیو…',
  'live.cameraConnecting': 'سرور در حال اتصال به دوربین است…',
  'live.reconnecting': 'اتصال قطع شد. تلاش دوباره پس از {seconds} ثانیه…',
  'live.offline': 'دوربین آفلاین: {message}',
  'live.latency': 'تأخیر ≈ {seconds} ثانیه',

  'camera.back': 'همهٔ دوربین‌ها',
  'camera.details': 'جزئیات',
  'camera.id': 'شناسه',
  'camera.name': 'نام',
  'camera.url': 'نشانی جریان',
  'camera.transport': 'انتقال',
  'camera.resolution': 'وضوح',
  'camera.codec': 'کدک',
  'camera.fps': 'نرخ فریم',
  'camera.bitrate': 'نرخ بیت',
  'camera.state': 'وضعیت',
  'camera.lastFrame': 'آخرین فریم',
  'camera.reconnects': 'اتصال‌های دوباره',
  'camera.recording': 'ضبط',
  'camera.recordingOn': 'روشن',
  'camera.recordingOff': 'خاموش',
  'camera.keys': 'کلیدها: Esc بازگشت به شبکه',
  'camera.none': '—',

  'recordings.title': 'ضبط‌ها، یک ساعت گذشته',
  'recordings.start': 'آغاز',
  'recordings.end': 'پایان',
  'recordings.duration': 'مدت',
  'recordings.size': 'اندازه',
  'recordings.empty': 'در یک ساعت گذشته بخشی ضبط نشده است.',
  'recordings.total': '{count} بخش · {size}',
};

export const fa: Catalogue = { lang: 'fa', dir: 'rtl', name: 'دری / فارسی (پیش‌نویس)', messages };

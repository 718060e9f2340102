import { useState, type FormEvent } from 'react';
import { t, useI18n } from '../i18n/index.ts';

// Go to a moment, to the second, on the 24-hour clock in every language: a date field and a
// time typed as HH:MM:SS (a browser's own time field follows the browser's locale, which may be
// a 12-hour one).

const TIME = /^([01]\d|2[0-3]):([0-5]\d):([0-5]\d)$/;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function localTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The local time of a date field's value and HH:MM:SS, or null when either is not one. */
export function parseLocal(date: string, time: string): number | null {
  const m = TIME.exec(time.trim());
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m || !d) return null;
  const ms = new Date(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(m[1]), Number(m[2]), Number(m[3])).getTime();
  return Number.isFinite(ms) ? ms : null;
}

export function TimePicker({ position, onGo }: { position: number | null; onGo(wallMs: number): void }) {
  useI18n();
  const initial = position ?? Date.now() - 60_000;
  const [date, setDate] = useState(() => localDate(initial));
  const [time, setTime] = useState(() => localTime(initial));
  const [error, setError] = useState<'timepicker.bad' | 'timepicker.future' | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const at = parseLocal(date, time);
    if (at === null) return setError('timepicker.bad');
    if (at > Date.now()) return setError('timepicker.future');
    setError(null);
    onGo(at);
  };
  return (
    <form className="time-picker" onSubmit={submit} data-testid="time-picker">
      <label>
        <span className="visually-hidden">{t('timepicker.date')}</span>
        <input type="date" value={date} onChange={(e) => setDate(e.target.value)} aria-label={t('timepicker.date')} data-testid="time-picker-date" />
      </label>
      <label>
        <span className="visually-hidden">{t('timepicker.time')}</span>
        <input type="text" inputMode="numeric" value={time} placeholder="HH:MM:SS" maxLength={8} onChange={(e) => setTime(e.target.value)} aria-label={t('timepicker.time')} data-testid="time-picker-time" dir="ltr" />
      </label>
      <button type="submit" className="button" data-testid="time-picker-go">{t('timepicker.go')}</button>
      {error && <span className="time-picker-error" role="alert" data-testid="time-picker-error">{t(error)}</span>}
    </form>
  );
}

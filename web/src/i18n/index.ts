import { useSyncExternalStore } from 'react';
import type { Catalogue } from './catalogue.ts';
import { en, type MessageKey } from './en.ts';
import { fa } from './fa.ts';
import { ps } from './ps.ts';
import { ur } from './ur.ts';

export type { Catalogue, TextDirection } from './catalogue.ts';
export type { MessageKey } from './en.ts';

export const catalogues: readonly Catalogue[] = [en, fa, ps, ur];
export type Params = Record<string, string | number>;

const STORAGE_KEY = 'vigil.lang';
let current: Catalogue = pickInitial();
const listeners = new Set<() => void>();

function findCatalogue(lang: string | null | undefined): Catalogue | undefined {
  if (!lang) return undefined;
  const base = lang.toLowerCase().split('-')[0];
  return catalogues.find((c) => c.lang === lang) ?? catalogues.find((c) => c.lang === base);
}

function pickInitial(): Catalogue {
  // `?lang=fa` lets a screenshot or a support link force a language without touching settings.
  const fromQuery = new URLSearchParams(location.search).get('lang');
  let stored: string | null = null;
  try { stored = localStorage.getItem(STORAGE_KEY); } catch { /* storage may be disabled */ }
  return findCatalogue(fromQuery) ?? findCatalogue(stored) ?? en;
}

/** Sets lang/dir on <html> so the browser lays out the whole page (and form controls) for the language. */
export function applyToDocument(): void {
  document.documentElement.lang = current.lang;
  document.documentElement.dir = current.dir;
  document.title = t('app.name');
}

export function getCatalogue(): Catalogue {
  return current;
}

export function getLocale(): string {
  return current.lang;
}

export function setLocale(lang: string): void {
  const next = findCatalogue(lang);
  if (!next || next === current) return;
  current = next;
  try { localStorage.setItem(STORAGE_KEY, next.lang); } catch { /* not persisted, still applied */ }
  numberFormats.clear();
  applyToDocument();
  for (const listener of listeners) listener();
}

/** Translates a key; `{name}` placeholders take params, numbers formatted for the current locale. */
export function t(key: MessageKey, params?: Params): string {
  const template = current.messages[key] ?? en.messages[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

const numberFormats = new Map<string, Intl.NumberFormat>();

export function formatNumber(value: number, options: Intl.NumberFormatOptions = {}): string {
  const cacheKey = JSON.stringify(options);
  let format = numberFormats.get(cacheKey);
  if (!format) {
    format = new Intl.NumberFormat(current.lang, options);
    numberFormats.set(cacheKey, format);
  }
  return format.format(value);
}

export function formatDecimal(value: number, fractionDigits = 1): string {
  return formatNumber(value, { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits });
}

export function formatBytes(bytes: number): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return formatNumber(value, { style: 'unit', unit: units[unit], unitDisplay: 'short', maximumFractionDigits: unit === 0 ? 0 : 1 });
}

// Control rooms log and radio times on a 24-hour clock whatever the locale's everyday habit;
// an AM/PM slip in an incident report is a real error.
export function formatTime(ms: number): string {
  return new Intl.DateTimeFormat(current.lang, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(ms);
}

export function formatDateTime(ms: number): string {
  return new Intl.DateTimeFormat(current.lang, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).format(ms);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Re-renders the calling component when the language changes; returns the active catalogue. */
export function useI18n(): Catalogue {
  return useSyncExternalStore(subscribe, getCatalogue);
}

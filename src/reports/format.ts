import type { Locale } from './bulletin-data.ts';

/**
 * Numbers as a bulletin prints them: thousands separators, one or two decimals by magnitude,
 * units in the reader's language, changes with a real minus sign, and "—" for missing (never 0).
 */
const MISSING = '—';

const unitNames: Readonly<Record<string, { zh: string; en: string }>> = {
  visits: { zh: '人次', en: 'visits' },
  patients: { zh: '人', en: 'patients' },
  discharges: { zh: '人次', en: 'discharges' },
  minutes: { zh: '分钟', en: 'min' },
  seconds: { zh: '秒', en: 's' },
  days: { zh: '天', en: 'days' },
  yuan: { zh: '元', en: 'yuan' },
  calls: { zh: '通', en: 'calls' },
  orders: { zh: '件', en: 'orders' },
  faults: { zh: '次', en: 'faults' },
  'bed-days': { zh: '床日', en: 'bed-days' },
  'per 10k visits': { zh: '/万人次', en: 'per 10k visits' },
  'score (0–100)': { zh: '分', en: 'points' },
  score: { zh: '分', en: 'points' },
  ratio: { zh: '', en: '' },
  '%': { zh: '%', en: '%' },
};

export function unitLabel(unit: string, locale: Locale): string {
  const known = unitNames[unit];
  if (!known) return unit;
  return locale === 'zh-CN' ? known.zh : known.en;
}

function decimalsFor(value: number): number {
  const abs = Math.abs(value);
  if (Number.isInteger(value) || abs >= 100) return 0;
  return abs >= 10 ? 1 : 2;
}

export function formatNumber(value: number | null, locale: Locale, decimals?: number): string {
  if (value === null || !Number.isFinite(value)) return MISSING;
  const d = decimals ?? decimalsFor(value);
  return new Intl.NumberFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', { minimumFractionDigits: d, maximumFractionDigits: d }).format(value).replace('-', '−');
}

/** A value with its unit: "12,345 人次", "95.2%", "15.8 min". */
export function formatValue(value: number | null, unit: string, locale: Locale): string {
  if (value === null || !Number.isFinite(value)) return MISSING;
  const label = unitLabel(unit, locale);
  const number = formatNumber(value, locale, unit === '%' ? 1 : undefined);
  if (label === '') return number;
  if (label === '%' || label.startsWith('/')) return `${number}${label}`;
  return `${number} ${label}`;
}

/**
 * The change from `base` to `value`: relative (+3.2%) for amounts, in percentage points for
 * shares (a rate going from 90% to 93% is +3.0 pp, not +3.3%). null when either side is missing
 * or the base is 0.
 */
export function formatChange(value: number | null, base: number | null, unit: string, locale: Locale): string | null {
  if (value === null || base === null) return null;
  const sign = (x: number) => (x > 0 ? '+' : x < 0 ? '−' : '±');
  if (unit === '%') {
    const points = value - base;
    const text = formatNumber(Math.abs(points), locale, 1);
    return locale === 'zh-CN' ? `${sign(points)}${text} 个百分点` : `${sign(points)}${text} pp`;
  }
  if (base === 0) return null;
  const rate = ((value - base) / Math.abs(base)) * 100;
  return `${sign(rate)}${formatNumber(Math.abs(rate), locale, 1)}%`;
}

export function formatShare(part: number, whole: number, locale: Locale): string {
  if (whole <= 0) return MISSING;
  return `${formatNumber((part / whole) * 100, locale, 1)}%`;
}

export { MISSING };

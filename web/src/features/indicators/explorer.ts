import { GRAINS, type Grain, type SeriesPoint } from './api.ts';

/**
 * The explorer's selection as it lives in the URL (`/indicators?code=&org=&grain=&from=&to=`),
 * its defaults, and small formatting helpers. Range bounds are calendar days (YYYY-MM-DD): the
 * API reads a day key as its start for `from` and through its end for `to`, at any grain.
 */
export interface Selection {
  readonly code: string;
  readonly org: string;
  readonly grain: Grain;
  readonly from: string;
  readonly to: string;
  /** The period the breakdown and ranking show (a period key of the grain); the last complete one by default. */
  readonly period: string | null;
}

export function isGrain(value: unknown): value is Grain {
  return typeof value === 'string' && (GRAINS as readonly string[]).includes(value);
}

export function dayKey(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(d.getFullYear())}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A span that shows a useful number of periods of the grain, ending today. */
export function defaultRange(grain: Grain, today: Date): { from: string; to: string } {
  const y = today.getFullYear();
  const m = today.getMonth();
  const d = today.getDate();
  const start = ((): Date => {
    switch (grain) {
      case 'hour': return new Date(y, m, d - 1);
      case 'day': return new Date(y, m, d - 29);
      case 'week': return new Date(y, m, d - 7 * 11);
      case 'month': return new Date(y, m - 11, 1);
      case 'quarter': return new Date(y, Math.floor(m / 3) * 3 - 21, 1);
      case 'year': return new Date(y - 4, 0, 1);
    }
  })();
  return { from: dayKey(start), to: dayKey(today) };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The selection a URL query asks for, completed with defaults; `changed` when the URL should be rewritten. */
export function selectionOf(
  query: Readonly<Record<string, unknown>>,
  defaults: { code: string; org: string; today: Date },
): { selection: Selection; changed: boolean } {
  const grain = isGrain(query['grain']) ? query['grain'] : 'day';
  const range = defaultRange(grain, defaults.today);
  const from = text(query['from']);
  const to = text(query['to']);
  const ok = (v: string | null) => v !== null && (DAY.test(v) || /^\d{4}/.test(v));
  const selection: Selection = {
    code: text(query['code']) ?? defaults.code,
    org: text(query['org']) ?? defaults.org,
    grain,
    from: ok(from) && from !== null ? from : range.from,
    to: ok(to) && to !== null ? to : range.to,
    period: text(query['period']),
  };
  const changed = selection.code !== query['code'] || selection.org !== query['org'] || selection.grain !== query['grain']
    || selection.from !== query['from'] || selection.to !== query['to'];
  return { selection, changed };
}

export function queryOf(s: Selection): Record<string, string> {
  return { code: s.code, org: s.org, grain: s.grain, from: s.from, to: s.to, ...(s.period === null ? {} : { period: s.period }) };
}

/** The last period whose data is complete (the breakdown's default), else the last one. */
export function lastClosed(points: readonly SeriesPoint[]): SeriesPoint | undefined {
  return [...points].reverse().find((p) => !p.open) ?? points.at(-1);
}

export function formatValue(value: number | null, locale: string, unit = ''): string {
  if (value === null) return '—';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const shown = value.toLocaleString(locale, { maximumFractionDigits: digits });
  return unit === '' ? shown : unit === '%' ? `${shown}%` : `${shown} ${unit}`;
}

export function formatRate(rate: number | null, locale: string): string {
  if (rate === null) return '—';
  const pct = (rate * 100).toLocaleString(locale, { maximumFractionDigits: 1 });
  return rate > 0 ? `+${pct}%` : `${pct}%`;
}

import type { AlertHistoryEntry, AlertState, AlertView, Matcher } from './alerts-api.ts';

/**
 * Pure helpers of the alert pages: the inbox filters as URL query (so a filtered inbox can be
 * linked and survives a reload), the grouped view (alerts sharing a rule and a parent org unit,
 * as the notification pipeline groups them), the chart window around a firing, and the matchers
 * a silence from one alert starts with.
 */
/** One period of the indicator the alert chart draws (time in ms). */
export interface ChartPoint {
  readonly at: number;
  readonly value: number | null;
  readonly target: number | null;
}

export interface InboxFilters {
  severity: string;
  state: string;
  rule: string;
  org: string;
  view: 'list' | 'grouped';
}

const single = (v: unknown): string => (Array.isArray(v) ? single(v[0]) : typeof v === 'string' ? v : '');

export function filtersFromQuery(query: Readonly<Record<string, unknown>>): InboxFilters {
  const severity = single(query.severity);
  const state = single(query.state);
  return {
    severity: /^[1-4]$/.test(severity) ? severity : '',
    state: ['pending', 'firing', 'resolved'].includes(state) ? state : '',
    rule: single(query.rule).trim(),
    org: single(query.org).trim(),
    view: single(query.view) === 'grouped' ? 'grouped' : 'list',
  };
}

/** The URL query of the filters (empty ones left out). */
export function queryFromFilters(f: InboxFilters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.severity !== '') q.severity = f.severity;
  if (f.state !== '') q.state = f.state;
  if (f.rule !== '') q.rule = f.rule;
  if (f.org !== '') q.org = f.org;
  if (f.view === 'grouped') q.view = 'grouped';
  return q;
}

export interface AlertGroup {
  readonly key: string;
  readonly ruleCode: string;
  /** Code of the parent org unit the members share (null at the top of the tree). */
  readonly parent: string | null;
  readonly alerts: readonly AlertView[];
  /** The most severe (lowest number) among the members. */
  readonly severity: number;
  readonly firing: number;
}

/** Groups in first-seen order (the list is newest first, so the liveliest group leads). */
export function groupAlerts(alerts: readonly AlertView[], parentOf: (orgUnit: string) => string | null): AlertGroup[] {
  const groups = new Map<string, { ruleCode: string; parent: string | null; alerts: AlertView[] }>();
  for (const a of alerts) {
    const parent = parentOf(a.orgUnit);
    const key = JSON.stringify([a.ruleCode, parent]);
    const g = groups.get(key);
    if (g) g.alerts.push(a);
    else groups.set(key, { ruleCode: a.ruleCode, parent, alerts: [a] });
  }
  return [...groups].map(([key, g]) => ({
    key, ruleCode: g.ruleCode, parent: g.parent, alerts: g.alerts,
    severity: Math.min(...g.alerts.map((a) => a.severity)), firing: g.alerts.filter((a) => a.state === 'firing').length,
  }));
}

export function stateTagClass(state: AlertState): string {
  return state === 'firing' ? 'tag-danger' : state === 'pending' ? 'tag-warn' : 'tag-ok';
}

export function severityTagClass(severity: number): string {
  return severity <= 2 ? 'tag-danger' : severity === 3 ? 'tag-warn' : 'tag-muted';
}

const GRAIN_MS: Readonly<Record<string, number>> = {
  hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000, month: 31 * 86_400_000, quarter: 92 * 86_400_000, year: 366 * 86_400_000,
};

/**
 * The range the chart shows: enough periods before the episode began to see the normal level
 * (at least 14), through its end (or now) and a little after.
 */
export function chartRange(alert: Pick<AlertView, 'activeSince' | 'state' | 'stateSince'>, grain: string, now: Date): { from: string; to: string } {
  const step = GRAIN_MS[grain] ?? GRAIN_MS.day ?? 86_400_000;
  const start = Date.parse(alert.activeSince);
  const end = alert.state === 'resolved' ? Date.parse(alert.stateSince) : now.getTime();
  const from = new Date(start - 14 * step);
  const to = new Date(Math.min(now.getTime(), Math.max(end, start) + 3 * step));
  return { from: from.toISOString(), to: (to.getTime() > from.getTime() ? to : now).toISOString() };
}

/** Anomaly rules record the expected range (low/high) with each transition: the band the chart shades. */
export function expectedBand(history: readonly AlertHistoryEntry[]): { periodKey: string; low: number; high: number }[] {
  const band: { periodKey: string; low: number; high: number }[] = [];
  for (const h of history) {
    const low = h.detail.baseline?.low;
    const high = h.detail.baseline?.high;
    if (typeof low === 'number' && typeof high === 'number') band.push({ periodKey: h.periodKey, low, high });
  }
  return band;
}

/** A line across the chart only where the alert's value is the raw indicator value (not a rate, score or deviation). */
export function boundLine(ruleKind: string | undefined, bound: number | null): number | null {
  return bound !== null && (ruleKind === 'threshold' || ruleKind === 'consecutive') ? bound : null;
}

/** The matchers a silence created from this alert shows: its rule and org unit (the server adds the org-subtree matcher itself). */
export function alertMatchers(alert: Pick<AlertView, 'ruleCode' | 'orgUnit'>): Matcher[] {
  return [{ name: 'ruleCode', op: '=', value: alert.ruleCode }, { name: 'orgUnit', op: '=', value: alert.orgUnit }];
}

/** `YYYY-MM-DDTHH:MM` in local time, for datetime-local inputs. */
export function localInputValue(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(d.getFullYear())}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatNumber(v: number | null | undefined, locale: string): string {
  if (v === null || v === undefined) return '—';
  return v.toLocaleString(locale, { maximumFractionDigits: Math.abs(v) < 10 ? 3 : 1 });
}

/** `{ a: 1, b: null }` → `a 1 · b —`. */
export function formatRecord(r: Readonly<Record<string, unknown>> | undefined, locale: string): string {
  if (!r) return '';
  return Object.entries(r).map(([k, v]) => `${k} ${typeof v === 'number' ? formatNumber(v, locale) : v === null ? '—' : typeof v === 'string' ? v : JSON.stringify(v)}`).join(' · ');
}

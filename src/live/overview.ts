/**
 * The pure half of the overview: from the figures the indicator, alert, work-order and source
 * modules report for an org subtree, the summary a page or wall shows — the headline value of each
 * indicator with 环比/同比 and a sparkline, open alerts by severity and per child unit, work orders
 * by state, sources in trouble and why, and visits per hour by channel (online vs offline).
 */
export type Severity = 1 | 2 | 3 | 4;
export type SeverityCounts = Record<`${Severity}`, number>;

/** The order headline indicators are considered in; a scope shows those it has data for. */
export const HEADLINE_INDICATORS: readonly string[] = [
  'outpatient_visits', 'online_visit_share', 'appointment_rate', 'avg_wait_after_appointment', 'outpatient_cost_per_visit',
  'drug_revenue_share', 'bed_occupancy', 'avg_length_of_stay', 'pharmacist_review_rate', 'consult_first_response_p90',
  'delivery_on_time_rate', 'call_service_level_20s', 'call_abandon_rate', 'complaints_per_10k_visits',
];
export const MAX_HEADLINES = 8;

export interface SeriesPointLike {
  readonly periodKey: string;
  readonly periodStart: Date;
  readonly value: number | null;
  readonly previous: number | null;
  readonly yearAgo: number | null;
  readonly changeRate: number | null;
  readonly yearOverYearRate: number | null;
  readonly target: number | null;
  readonly targetStatus: string;
  readonly open: boolean;
}

export interface Headline {
  readonly periodKey: string;
  readonly value: number | null;
  readonly previous: number | null;
  readonly changeRate: number | null;
  readonly yearAgo: number | null;
  readonly yearOverYearRate: number | null;
  readonly target: number | null;
  readonly targetStatus: string;
  /** The period under way (partial), shown beside the headline as "so far". */
  readonly current: { readonly periodKey: string; readonly value: number | null } | null;
  readonly spark: readonly { readonly at: string; readonly value: number | null }[];
}

/**
 * The headline of a series: its last closed period (an open one is partial and would read as a
 * drop), the open period as "so far", and the closed periods as the sparkline. Null when the
 * series has no value at all in the window (the scope does not produce this indicator).
 */
export function headlineOf(points: readonly SeriesPointLike[]): Headline | null {
  if (!points.some((p) => p.value !== null)) return null;
  const closed = points.filter((p) => !p.open);
  const open = points.find((p) => p.open) ?? null;
  const last = closed.at(-1);
  return {
    periodKey: last?.periodKey ?? open?.periodKey ?? '',
    value: last?.value ?? null,
    previous: last?.previous ?? null,
    changeRate: last?.changeRate ?? null,
    yearAgo: last?.yearAgo ?? null,
    yearOverYearRate: last?.yearOverYearRate ?? null,
    target: last?.target ?? null,
    targetStatus: last?.targetStatus ?? 'no_value',
    current: open ? { periodKey: open.periodKey, value: open.value } : null,
    spark: closed.map((p) => ({ at: p.periodStart.toISOString(), value: p.value })),
  };
}

export function emptySeverityCounts(): SeverityCounts {
  return { 1: 0, 2: 0, 3: 0, 4: 0 };
}

export interface OpenAlertLike {
  readonly severity: number;
  readonly orgPath: string;
  /** How many alerts this stands for (a count per unit and severity); 1 when absent. */
  readonly count?: number;
}

export interface UnitRef {
  readonly code: string;
  readonly path: string;
}

/** Open alerts per severity, overall and per child unit (an alert counts for the child whose subtree holds it). */
export function countAlerts(alerts: readonly OpenAlertLike[], children: readonly UnitRef[]): { total: SeverityCounts; byChild: Map<string, SeverityCounts> } {
  const total = emptySeverityCounts();
  const byChild = new Map(children.map((c) => [c.code, emptySeverityCounts()]));
  for (const a of alerts) {
    const key = severityKey(a.severity);
    if (key === null) continue;
    const n = a.count ?? 1;
    total[key] += n;
    const child = children.find((c) => a.orgPath.startsWith(c.path));
    const counts = child ? byChild.get(child.code) : undefined;
    if (counts) counts[key] += n;
  }
  return { total, byChild };
}

function severityKey(severity: number): `${Severity}` | null {
  return severity === 1 || severity === 2 || severity === 3 || severity === 4 ? `${severity}` : null;
}

/** The most severe level with an open alert (1 is the most severe), or null when there is none. */
export function worstSeverity(counts: SeverityCounts): Severity | null {
  for (const s of [1, 2, 3, 4] as const) if (counts[`${s}`] > 0) return s;
  return null;
}

export interface SourceQualityLike {
  readonly received: number;
  readonly successRate: number | null;
  readonly captureRate: number | null;
  readonly expected: number | null;
  readonly timeliness: { readonly p95Seconds: number | null };
  readonly lastSeenAt: Date | null;
}

export type SourceTrouble = 'silent' | 'low_capture' | 'rejections' | 'late';

/** Thresholds of trouble: DOMAIN §11 capture, validity and timeliness (within the agreed hour). */
export const SOURCE_TROUBLE = { minCaptureRate: 0.8, minSuccessRate: 0.95, maxP95Seconds: 3600 } as const;

/** Why a source is in trouble over the window (empty when it is fine). Silent: batches were expected and none came. */
export function sourceTroubles(q: SourceQualityLike): SourceTrouble[] {
  const out: SourceTrouble[] = [];
  if (q.expected !== null && q.expected > 0 && q.received === 0) out.push('silent');
  else if (q.captureRate !== null && q.captureRate < SOURCE_TROUBLE.minCaptureRate) out.push('low_capture');
  if (q.successRate !== null && q.successRate < SOURCE_TROUBLE.minSuccessRate) out.push('rejections');
  if (q.timeliness.p95Seconds !== null && q.timeliness.p95Seconds > SOURCE_TROUBLE.maxP95Seconds) out.push('late');
  return out;
}

export interface ChannelSeries {
  readonly channel: 'online' | 'offline';
  readonly points: readonly { readonly periodStart: Date; readonly value: number | null }[];
}

export interface Flow {
  readonly at: readonly string[];
  readonly online: readonly number[];
  readonly offline: readonly number[];
  readonly totals: { readonly online: number; readonly offline: number };
}

/** Visits per period by channel, summed over the channel units of the scope, on one time axis. */
export function flowOf(series: readonly ChannelSeries[]): Flow {
  const starts = [...new Set(series.flatMap((s) => s.points.map((p) => p.periodStart.getTime())))].sort((a, b) => a - b);
  const sum = (channel: 'online' | 'offline') => starts.map((t) => series
    .filter((s) => s.channel === channel)
    .reduce((acc, s) => acc + (s.points.find((p) => p.periodStart.getTime() === t)?.value ?? 0), 0));
  const online = sum('online');
  const offline = sum('offline');
  const total = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  return { at: starts.map((t) => new Date(t).toISOString()), online, offline, totals: { online: total(online), offline: total(offline) } };
}

/** The units whose visits make up the scope's flow: its channel units, or the scope itself when it sits inside one. */
export function flowUnits<T extends { kind: string; channel: string | null; path: string }>(scope: T, subtree: readonly T[]): T[] {
  const channels = subtree.filter((u) => u.kind === 'channel' && u.channel !== null);
  if (channels.length > 0) return channels.filter((c) => !channels.some((o) => o !== c && c.path.startsWith(o.path)));
  return scope.channel !== null ? [scope] : subtree.filter((u) => u.channel !== null && !subtree.some((o) => o !== u && o.channel !== null && u.path.startsWith(o.path) && o.path !== u.path));
}

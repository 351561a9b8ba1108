/**
 * A source's quality figures over time: the hourly counters grouped into hours or local days
 * (in the group's time zone), each bucket with its success rate, timeliness p50/p95 and capture
 * rate against the cadence, the same definitions as the period report (quality-service.ts).
 * Pure: the counters, batch minutes, clock and zone are passed in.
 */
import { DateTime } from 'luxon';
import { LAG_BUCKETS_SECONDS } from './commit-service.ts';
import { batchCapture, histogramQuantile } from './quality-service.ts';
import type { HourCounters } from './quality-series-repo.ts';
import type { Cadence } from './source-repo.ts';

export type SeriesGrain = 'hour' | 'day';

/** Most buckets one series may hold (a week of hours, a bit more than a year of days). */
export const MAX_SERIES_POINTS: Readonly<Record<SeriesGrain, number>> = { hour: 168, day: 400 };

export interface SeriesPoint {
  readonly from: Date;
  readonly to: Date;
  readonly received: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly conflicts: number;
  readonly rejected: number;
  /** (accepted + duplicates) / received; null when nothing was received. */
  readonly successRate: number | null;
  readonly p50Seconds: number | null;
  readonly p95Seconds: number | null;
  /** Share of what the cadence expected in the bucket; null without a cadence, or for a bucket not yet begun or before the source existed. */
  readonly captureRate: number | null;
}

/** The bucket bounds covering [from, to): whole hours or whole local days. */
export function seriesBuckets(grain: SeriesGrain, zone: string, from: Date, to: Date): { from: Date; to: Date }[] {
  const out: { from: Date; to: Date }[] = [];
  let start = DateTime.fromJSDate(from, { zone }).startOf(grain);
  while (start.toMillis() < to.getTime() && out.length < MAX_SERIES_POINTS[grain]) {
    const end = start.plus(grain === 'hour' ? { hours: 1 } : { days: 1 });
    out.push({ from: start.toJSDate(), to: end.toJSDate() });
    start = end;
  }
  return out;
}

function captureOf(cadence: Cadence | null, zone: string, from: Date, until: Date, accepted: number, batchMinutes: readonly Date[]): number | null {
  if (cadence === null || until <= from) return null;
  let expected: number;
  let observed: number;
  if (cadence.kind === 'batches') ({ expected, observed } = batchCapture(cadence, zone, from, until, batchMinutes));
  else {
    expected = Math.round((cadence.perDay * (until.getTime() - from.getTime())) / 86_400_000);
    observed = accepted;
  }
  return expected === 0 ? null : Math.min(1, observed / expected);
}

export function qualitySeries(input: {
  readonly grain: SeriesGrain;
  readonly zone: string;
  readonly from: Date;
  readonly to: Date;
  readonly now: Date;
  readonly cadence: Cadence | null;
  /** When the source was registered: nothing was owed before. */
  readonly since: Date;
  readonly counters: readonly HourCounters[];
  readonly batchMinutes: readonly Date[];
}): SeriesPoint[] {
  return seriesBuckets(input.grain, input.zone, input.from, input.to).map((b) => {
    const rows = input.counters.filter((c) => c.hour >= b.from && c.hour < b.to);
    const sum = (k: 'received' | 'accepted' | 'duplicates' | 'conflicts' | 'rejected') => rows.reduce((a, r) => a + r[k], 0);
    const hist = LAG_BUCKETS_SECONDS.map((_, i) => rows.reduce((a, r) => a + (r.lagHist[i] ?? 0), 0));
    const received = sum('received');
    const accepted = sum('accepted');
    const owedFrom = new Date(Math.max(b.from.getTime(), input.since.getTime()));
    const until = new Date(Math.min(b.to.getTime(), input.now.getTime()));
    const minutes = input.batchMinutes.filter((m) => m >= b.from && m < b.to);
    return {
      ...b, received, accepted, duplicates: sum('duplicates'), conflicts: sum('conflicts'), rejected: sum('rejected'),
      successRate: received === 0 ? null : (accepted + sum('duplicates')) / received,
      p50Seconds: histogramQuantile(hist, 0.5), p95Seconds: histogramQuantile(hist, 0.95),
      captureRate: captureOf(input.cadence, input.zone, owedFrom, until, accepted, minutes),
    };
  });
}

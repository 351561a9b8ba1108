/**
 * Data quality per source and event type (DOMAIN §6, last item): received, accepted, duplicates,
 * conflicts, rejected by code, success rate, timeliness (p50/p95 of received − occurred, read from
 * the counters' histogram, so a value is the upper bound of its bucket) and capture rate against
 * the source's expected cadence. Everything comes from the counters written in the batch
 * transaction, never from scanning events. A silent source has capture rate 0, not "no data".
 */
import { DateTime } from 'luxon';
import type { Clock } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { LAG_BUCKETS_SECONDS } from './commit-service.ts';
import { readBatchMinutes, readCounters, readLastSeen, readRejectionCounts, type CounterRow } from './quality-repo.ts';
import { findSourceById, type Cadence, type Source } from './source-repo.ts';

export interface QualityFigures {
  readonly received: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly conflicts: number;
  readonly rejected: number;
  readonly rejectedByCode: Readonly<Record<string, number>>;
  /** (accepted + duplicates) / received; null when nothing was received. */
  readonly successRate: number | null;
  /** Seconds from occurrence to receipt of accepted events; null without accepted events. */
  readonly timeliness: { readonly p50Seconds: number | null; readonly p95Seconds: number | null };
  /** Accepted events received within the agreed delay (one hour) of occurring: DOMAIN §11 timeliness. */
  readonly onTime: number;
}

/** The agreed delay for timeliness; a bucket bound of the lag histogram. */
export const AGREED_DELAY_SECONDS = 3600;

export interface SourceQuality extends QualityFigures {
  readonly sourceId: number;
  readonly sourceName: string;
  readonly orgUnit: string;
  readonly from: Date;
  readonly to: Date;
  /** Share of the expected batches/events that arrived; null when the source has no cadence or nothing was expected yet. */
  readonly captureRate: number | null;
  readonly expected: number | null;
  readonly observed: number | null;
  readonly lastSeenAt: Date | null;
  readonly byType: readonly (QualityFigures & { readonly eventType: string })[];
}

/** The lag histogram quantile, as the upper bound of the bucket that holds it (the open last bucket reports its lower bound). */
export function histogramQuantile(hist: readonly number[], q: number): number | null {
  const total = hist.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const [i, n] of hist.entries()) {
    seen += n;
    if (seen >= q * total) {
      const bound = LAG_BUCKETS_SECONDS[i] ?? Number.POSITIVE_INFINITY;
      return Number.isFinite(bound) ? bound : (LAG_BUCKETS_SECONDS.at(-2) ?? 0);
    }
  }
  return null;
}

function figures(rows: readonly CounterRow[], rejections: readonly { code: string; count: number }[]): QualityFigures {
  const sum = (k: 'received' | 'accepted' | 'duplicates' | 'conflicts' | 'rejected') => rows.reduce((a, r) => a + r[k], 0);
  const hist = LAG_BUCKETS_SECONDS.map((_, i) => rows.reduce((a, r) => a + (r.lagHist[i] ?? 0), 0));
  const rejectedByCode: Record<string, number> = {};
  for (const r of rejections) rejectedByCode[r.code] = (rejectedByCode[r.code] ?? 0) + r.count;
  const received = sum('received');
  return {
    received, accepted: sum('accepted'), duplicates: sum('duplicates'), conflicts: sum('conflicts'), rejected: sum('rejected'), rejectedByCode,
    successRate: received === 0 ? null : (sum('accepted') + sum('duplicates')) / received,
    timeliness: { p50Seconds: histogramQuantile(hist, 0.5), p95Seconds: histogramQuantile(hist, 0.95) },
    onTime: hist.reduce((a, n, i) => a + ((LAG_BUCKETS_SECONDS[i] ?? Infinity) <= AGREED_DELAY_SECONDS ? n : 0), 0),
  };
}

/** Expected and observed windows of a batch cadence within [from, until), in the group's time zone. */
export function batchCapture(cadence: Extract<Cadence, { kind: 'batches' }>, zone: string, from: Date, until: Date, batchMinutes: readonly Date[]): { expected: number; observed: number } {
  const minutes = batchMinutes.map((d) => d.getTime());
  let expected = 0;
  let observed = 0;
  const step = cadence.everyMinutes * 60_000;
  const [fh, fm] = (cadence.from ?? '00:00').split(':').map(Number);
  const [th, tm] = (cadence.to ?? '24:00').split(':').map(Number);
  let day = DateTime.fromJSDate(from, { zone }).startOf('day');
  for (let n = 0; n < 400 && day.toMillis() < until.getTime(); n++, day = day.plus({ days: 1 })) {
    if (cadence.weekdaysOnly === true && day.weekday > 5) continue;
    const start = day.set({ hour: fh ?? 0, minute: fm ?? 0 }).toMillis();
    const end = th === 24 ? day.plus({ days: 1 }).toMillis() : day.set({ hour: th ?? 0, minute: tm ?? 0 }).toMillis();
    for (let s = start; s < end; s += step) {
      const e = Math.min(s + step, end);
      if (s < from.getTime() || e > until.getTime()) continue;
      expected++;
      if (minutes.some((m) => m >= s && m < e)) observed++;
    }
  }
  return { expected, observed };
}

export function createQualityService(deps: { db: Db; clock: Clock; timeZone: () => Promise<string> }) {
  const { db, clock } = deps;

  async function qualityOf(sources: readonly Source[], from: Date, to: Date): Promise<SourceQuality[]> {
    const ids = sources.map((s) => s.id);
    const [counters, rejections, lastSeen, zone] = await Promise.all([
      readCounters(db, ids, from, to), readRejectionCounts(db, ids, from, to), readLastSeen(db, ids), deps.timeZone(),
    ]);
    const until = new Date(Math.min(to.getTime(), clock.now().getTime()));
    const out: SourceQuality[] = [];
    for (const s of sources) {
      const mine = counters.filter((c) => c.sourceId === s.id);
      const myRejections = rejections.filter((r) => r.sourceId === s.id);
      const total = figures(mine, myRejections);
      const types = [...new Set([...mine.map((c) => c.eventType), ...myRejections.map((r) => r.eventType)])].sort();
      const byType = types.map((t) => ({ eventType: t, ...figures(mine.filter((c) => c.eventType === t), myRejections.filter((r) => r.eventType === t)) }));
      let expected: number | null = null;
      let observed: number | null = null;
      // Nothing is owed from before the source was registered: its first promised batch is the first window starting after it.
      const owedFrom = new Date(Math.max(from.getTime(), s.createdAt.getTime()));
      if (s.cadence?.kind === 'batches') {
        ({ expected, observed } = batchCapture(s.cadence, zone, owedFrom, until, await readBatchMinutes(db, s.id, owedFrom, until)));
      } else if (s.cadence?.kind === 'events') {
        expected = Math.round((s.cadence.perDay * Math.max(0, until.getTime() - owedFrom.getTime())) / 86_400_000);
        observed = total.accepted;
      }
      const captureRate = expected === null || expected === 0 || observed === null ? null : Math.min(1, observed / expected);
      out.push({
        sourceId: s.id, sourceName: s.name, orgUnit: s.orgCode, from, to, ...total, captureRate, expected, observed,
        lastSeenAt: lastSeen.get(s.id) ?? null, byType,
      });
    }
    return out;
  }

  return {
    qualityOf,
    /** For the rule engine: one source's quality over [from, to); null when the source does not exist. */
    async readSourceQuality(sourceId: number, from: Date, to: Date): Promise<SourceQuality | null> {
      const source = await findSourceById(db, sourceId);
      if (!source) return null;
      return (await qualityOf([source], from, to))[0] ?? null;
    },
  };
}

export type QualityService = ReturnType<typeof createQualityService>;

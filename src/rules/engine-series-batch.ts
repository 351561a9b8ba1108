import {
  EMPTY_ACCUMULATOR, mergeSketches, parseSketch, resolveTarget, valueOf, type Accumulator, type IndicatorDefinition, type SeriesPoint, type Sketch, type Target,
} from '../indicators/index.ts';
import { reportingTimeZone } from '../indicators/catalog-service.ts';
import { bucketStart, nextPeriod, periodKey, periodsBetween, previousPeriod, samePeriodLastYear, type Clock, type Grain } from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';

/**
 * Series of many (indicator, org unit) pairs read from the roll-ups at once: one query per grain and
 * range for every pair an evaluation pass touched, instead of one series read (org, definition,
 * sums, year-ago sums, targets) per pair. The points are those the indicator query service answers
 * for `readSeries` — value, 环比 previous, 同比 year-ago, the inherited target, open or closed —
 * computed the same way from the summed roll-ups (sketches merged for percentiles, key sets united
 * for distinct counts). Requests for indicators the catalogue does not know are answered null.
 */
export interface SeriesBatchRequest {
  readonly indicator: string;
  readonly grain: Grain;
  readonly orgUnitId: number;
  /** Materialised path of the org unit: its subtree is summed. */
  readonly orgPath: string;
  /** Inclusive start and exclusive end, as in SeriesRequest. */
  readonly from: Date;
  readonly to: Date;
  /** Whether the points need their same-period-last-year value (a second range). */
  readonly withYearAgo: boolean;
}

export interface SeriesBatchReader {
  /** One answer per request, in order; null for a request left to the per-series reader. */
  readMany(requests: readonly SeriesBatchRequest[]): Promise<(readonly SeriesPoint[] | null)[]>;
}

interface SumRow {
  readonly req: number;
  readonly bucket_start: Date;
  readonly count: unknown;
  readonly sum: unknown;
  readonly numerator: unknown;
  readonly denominator: unknown;
  readonly sketches: unknown[] | null;
  readonly distincts: unknown[] | null;
}

type Sums = Map<number, Map<number, Accumulator>>;

/** The sketches of a group of roll-up rows merged into one (null without any). */
function mergedSketch(raws: readonly unknown[] | null): Sketch | null {
  let merged: Sketch | null = null;
  for (const raw of raws ?? []) {
    const sketch = parseSketch(raw);
    if (sketch) merged = merged ? mergeSketches(merged, sketch) : sketch;
  }
  return merged;
}

/** The distinct keys of a group of roll-up rows united and sorted (null without any). */
function mergedDistinct(raws: readonly unknown[] | null): readonly string[] | null {
  if (!raws || raws.length === 0) return null;
  const keys = new Set<string>();
  for (const raw of raws) if (Array.isArray(raw)) for (const k of raw) if (typeof k === 'string') keys.add(k);
  return [...keys].sort();
}

/**
 * Per request (by position) and bucket start: the roll-ups of the request's subtree summed, and,
 * for `withState` (percentile and distinct indicators), their sketches and key sets merged.
 */
async function sumMany(db: Queryable, grain: Grain, from: Date, to: Date, pairs: readonly { indicator: string; path: string; at: number }[], withState: boolean): Promise<Sums> {
  const out: Sums = new Map();
  if (pairs.length === 0) return out;
  const state = withState
    ? `jsonb_agg(r.sketch) FILTER (WHERE r.sketch IS NOT NULL) AS sketches, jsonb_agg(r.distinct_keys) FILTER (WHERE r.distinct_keys IS NOT NULL) AS distincts`
    : 'NULL::jsonb AS sketches, NULL::jsonb AS distincts';
  const { rows } = await db.query<SumRow>(
    `SELECT t.req::int AS req, r.bucket_start, sum(r.count) AS count, sum(r.sum) AS sum, sum(r.numerator) AS numerator, sum(r.denominator) AS denominator, ${state}
       FROM unnest($1::text[], $2::text[], $3::int[]) AS t(indicator, path, req)
       JOIN org_unit o ON o.path LIKE t.path || '%'
       JOIN indicator_rollup r ON r.org_unit_id = o.id AND r.indicator = t.indicator AND r.grain = $4 AND r.bucket_start >= $5 AND r.bucket_start < $6
      GROUP BY t.req, r.bucket_start`,
    [pairs.map((p) => p.indicator), pairs.map((p) => p.path), pairs.map((p) => p.at), grain, from, to],
  );
  for (const r of rows) {
    const byStart = out.get(r.req) ?? new Map<number, Accumulator>();
    out.set(r.req, byStart);
    byStart.set(r.bucket_start.getTime(), {
      count: Number(r.count), sum: Number(r.sum), numerator: Number(r.numerator), denominator: Number(r.denominator),
      sketch: mergedSketch(r.sketches), distinct: mergedDistinct(r.distincts),
    });
  }
  return out;
}

/** Both kinds of sums for a set of requests: additive ones alone, mergeable ones with their state. */
async function sumAll(db: Queryable, grain: Grain, from: Date, to: Date, pairs: readonly { indicator: string; path: string; at: number; mergeable: boolean }[]): Promise<Sums> {
  const [additive, mergeable] = await Promise.all([
    sumMany(db, grain, from, to, pairs.filter((p) => !p.mergeable), false), sumMany(db, grain, from, to, pairs.filter((p) => p.mergeable), true),
  ]);
  for (const [k, v] of mergeable) additive.set(k, v);
  return additive;
}

async function targetsOf(db: Queryable, grain: Grain, indicators: readonly string[], from: Date, to: Date): Promise<Target[]> {
  const { rows } = await db.query<{ indicator: string; org_unit_id: number; period_start: Date; value: unknown }>(
    `SELECT indicator, org_unit_id, period_start, value FROM indicator_target
      WHERE grain = $1 AND indicator = ANY($2::text[]) AND period_start >= $3 AND period_start < $4`,
    [grain, indicators, from, to],
  );
  return rows.map((r) => ({ indicator: r.indicator, orgUnit: String(r.org_unit_id), grain, periodStart: r.period_start, value: Number(r.value) }));
}

/** Whether a definition's value needs the merged JSON state (sketch, key set) besides the sums. */
function mergeable(d: IndicatorDefinition): boolean {
  return d.measure.kind === 'percentile' || d.measure.kind === 'distinct';
}

export function createSeriesBatchReader(deps: { db: Queryable; clock: Clock; definitions: () => readonly IndicatorDefinition[] | Promise<readonly IndicatorDefinition[]> }): SeriesBatchReader {
  const { db } = deps;
  return {
    async readMany(requests) {
      const out: (readonly SeriesPoint[] | null)[] = requests.map(() => null);
      if (requests.length === 0) return out;
      const defs = new Map((await deps.definitions()).map((d) => [d.code, d]));
      const timeZone = await reportingTimeZone(db);
      const current = (grain: Grain) => bucketStart(deps.clock.now(), grain, timeZone).getTime();
      const groups = new Map<string, number[]>();
      requests.forEach((r, i) => {
        const d = defs.get(r.indicator);
        if (!d) return;
        const key = `${r.grain}|${String(r.from.getTime())}|${String(r.to.getTime())}`;
        groups.set(key, [...(groups.get(key) ?? []), i]);
      });
      // The groups are independent: their queries run side by side (each on a connection of its own on PostgreSQL).
      await Promise.all([...groups.values()].map(async (members) => {
        const first = requests[members[0] ?? -1];
        if (!first) return;
        const { grain } = first;
        const starts = periodsBetween(first.from, first.to, grain, timeZone);
        const head = starts[0];
        const last = starts.at(-1);
        if (!head || !last) {
          for (const i of members) out[i] = [];
          return;
        }
        const end = nextPeriod(last, grain, timeZone);
        const prevStart = previousPeriod(head, grain, timeZone);
        const yearAgoFrom = samePeriodLastYear(head, grain, timeZone);
        const yearAgoTo = nextPeriod(samePeriodLastYear(last, grain, timeZone), grain, timeZone);
        const pairs = members.map((i) => {
          const r = requests[i];
          const d = r ? defs.get(r.indicator) : undefined;
          return { indicator: r?.indicator ?? '', path: r?.orgPath ?? '', at: i, mergeable: d ? mergeable(d) : false };
        });
        const withYearAgo = pairs.filter((p) => requests[p.at]?.withYearAgo === true);
        // One range when the year-ago periods meet the main ones (year grain), else a second query for those that need it.
        const joined = yearAgoTo.getTime() >= prevStart.getTime();
        const [main, separateYearAgo, targets] = await Promise.all([
          sumAll(db, grain, joined && withYearAgo.length > 0 ? yearAgoFrom : prevStart, end, pairs),
          joined ? null : sumAll(db, grain, yearAgoFrom, yearAgoTo, withYearAgo),
          targetsOf(db, grain, [...new Set(pairs.map((p) => p.indicator))], head, end),
        ]);
        const yearAgo = separateYearAgo ?? main;
        const open = current(grain);
        const keys = starts.map((s) => ({ start: s, key: periodKey(s, grain, timeZone), yearAgo: samePeriodLastYear(s, grain, timeZone) }));
        for (const i of members) {
          const r = requests[i];
          const d = r ? defs.get(r.indicator) : undefined;
          if (!r || !d) continue;
          const rows = main.get(i);
          const ago = yearAgo.get(i);
          const at = (m: Map<number, Accumulator> | undefined, start: Date) => valueOf(d, m?.get(start.getTime()) ?? EMPTY_ACCUMULATOR);
          const ancestry = r.orgPath.split('/').filter((s) => s !== '').reverse();
          out[i] = keys.map((p, n): SeriesPoint => {
            const target = targets.length === 0 ? null : resolveTarget(targets, r.indicator, ancestry, grain, p.start);
            return {
              periodStart: p.start.toISOString(), periodKey: p.key, value: at(rows, p.start), closed: p.start.getTime() < open,
              target: target?.value ?? null, previous: at(rows, keys[n - 1]?.start ?? prevStart), yearAgo: r.withYearAgo ? at(ago, p.yearAgo) : null,
            };
          });
        }
      }));
      return out;
    },
  };
}

import { GRAINS, bucketStart, periodEnd, type Grain } from '../shared/period.ts';
import type { IndicatorDefinition, RatioTerm, Source } from './definition.ts';
import { numericValue, resolvePath, rowsOf, type IndicatorEvent } from './rows.ts';
import { EMPTY_SKETCH, mergeSketches, parseSketch, sketchOf, sketchQuantile, type Sketch } from './sketch.ts';

/**
 * The mergeable per-bucket accumulator behind every computed indicator value. An event (or a
 * manual entry) contributes a small accumulator to the buckets it belongs to at each grain;
 * buckets merge by addition (numbers), union (distinct keys) and bin-wise addition (sketches).
 * Because merging is exact, commutative and associative, folding events in any order, late or
 * split into batches, equals rebuilding from scratch; and a parent org unit's accumulator is the
 * merge of its subtree's, so its ratio is Σnum/Σden, never an average of ratios.
 *
 * Values are quantised to thousandths (`MILLI`) before summing so sums are integers and
 * order-independent: amounts keep 0.001 yuan, durations 0.001 of their unit. Integers stay exact
 * up to 2^53 milli-units, i.e. sums up to about 9×10^12 in the indicator's unit.
 */
export const MILLI = 1000;

export interface Accumulator {
  /** Rows counted: count; rows averaged or sketched; manual entries merged. */
  readonly count: number;
  /** Σ value in milli-units (sum, average, manual). */
  readonly sum: number;
  /** Ratio numerator and denominator in milli-units (a counted row adds 1000). */
  readonly numerator: number;
  readonly denominator: number;
  /** Percentile measures only. */
  readonly sketch: Sketch | null;
  /** Distinct measures only: the sorted set of distinct keys in the bucket. */
  readonly distinct: readonly string[] | null;
}

export const EMPTY_ACCUMULATOR: Accumulator = { count: 0, sum: 0, numerator: 0, denominator: 0, sketch: null, distinct: null };

export interface Contribution {
  readonly grain: Grain;
  readonly bucketStart: Date;
  readonly accumulator: Accumulator;
}

/** A manual value entered for one org unit and one period. */
export interface ManualEntry {
  readonly indicator: string;
  readonly grain: Grain;
  readonly periodStart: Date;
  readonly value: number;
}

function milli(value: number): number {
  return Math.round(value * MILLI);
}

/** The keys of `incoming` absent from `stored` (both sorted, unique): a binary search each, not a walk of `stored`. */
export function keysNotIn(stored: readonly string[], incoming: readonly string[]): string[] {
  const out: string[] = [];
  let lo = 0;
  for (const key of incoming) {
    // Incoming keys ascend, so each search starts where the previous one ended.
    let hi = stored.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((stored[mid] as string) < key) lo = mid + 1;
      else hi = mid;
    }
    if (stored[lo] !== key) out.push(key);
  }
  return out;
}

export function unionSorted(a: readonly string[], b: readonly string[]): readonly string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x !== undefined && (y === undefined || x < y)) {
      out.push(x);
      i++;
    } else if (y !== undefined && (x === undefined || y < x)) {
      out.push(y);
      j++;
    } else if (x !== undefined) {
      out.push(x);
      i++;
      j++;
    }
  }
  return out;
}

export function mergeAccumulators(a: Accumulator, b: Accumulator): Accumulator {
  const sketch = a.sketch && b.sketch ? mergeSketches(a.sketch, b.sketch) : (a.sketch ?? b.sketch);
  const distinct = a.distinct && b.distinct ? unionSorted(a.distinct, b.distinct) : (a.distinct ?? b.distinct);
  return {
    count: a.count + b.count,
    sum: a.sum + b.sum,
    numerator: a.numerator + b.numerator,
    denominator: a.denominator + b.denominator,
    sketch,
    distinct,
  };
}

type Timed = readonly { readonly at: Date; readonly accumulator: Accumulator }[];

function termContributions(term: RatioTerm, event: IndicatorEvent, side: 'numerator' | 'denominator', timeZone: string): Timed {
  if (term.kind === 'manual') return [];
  return rowsOf(term.source, event, timeZone).flatMap(({ row, at }) => {
    const value = term.aggregate === 'count' ? 1 : term.of ? numericValue(row, term.of, term.source.forEach, timeZone) : null;
    return value === null ? [] : [{ at, accumulator: { ...EMPTY_ACCUMULATOR, [side]: milli(value) } }];
  });
}

function valuedRows(source: Source, event: IndicatorEvent, of: Parameters<typeof numericValue>[1], timeZone: string) {
  return rowsOf(source, event, timeZone).flatMap(({ row, at }) => {
    const value = numericValue(row, of, source.forEach, timeZone);
    return value === null ? [] : [{ at, value }];
  });
}

/** What one event adds, placed at each row's instant (before bucketing); bed-days count in local dates of `timeZone`. */
function timedContributions(definition: IndicatorDefinition, event: IndicatorEvent, timeZone: string): Timed {
  const m = definition.measure;
  switch (m.kind) {
    case 'count':
      return rowsOf(m.source, event, timeZone).map(({ at }) => ({ at, accumulator: { ...EMPTY_ACCUMULATOR, count: 1 } }));
    case 'sum':
    case 'average':
      return valuedRows(m.source, event, m.of, timeZone).map(({ at, value }) => ({ at, accumulator: { ...EMPTY_ACCUMULATOR, count: 1, sum: milli(value) } }));
    case 'percentile':
      return valuedRows(m.source, event, m.of, timeZone).map(({ at, value }) => ({ at, accumulator: { ...EMPTY_ACCUMULATOR, count: 1, sketch: sketchOf(value) } }));
    case 'distinct':
      return rowsOf(m.source, event, timeZone).flatMap(({ row, at }) => {
        const keys = resolvePath(row, m.key, m.source.forEach).filter((k) => typeof k === 'string' || typeof k === 'number');
        const distinct = [...new Set(keys.map(String))].sort();
        return distinct.length === 0 ? [] : [{ at, accumulator: { ...EMPTY_ACCUMULATOR, distinct } }];
      });
    case 'ratio':
      return [...termContributions(m.numerator, event, 'numerator', timeZone), ...termContributions(m.denominator, event, 'denominator', timeZone)];
    case 'manual':
      return [];
  }
}

export function contributionKey(grain: Grain, start: Date): string {
  return `${grain}@${start.toISOString()}`;
}

/**
 * Places timed contributions in the bucket of each grain, merging those sharing a bucket. Hot in
 * ingest (every event × matching definition), so the common case of one timed contribution skips
 * the merge map, and the map is keyed by grain and epoch ms rather than a formatted date.
 */
function bucketize(timed: Timed, timeZone: string, grains: readonly Grain[]): readonly Contribution[] {
  if (timed.length === 0) return [];
  const [only] = timed;
  if (timed.length === 1 && only !== undefined) {
    return grains.map((grain) => ({ grain, bucketStart: bucketStart(only.at, grain, timeZone), accumulator: only.accumulator }));
  }
  const byKey = new Map<string, Contribution>();
  for (const { at, accumulator } of timed) {
    for (const grain of grains) {
      const start = bucketStart(at, grain, timeZone);
      const key = `${grain}${String(start.getTime())}`;
      const prior = byKey.get(key);
      byKey.set(key, { grain, bucketStart: start, accumulator: prior ? mergeAccumulators(prior.accumulator, accumulator) : accumulator });
    }
  }
  return [...byKey.values()];
}

/**
 * What one event adds to the buckets of one indicator, one entry per (grain, bucket). Empty when
 * the event does not match. A ratio's numerator and denominator may land in different buckets when
 * their time attributes differ (discharges by dischargedAt over admissions by admittedAt).
 */
export function contributionsOf(
  definition: IndicatorDefinition,
  event: IndicatorEvent,
  timeZone: string,
  grains: readonly Grain[] = GRAINS,
): readonly Contribution[] {
  return bucketize(timedContributions(definition, event, timeZone), timeZone, grains);
}

/**
 * What a manual entry adds: to its own period and to every coarser period that wholly contains it
 * (a month entry feeds its quarter and year, never a day or a week, which it cannot be split into).
 */
export function manualContributionsOf(
  definition: IndicatorDefinition,
  entry: ManualEntry,
  timeZone: string,
  grains: readonly Grain[] = GRAINS,
): readonly Contribution[] {
  const m = definition.measure;
  const v = milli(entry.value);
  let accumulator: Accumulator | null = null;
  if (m.kind === 'manual' && definition.code === entry.indicator) accumulator = { ...EMPTY_ACCUMULATOR, count: 1, sum: v };
  if (m.kind === 'ratio') {
    const num = m.numerator.kind === 'manual' && m.numerator.indicator === entry.indicator ? v : 0;
    const den = m.denominator.kind === 'manual' && m.denominator.indicator === entry.indicator ? v : 0;
    if (num !== 0 || den !== 0) accumulator = { ...EMPTY_ACCUMULATOR, numerator: num, denominator: den };
  }
  if (!accumulator || !Number.isFinite(entry.value)) return [];
  const start = bucketStart(entry.periodStart, entry.grain, timeZone);
  const lastInstant = new Date(periodEnd(start, entry.grain, timeZone).getTime() - 1);
  const containing = grains.filter((g) => bucketStart(start, g, timeZone).getTime() === bucketStart(lastInstant, g, timeZone).getTime());
  return bucketize([{ at: start, accumulator }], timeZone, containing);
}

/** Folds contributions into a keyed state (by `contributionKey`), returning a new map. */
export function foldContributions(
  state: ReadonlyMap<string, Accumulator>,
  contributions: readonly Contribution[],
): ReadonlyMap<string, Accumulator> {
  const next = new Map(state);
  for (const c of contributions) {
    const key = contributionKey(c.grain, c.bucketStart);
    const prior = next.get(key);
    next.set(key, prior ? mergeAccumulators(prior, c.accumulator) : c.accumulator);
  }
  return next;
}

/**
 * The indicator value of an accumulator, or null when undefined: an empty average or percentile,
 * a ratio whose denominator is 0, a manual 'none' indicator merged from several entries.
 */
export function valueOf(definition: IndicatorDefinition, acc: Accumulator): number | null {
  const m = definition.measure;
  switch (m.kind) {
    case 'count':
      return acc.count;
    case 'sum':
      return acc.sum / MILLI;
    case 'average':
      return acc.count === 0 ? null : acc.sum / MILLI / acc.count;
    case 'distinct':
      return acc.distinct?.length ?? 0;
    case 'percentile':
      return sketchQuantile(acc.sketch ?? EMPTY_SKETCH, m.quantile);
    case 'ratio':
      return acc.denominator === 0 ? null : (acc.numerator / acc.denominator) * m.factor;
    case 'manual':
      if (acc.count === 0) return null;
      if (m.rollup === 'avg') return acc.sum / MILLI / acc.count;
      if (m.rollup === 'none' && acc.count !== 1) return null;
      return acc.sum / MILLI;
  }
}

/** Validates an accumulator read back from storage (numeric columns + JSON); null if malformed. */
export function parseAccumulator(raw: {
  readonly count: unknown;
  readonly sum: unknown;
  readonly numerator: unknown;
  readonly denominator: unknown;
  readonly sketch: unknown;
  readonly distinct: unknown;
}): Accumulator | null {
  const ints = [raw.count, raw.sum, raw.numerator, raw.denominator].map((v) => (typeof v === 'string' ? Number(v) : v));
  if (!ints.every((v) => Number.isSafeInteger(v))) return null;
  const [count, sum, numerator, denominator] = ints as [number, number, number, number];
  const sketch = raw.sketch === null || raw.sketch === undefined ? null : parseSketch(raw.sketch);
  if (sketch === null && raw.sketch !== null && raw.sketch !== undefined) return null;
  const distinct = raw.distinct ?? null;
  if (distinct !== null && !(Array.isArray(distinct) && distinct.every((k, i, all) => typeof k === 'string' && (i === 0 || (all[i - 1] as string) < k)))) {
    return null;
  }
  return { count, sum, numerator, denominator, sketch, distinct: distinct as readonly string[] | null };
}

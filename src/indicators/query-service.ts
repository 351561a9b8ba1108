import type { OrgUnit } from '../orgs/index.ts';
import {
  AppError, bucketStart, isPeriodOpen, nextPeriod, parsePeriodKey, periodKey, periodsBetween, previousPeriod, samePeriodLastYear, type Clock, type Grain,
} from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';
import { needsMergeableState, reportingTimeZone, type IndicatorCatalog } from './catalog-service.ts';
import type { Direction, IndicatorDefinition } from './definition.ts';
import { indicatorNotFound } from './definitions-service.ts';
import { completeTreeIndicators, listTargets, sumByChild, sumSeries, treeByChild, treeSeries, type SummedRow } from './indicator-repo.ts';
import { keepsSubtreeRows } from './rollup-service.ts';
import { EMPTY_ACCUMULATOR, valueOf, type Accumulator } from './rollup.ts';
import type { SeriesPoint, SeriesRequest } from './series-reader.ts';
import { parseSketch, type Sketch, type SketchBin } from './sketch.ts';
import { compareToTarget, resolveTarget, type ResolvedTarget, type TargetStatus } from './targets.ts';

/**
 * Reading indicators: series with 环比 (previous period) and 同比 (same period last year), the
 * target that applies (inherited down the tree) and whether each period is still open; breakdown
 * by child org unit and direction-aware rankings. Values of a subtree are computed from the summed
 * accumulators of its leaves (Σnumerator/Σdenominator, merged sketches, united distinct sets).
 */
export const MAX_SERIES_PERIODS = 1500;

export interface IndicatorMeta {
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly unit: string;
  readonly direction: Direction;
}

export interface IndicatorPoint {
  readonly periodKey: string;
  readonly periodStart: Date;
  readonly value: number | null;
  readonly previous: number | null;
  readonly yearAgo: number | null;
  /** (value − previous) / |previous| (环比); null without both or when previous is 0. */
  readonly changeRate: number | null;
  /** (value − yearAgo) / |yearAgo| (同比). */
  readonly yearOverYearRate: number | null;
  readonly target: number | null;
  readonly targetInherited: boolean;
  readonly targetStatus: TargetStatus;
  /** The period has not ended: its value is partial and must not be judged as a drop. */
  readonly open: boolean;
}

export interface BreakdownItem {
  readonly org: Pick<OrgUnit, 'id' | 'code' | 'name' | 'nameEn'>;
  readonly value: number | null;
}

export interface Breakdown {
  readonly periodKey: string;
  readonly periodStart: Date;
  readonly open: boolean;
  readonly total: number | null;
  readonly children: readonly BreakdownItem[];
}

export interface OrgReader {
  findById(id: number): Promise<OrgUnit | null>;
  listSubtree(root: OrgUnit, includeInactive: boolean): Promise<OrgUnit[]>;
}

function rate(value: number | null, base: number | null): number | null {
  return value === null || base === null || base === 0 ? null : (value - base) / Math.abs(base);
}

/**
 * The accumulator of a summed group of roll-up rows. Sketches and distinct sets of the group are
 * merged in one pass (bins and keys collected, sorted once) rather than pairwise: a day series of
 * a hospital merges tens of thousands of them.
 */
function accumulatorOf(row: SummedRow | undefined): Accumulator {
  if (!row) return EMPTY_ACCUMULATOR;
  const base: Accumulator = { ...EMPTY_ACCUMULATOR, count: row.count, sum: row.sum, numerator: row.numerator, denominator: row.denominator };
  return { ...base, sketch: mergedSketch(row.sketches), distinct: mergedDistinct(row.distincts) };
}

function mergedSketch(raws: readonly unknown[] | null): Sketch | null {
  if (!raws || raws.length === 0) return null;
  let zeros = 0;
  const positive = new Map<number, number>();
  const negative = new Map<number, number>();
  for (const raw of raws) {
    const sketch = parseSketch(raw);
    if (!sketch) continue;
    zeros += sketch.zeros;
    for (const [i, c] of sketch.positive) positive.set(i, (positive.get(i) ?? 0) + c);
    for (const [i, c] of sketch.negative) negative.set(i, (negative.get(i) ?? 0) + c);
  }
  const bins = (m: Map<number, number>): SketchBin[] => [...m.entries()].sort((a, b) => a[0] - b[0]);
  return { zeros, positive: bins(positive), negative: bins(negative) };
}

/** The union of the group's keys, unsorted: a query only reads its size (`valueOf`), and sorting a day series' sets cost more than the union. */
function mergedDistinct(raws: readonly unknown[] | null): readonly string[] | null {
  if (!raws || raws.length === 0) return null;
  const keys = new Set<string>();
  for (const raw of raws) if (Array.isArray(raw)) for (const k of raw) if (typeof k === 'string') keys.add(k);
  return [...keys];
}

interface CalendarPeriod {
  readonly start: Date;
  readonly key: string;
  readonly yearAgo: Date;
}

/**
 * Period keys and 同比 starts are zone arithmetic (luxon), which costs more than the SQL for a
 * year of days; they never change, so ranges are memoised (bounded) per zone and grain.
 */
const calendarCache = new Map<string, readonly CalendarPeriod[]>();
const CALENDAR_CACHE_LIMIT = 256;

function calendarOf(from: Date, to: Date, grain: Grain, timeZone: string): readonly CalendarPeriod[] {
  const id = `${timeZone}|${grain}|${String(from.getTime())}|${String(to.getTime())}`;
  const hit = calendarCache.get(id);
  if (hit) return hit;
  let starts: readonly Date[];
  try {
    starts = periodsBetween(from, to, grain, timeZone, MAX_SERIES_PERIODS);
  } catch {
    throw new AppError('INDICATOR_RANGE_TOO_LARGE', `At most ${String(MAX_SERIES_PERIODS)} ${grain} periods per request.`, { field: '/query/from' });
  }
  const periods = starts.map((start) => ({ start, key: periodKey(start, grain, timeZone), yearAgo: samePeriodLastYear(start, grain, timeZone) }));
  if (calendarCache.size >= CALENDAR_CACHE_LIMIT) calendarCache.clear();
  calendarCache.set(id, periods);
  return periods;
}

export function metaOf(d: IndicatorDefinition): IndicatorMeta {
  return { code: d.code, nameZh: d.nameZh, nameEn: d.nameEn, unit: d.unit, direction: d.direction };
}

/** Best first: higher-better and neutral by descending value, lower-better ascending; no value last. */
export function rankChildren(items: readonly BreakdownItem[], direction: Direction, order: 'top' | 'bottom'): BreakdownItem[] {
  const withValue = items.filter((i): i is BreakdownItem & { value: number } => i.value !== null);
  const sign = direction === 'lower_better' ? 1 : -1;
  const best = [...withValue].sort((a, b) => sign * (a.value - b.value) || a.org.code.localeCompare(b.org.code));
  const ranked = order === 'top' ? best : best.reverse();
  return [...ranked, ...items.filter((i) => i.value === null)];
}

export function createIndicatorQueryService(deps: { db: Queryable; catalog: IndicatorCatalog; orgs: OrgReader; clock: Clock }) {
  const { db, catalog, orgs, clock } = deps;

  async function definitionOf(code: string): Promise<IndicatorDefinition> {
    const d = await catalog.get(db, code);
    if (!d) throw indicatorNotFound(code);
    return d;
  }

  /** Whether the indicator's subtree rows answer for an org unit (one row per bucket) instead of summing the subtree's own rows. */
  async function readsSubtreeRows(d: IndicatorDefinition): Promise<boolean> {
    return keepsSubtreeRows(d) && (await completeTreeIndicators(db)).has(d.code);
  }

  async function series(code: string, org: OrgUnit, grain: Grain, from: Date, to: Date): Promise<{ meta: IndicatorMeta; points: IndicatorPoint[] }> {
    const d = await definitionOf(code);
    const timeZone = await reportingTimeZone(db);
    const periods = calendarOf(from, to, grain, timeZone);
    const first = periods[0];
    const last = periods.at(-1);
    if (!first || !last) return { meta: metaOf(d), points: [] };
    const mergeable = needsMergeableState(d);
    const end = nextPeriod(last.start, grain, timeZone);
    const prevStart = previousPeriod(first.start, grain, timeZone);
    const yearAgoFrom = first.yearAgo;
    const yearAgoTo = nextPeriod(last.yearAgo, grain, timeZone);
    const q = { indicator: code, grain, path: org.path, withSketch: mergeable.sketch, withDistinct: mergeable.distinct };
    const read = (await readsSubtreeRows(d)) ? (r: { from: Date; to: Date }) => treeSeries(db, { ...q, ...r, orgUnitId: org.id }) : (r: { from: Date; to: Date }) => sumSeries(db, { ...q, ...r });
    // One scan when the year-ago range meets the main one (a series of a year or longer).
    const joined = yearAgoTo.getTime() >= prevStart.getTime();
    const main = await read({ from: joined ? yearAgoFrom : prevStart, to: end });
    const yearAgo = joined ? main : await read({ from: yearAgoFrom, to: yearAgoTo });
    const ancestry = org.path.split('/').filter((s) => s !== '').reverse();
    const targets = (await listTargets(db, { indicator: code, grain, from: first.start, to: end, orgUnitIds: ancestry.map(Number) }))
      .map((t) => ({ indicator: t.indicator, orgUnit: String(t.orgUnitId), grain: t.grain, periodStart: t.periodStart, value: t.value }));
    // Periods are contiguous, so a period is open exactly when it starts at or after the current one.
    const current = bucketStart(clock.now(), grain, timeZone).getTime();
    // Each bucket's value once: a period's value is also the next one's 环比 base, and merging the
    // sketches or distinct sets of a subtree is the costly part of a day series.
    const values = new Map<Map<number, SummedRow>, Map<number, number | null>>();
    const at = (rows: Map<number, SummedRow>, start: Date): number | null => {
      let memo = values.get(rows);
      if (!memo) {
        memo = new Map();
        values.set(rows, memo);
      }
      const key = start.getTime();
      if (memo.has(key)) return memo.get(key) ?? null;
      const value = valueOf(d, accumulatorOf(rows.get(key)));
      memo.set(key, value);
      return value;
    };
    const points = periods.map((period, i): IndicatorPoint => {
      const { start } = period;
      const value = at(main, start);
      const previous = at(main, periods[i - 1]?.start ?? prevStart);
      const yearAgoValue = at(yearAgo, period.yearAgo);
      const target: ResolvedTarget | null = targets.length === 0 ? null : resolveTarget(targets, code, ancestry, grain, start);
      return {
        periodKey: period.key, periodStart: start, value, previous, yearAgo: yearAgoValue,
        changeRate: rate(value, previous), yearOverYearRate: rate(value, yearAgoValue),
        target: target?.value ?? null, targetInherited: target?.inherited ?? false,
        targetStatus: compareToTarget(value, target?.value ?? null, d.direction).status, open: start.getTime() >= current,
      };
    });
    return { meta: metaOf(d), points };
  }

  async function breakdown(code: string, org: OrgUnit, grain: Grain, start: Date): Promise<{ meta: IndicatorMeta; breakdown: Breakdown }> {
    const d = await definitionOf(code);
    const timeZone = await reportingTimeZone(db);
    const mergeable = needsMergeableState(d);
    const q = { indicator: code, grain, withSketch: mergeable.sketch, withDistinct: mergeable.distinct };
    const tree = await readsSubtreeRows(d);
    const byChild = await (tree ? treeByChild : sumByChild)(db, { ...q, bucketStart: start, parentId: org.id });
    const range = { from: start, to: nextPeriod(start, grain, timeZone) };
    const total = tree ? await treeSeries(db, { ...q, ...range, orgUnitId: org.id }) : await sumSeries(db, { ...q, ...range, path: org.path });
    const children = (await orgs.listSubtree(org, false)).filter((c) => c.parentId === org.id);
    return {
      meta: metaOf(d),
      breakdown: {
        periodKey: periodKey(start, grain, timeZone),
        periodStart: start,
        open: isPeriodOpen(start, grain, timeZone, clock.now()),
        total: valueOf(d, accumulatorOf(total.get(start.getTime()))),
        children: children.map((c) => ({ org: { id: c.id, code: c.code, name: c.name, nameEn: c.nameEn }, value: valueOf(d, accumulatorOf(byChild.get(c.id))) })),
      },
    };
  }

  /** The rule engine's view (SeriesReader); an unknown org unit has no series. */
  async function readSeries(request: SeriesRequest): Promise<readonly SeriesPoint[]> {
    const org = await orgs.findById(request.orgUnitId);
    if (!org) return [];
    const { points } = await series(request.indicator, org, request.grain, request.from, request.to);
    return points.map((p) => ({
      periodStart: p.periodStart.toISOString(), periodKey: p.periodKey, value: p.value, closed: !p.open, target: p.target, previous: p.previous, yearAgo: p.yearAgo,
    }));
  }

  /** A range bound: an ISO-8601 instant, or a period key (its start for from, its end for to). */
  async function rangeOf(from: string, to: string): Promise<{ from: Date; to: Date }> {
    const timeZone = await reportingTimeZone(db);
    const bound = (raw: string, edge: 'from' | 'to'): Date => {
      const period = parsePeriodKey(raw, timeZone);
      if (period) return edge === 'from' ? period.start : nextPeriod(period.start, period.grain, timeZone);
      const ms = Date.parse(raw);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(ms)) {
        throw new AppError('INDICATOR_RANGE_INVALID', `${edge} must be an ISO-8601 instant or a period key.`, { field: `/query/${edge}` });
      }
      return new Date(ms);
    };
    const range = { from: bound(from, 'from'), to: bound(to, 'to') };
    if (range.to.getTime() <= range.from.getTime()) throw new AppError('INDICATOR_RANGE_INVALID', 'to must be after from.', { field: '/query/to' });
    return range;
  }

  /** A period key in the group's zone, checked against the grain when one is given. */
  async function periodOf(raw: string, grain: Grain | undefined): Promise<{ grain: Grain; start: Date }> {
    const period = parsePeriodKey(raw, await reportingTimeZone(db));
    if (!period) throw new AppError('INDICATOR_PERIOD_INVALID', `"${raw}" is not a period key.`, { field: '/query/period' });
    if (grain !== undefined && grain !== period.grain) {
      throw new AppError('INDICATOR_PERIOD_INVALID', `Period "${raw}" is a ${period.grain}, not a ${grain}.`, { field: '/query/period' });
    }
    return period;
  }

  return {
    rangeOf,
    periodOf,
    readSeries,
    series,
    breakdown,
    async ranking(code: string, org: OrgUnit, grain: Grain, start: Date, order: 'top' | 'bottom', limit: number) {
      const { meta, breakdown: b } = await breakdown(code, org, grain, start);
      return { meta, periodKey: b.periodKey, open: b.open, items: rankChildren(b.children, meta.direction, order).slice(0, limit) };
    },
  };
}

export type IndicatorQueryService = ReturnType<typeof createIndicatorQueryService>;

/** The query service satisfies the rule engine's contract. */
export type { SeriesReader } from './series-reader.ts';

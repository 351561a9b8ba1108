import { DateTime, type DateTimeUnit } from 'luxon';

/**
 * Calendar periods (hour … year) in a named time zone. A period is identified by its start instant
 * and its grain; every function here takes the zone explicitly because a hospital group reports in
 * its own zone (default Asia/Shanghai), whatever the server's zone is. Weeks are ISO weeks starting
 * on Monday at local midnight. Periods are half-open: [start, end).
 */
export type Grain = 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

/** Finest first; the order in which grains nest (except week, which does not nest in month). */
export const GRAINS: readonly Grain[] = ['hour', 'day', 'week', 'month', 'quarter', 'year'];

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const UNIT: Readonly<Record<Grain, DateTimeUnit>> = {
  hour: 'hour',
  day: 'day',
  week: 'week',
  month: 'month',
  quarter: 'quarter',
  year: 'year',
};

const STEP: Readonly<Record<Grain, Readonly<Record<string, number>>>> = {
  hour: { hours: 1 },
  day: { days: 1 },
  week: { weeks: 1 },
  month: { months: 1 },
  quarter: { quarters: 1 },
  year: { years: 1 },
};

export function isGrain(value: unknown): value is Grain {
  return typeof value === 'string' && (GRAINS as readonly string[]).includes(value);
}

function local(instant: Date, timeZone: string): DateTime {
  const dt = DateTime.fromJSDate(instant, { zone: timeZone });
  if (!dt.isValid) throw new RangeError(`invalid instant or time zone: ${timeZone}`);
  return dt;
}

interface HourBuckets {
  readonly hourEnd: number;
  /** Start (epoch ms) of the period of each grain containing this local hour. */
  readonly starts: Readonly<Record<Grain, number>>;
}

/**
 * Luxon's zone arithmetic dominates roll-up cost, so the starts of all grains are computed once per
 * local hour and memoised by zone and 15-minute UTC slot (every modern offset is a multiple of 15
 * minutes, so an hour boundary never falls inside a slot). A hit is checked against the cached
 * hour's bounds, so an odd historical offset only costs a recomputation, never a wrong answer.
 */
const bucketCache = new Map<string, Map<number, HourBuckets>>();
const SLOT_MS = 15 * 60_000;
const CACHE_LIMIT = 50_000;

function hourBuckets(instant: Date, timeZone: string): HourBuckets {
  const dt = local(instant, timeZone);
  const start = (grain: Grain): number => dt.startOf(UNIT[grain]).toMillis();
  const starts = { hour: start('hour'), day: start('day'), week: start('week'), month: start('month'), quarter: start('quarter'), year: start('year') };
  return { hourEnd: dt.startOf('hour').plus({ hours: 1 }).toMillis(), starts };
}

/** The start of the period of `grain` that contains `instant`, in `timeZone`. */
export function bucketStart(instant: Date, grain: Grain, timeZone: string = DEFAULT_TIME_ZONE): Date {
  const t = instant.getTime();
  const slot = Math.floor(t / SLOT_MS);
  let zoneCache = bucketCache.get(timeZone);
  const hit = zoneCache?.get(slot);
  if (hit && hit.starts.hour <= t && t < hit.hourEnd) return new Date(hit.starts[grain]);
  const computed = hourBuckets(instant, timeZone);
  if (!zoneCache) {
    zoneCache = new Map();
    bucketCache.set(timeZone, zoneCache);
  }
  if (zoneCache.size >= CACHE_LIMIT) zoneCache.clear();
  zoneCache.set(slot, computed);
  return new Date(computed.starts[grain]);
}

/**
 * Neighbouring period starts, memoised by zone, grain, direction and the period's own start: the
 * rule engine walks series period by period (baselines, windows, missing periods) many times per
 * pass, and each luxon step costs several zone-offset lookups.
 */
const neighbourCache = new Map<string, Map<number, number>>();

function neighbour(instant: Date, grain: Grain, timeZone: string, direction: 1 | -1): Date {
  const start = bucketStart(instant, grain, timeZone).getTime();
  const key = `${timeZone}|${grain}|${String(direction)}`;
  let cache = neighbourCache.get(key);
  const hit = cache?.get(start);
  if (hit !== undefined) return new Date(hit);
  const dt = local(new Date(start), timeZone);
  const computed = (direction === 1 ? dt.plus(STEP[grain]) : dt.minus(STEP[grain])).toMillis();
  if (!cache) {
    cache = new Map();
    neighbourCache.set(key, cache);
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(start, computed);
  return new Date(computed);
}

/** The start of the period after the one containing `instant`. */
export function nextPeriod(instant: Date, grain: Grain, timeZone: string = DEFAULT_TIME_ZONE): Date {
  return neighbour(instant, grain, timeZone, 1);
}

/** The start of the period before the one containing `instant`. */
export function previousPeriod(instant: Date, grain: Grain, timeZone: string = DEFAULT_TIME_ZONE): Date {
  return neighbour(instant, grain, timeZone, -1);
}

/** The exclusive end of the period containing `instant` (equal to the next period's start). */
export function periodEnd(instant: Date, grain: Grain, timeZone: string = DEFAULT_TIME_ZONE): Date {
  return nextPeriod(instant, grain, timeZone);
}

/**
 * The same period one year earlier (同比). Weeks map to the same ISO week number of the previous
 * week-year (week 53 maps to week 52 when the previous year has none); other grains move the local
 * calendar date back one year (29 Feb → 28 Feb).
 */
export function samePeriodLastYear(instant: Date, grain: Grain, timeZone: string = DEFAULT_TIME_ZONE): Date {
  const start = local(instant, timeZone).startOf(UNIT[grain]);
  if (grain !== 'week') return start.minus({ years: 1 }).startOf(UNIT[grain]).toJSDate();
  const weekYear = start.weekYear - 1;
  const probe = DateTime.fromObject({ weekYear, weekNumber: 1, weekday: 1 }, { zone: timeZone });
  const weekNumber = Math.min(start.weekNumber, probe.weeksInWeekYear);
  return DateTime.fromObject({ weekYear, weekNumber, weekday: 1 }, { zone: timeZone }).toJSDate();
}

/**
 * A stable, human-readable key: '2026-11-23T09', '2026-11-23', '2026-W48', '2026-11', '2026-Q4',
 * '2026'. In zones with daylight saving the repeated autumn hour shares one hour key; the rest are
 * unique.
 */
export function periodKey(instant: Date, grain: Grain, timeZone: string = DEFAULT_TIME_ZONE): string {
  const dt = local(instant, timeZone).startOf(UNIT[grain]);
  switch (grain) {
    case 'hour':
      return dt.toFormat("yyyy-MM-dd'T'HH");
    case 'day':
      return dt.toFormat('yyyy-MM-dd');
    case 'week':
      return dt.toFormat("kkkk-'W'WW");
    case 'month':
      return dt.toFormat('yyyy-MM');
    case 'quarter':
      return `${dt.toFormat('yyyy')}-Q${dt.quarter}`;
    case 'year':
      return dt.toFormat('yyyy');
  }
}

export interface ParsedPeriod {
  readonly grain: Grain;
  readonly start: Date;
}

const KEY_PATTERNS: readonly (readonly [Grain, RegExp])[] = [
  ['hour', /^(\d{4})-(\d{2})-(\d{2})T(\d{2})$/],
  ['day', /^(\d{4})-(\d{2})-(\d{2})$/],
  ['week', /^(\d{4})-W(\d{2})$/],
  ['month', /^(\d{4})-(\d{2})$/],
  ['quarter', /^(\d{4})-Q([1-4])$/],
  ['year', /^(\d{4})$/],
];

function fromKeyParts(grain: Grain, n: readonly number[], zone: string): DateTime {
  const [a = 0, b = 1, c = 1, d = 0] = n;
  switch (grain) {
    case 'hour':
      return DateTime.fromObject({ year: a, month: b, day: c, hour: d }, { zone });
    case 'day':
      return DateTime.fromObject({ year: a, month: b, day: c }, { zone });
    case 'week':
      return DateTime.fromObject({ weekYear: a, weekNumber: b, weekday: 1 }, { zone });
    case 'month':
      return DateTime.fromObject({ year: a, month: b }, { zone });
    case 'quarter':
      return DateTime.fromObject({ year: a, month: (b - 1) * 3 + 1 }, { zone });
    case 'year':
      return DateTime.fromObject({ year: a }, { zone });
  }
}

/** The inverse of `periodKey`; null for a malformed or impossible key (e.g. '2026-13', '2025-W53'). */
export function parsePeriodKey(key: string, timeZone: string = DEFAULT_TIME_ZONE): ParsedPeriod | null {
  for (const [grain, pattern] of KEY_PATTERNS) {
    const match = pattern.exec(key);
    if (!match) continue;
    const dt = fromKeyParts(grain, match.slice(1).map(Number), timeZone);
    if (!dt.isValid) return null;
    const start = dt.toJSDate();
    // Reject keys luxon silently normalised (week 53 of a 52-week year, hour 24 …).
    return periodKey(start, grain, timeZone) === key ? { grain, start } : null;
  }
  return null;
}

/** True while `now` is before the end of the period: its values are still incomplete. */
export function isPeriodOpen(start: Date, grain: Grain, timeZone: string, now: Date): boolean {
  return now.getTime() < periodEnd(start, grain, timeZone).getTime();
}

/**
 * The starts of every period of `grain` that overlaps the half-open range [from, to), in order.
 * Refuses ranges of more than `limit` periods so a mistaken query cannot allocate without bound.
 */
export function periodsBetween(
  from: Date,
  to: Date,
  grain: Grain,
  timeZone: string = DEFAULT_TIME_ZONE,
  limit = 100_000,
): readonly Date[] {
  const out: Date[] = [];
  if (to.getTime() <= from.getTime()) return out;
  let cursor = bucketStart(from, grain, timeZone);
  while (cursor.getTime() < to.getTime()) {
    if (out.length >= limit) throw new RangeError(`more than ${limit} ${grain} periods in range`);
    out.push(cursor);
    cursor = nextPeriod(cursor, grain, timeZone);
  }
  return out;
}

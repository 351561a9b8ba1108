import { daySegments, startOfLocalDay, type WorkingCalendar } from './working-calendar.ts';

/** A stretch of time to exclude (an on-hold period); `end` after `start`, both inclusive-exclusive. */
export interface Pause {
  readonly start: Date;
  readonly end: Date;
}

type Segment = readonly [number, number];

/** A calendar with no working day in this many consecutive days is treated as broken. */
const MAX_EMPTY_DAYS = 3660;

interface DayEntry {
  readonly segments: readonly Segment[];
  readonly nextDayStart: number;
}

/**
 * Per-calendar memo of local days by their start instant. Zone arithmetic dominates the cost of
 * long spans; calendars are immutable values, so a day's segments never change.
 */
const dayCache = new WeakMap<WorkingCalendar, Map<number, DayEntry>>();

function dayEntry(calendar: WorkingCalendar, dayStart: number): DayEntry {
  let days = dayCache.get(calendar);
  if (!days) {
    days = new Map();
    dayCache.set(calendar, days);
  }
  let entry = days.get(dayStart);
  if (!entry) {
    const day = startOfLocalDay(calendar, dayStart);
    entry = { segments: daySegments(calendar, day), nextDayStart: day.plus({ days: 1 }).startOf('day').toMillis() };
    days.set(dayStart, entry);
  }
  return entry;
}

function* workingSegments(calendar: WorkingCalendar, from: number): Generator<Segment> {
  let dayStart = startOfLocalDay(calendar, from).toMillis();
  let emptyDays = 0;
  for (;;) {
    const { segments, nextDayStart } = dayEntry(calendar, dayStart);
    emptyDays = segments.length === 0 ? emptyDays + 1 : 0;
    if (emptyDays > MAX_EMPTY_DAYS) throw new RangeError('calendar has no working time ahead');
    for (const [s, e] of segments) if (e > from) yield [Math.max(s, from), e];
    dayStart = nextDayStart;
  }
}

function* clockSegments(from: number): Generator<Segment> {
  yield [from, Number.POSITIVE_INFINITY];
}

function normalisePauses(pauses: readonly Pause[]): Segment[] {
  const sorted = pauses
    .map((p) => [p.start.getTime(), p.end.getTime()] as const)
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

/** Segments minus the (merged, sorted) pauses; pauses that end before a segment are skipped. */
function* withoutPauses(segments: Iterable<Segment>, pauses: readonly Segment[]): Generator<Segment> {
  let i = 0;
  for (const [segStart, segEnd] of segments) {
    let s = segStart;
    while (i < pauses.length && (pauses[i]?.[1] ?? 0) <= s) i += 1;
    for (let j = i; j < pauses.length && s < segEnd; j += 1) {
      const pause = pauses[j];
      if (!pause || pause[0] >= segEnd) break;
      if (pause[0] > s) yield [s, pause[0]];
      s = Math.max(s, pause[1]);
    }
    if (s < segEnd) yield [s, segEnd];
  }
}

function addAlong(segments: Iterable<Segment>, start: Date, ms: number): Date {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`duration must be a non-negative number: ${ms}`);
  if (ms === 0) return new Date(start.getTime());
  let remaining = ms;
  for (const [s, e] of segments) {
    if (remaining <= e - s) return new Date(s + remaining);
    remaining -= e - s;
  }
  throw new RangeError('ran out of time segments');
}

function measureAlong(segments: Iterable<Segment>, b: number): number {
  let total = 0;
  for (const [s, e] of segments) {
    if (s >= b) break;
    total += Math.min(e, b) - s;
  }
  return total;
}

/**
 * The instant at which `ms` of working time has elapsed after `start`, skipping non-working
 * hours, days off and the pauses. Lands on the end of a working range rather than the start of
 * the next one (16:00 + 1.5 h on a day ending 17:30 is 17:30 that day). Zero returns `start`.
 */
export function addWorkingTime(calendar: WorkingCalendar, start: Date, ms: number, pauses: readonly Pause[] = []): Date {
  const from = start.getTime();
  return addAlong(withoutPauses(workingSegments(calendar, from), normalisePauses(pauses)), start, ms);
}

/** Working time in [a, b) outside the pauses; negative when b is before a. */
export function workingTimeBetween(calendar: WorkingCalendar, a: Date, b: Date, pauses: readonly Pause[] = []): number {
  if (b.getTime() < a.getTime()) return -workingTimeBetween(calendar, b, a, pauses);
  const segments = withoutPauses(workingSegments(calendar, a.getTime()), normalisePauses(pauses));
  return measureAlong(segments, b.getTime());
}

/** The instant at which `ms` of elapsed (24/7) time has passed after `start`, outside the pauses. */
export function addClockTime(start: Date, ms: number, pauses: readonly Pause[] = []): Date {
  return addAlong(withoutPauses(clockSegments(start.getTime()), normalisePauses(pauses)), start, ms);
}

/** Elapsed time in [a, b) outside the pauses; negative when b is before a. */
export function clockTimeBetween(a: Date, b: Date, pauses: readonly Pause[] = []): number {
  if (b.getTime() < a.getTime()) return -clockTimeBetween(b, a, pauses);
  return measureAlong(withoutPauses(clockSegments(a.getTime()), normalisePauses(pauses)), b.getTime());
}

/** The first working instant at or after `at` (itself when it is working time). */
export function nextWorkingInstant(calendar: WorkingCalendar, at: Date): Date {
  const first = workingSegments(calendar, at.getTime()).next();
  if (first.done) throw new RangeError('calendar has no working time ahead');
  return new Date(first.value[0]);
}

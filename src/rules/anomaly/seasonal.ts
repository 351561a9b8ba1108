import { clamp } from './robust.ts';
import type { SeasonalProfile } from './types.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Slots: 24 hours of a workday, then 24 hours of a rest day (weekend or holiday). */
export const SLOT_COUNT = 48;
/** Observations of a slot that use a plain running mean before Huber clipping starts. */
const PLAIN_MEAN_COUNT = 5;
/** Slowest adaptation of a slot centre (about one tenth per new day of observations). */
const MIN_ALPHA = 0.05;
const HUBER_K = 2;

export function emptyProfile(): SeasonalProfile {
  return {
    center: new Array<number>(SLOT_COUNT).fill(0),
    spread: new Array<number>(SLOT_COUNT).fill(0),
    count: new Array<number>(SLOT_COUNT).fill(0),
  };
}

/** Which seasonal profile a cadence supports: hour-of-day × day type at hourly or finer cadence,
 * day-of-week with holiday and make-up-day slots at a daily cadence, none for weeks and months. */
export type SeasonKind = 'hourly' | 'daily';

export function seasonKindOf(cadenceMs: number | null): SeasonKind | null {
  if (cadenceMs === null) return null;
  if (cadenceMs <= 2 * HOUR_MS) return 'hourly';
  if (cadenceMs >= 12 * HOUR_MS && cadenceMs <= 3 * DAY_MS) return 'daily';
  return null;
}

/** Daily slots: 0–6 the weekday (0 = Sunday), then a public holiday, then a make-up working day (调休上班). */
const HOLIDAY_SLOT = 7;
const MAKE_UP_SLOT = 8;

function localParts(timestamp: number, utcOffsetMinutes: number): { hour: number; weekday: number } {
  const local = timestamp + utcOffsetMinutes * 60_000;
  const hour = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
  // 1970-01-01 was a Thursday: day index 0 → weekday 4 (0 = Sunday).
  const weekday = (((Math.floor(local / DAY_MS) + 4) % 7) + 7) % 7;
  return { hour, weekday };
}

/** Whether a day is a rest day: `holiday` from the working calendar when known, else by weekday. */
function isRestDay(weekday: number, holiday: boolean | undefined): boolean {
  return holiday ?? (weekday === 0 || weekday === 6);
}

/** Slot of a timestamp. Hourly: local hour, in the rest-day half on weekends or holidays. Daily:
 * the weekday, or the holiday / make-up-day slot when the calendar marks the day so. */
export function slotOf(timestamp: number, utcOffsetMinutes: number, holiday: boolean | undefined, kind: SeasonKind = 'hourly'): number {
  const { hour, weekday } = localParts(timestamp, utcOffsetMinutes);
  if (kind === 'hourly') return (isRestDay(weekday, holiday) ? 24 : 0) + hour;
  const weekend = weekday === 0 || weekday === 6;
  if (holiday === true && !weekend) return HOLIDAY_SLOT;
  if (holiday === false && weekend) return MAKE_UP_SLOT;
  return weekday;
}

/** Slot of the pooled profile used while a slot is young: the hour over all days (hourly), or the
 * day type — workday or rest day — over all weeks (daily), so a holiday without history of its
 * own is judged like a rest day and a make-up Saturday like a workday. */
export function pooledSlotOf(slot: number, kind: SeasonKind): number {
  if (kind === 'hourly') return slot % 24;
  if (slot === HOLIDAY_SLOT || slot === 0 || slot === 6) return 1;
  return 0;
}

/** Observations a slot needs before its expectation is trusted: about three days' worth (hourly), three weeks (daily). */
export function slotReadyCount(cadenceMs: number, kind: SeasonKind = 'hourly'): number {
  return kind === 'daily' ? 3 : 3 * Math.max(1, Math.round(HOUR_MS / cadenceMs));
}

/** Folds one observation into a slot: plain mean at first, then a Huber-clipped EWMA so an
 * outlier moves the slot by at most HUBER_K spreads times the learning rate. */
export function updateProfile(profile: SeasonalProfile, slot: number, value: number, spreadFloor: number): SeasonalProfile {
  const n = (profile.count[slot] ?? 0) + 1;
  const c = profile.center[slot] ?? 0;
  const s = profile.spread[slot] ?? 0;
  let center: number;
  let spread: number;
  if (n <= PLAIN_MEAN_COUNT) {
    center = c + (value - c) / n;
    spread = s + (Math.abs(value - center) - s) / n;
  } else {
    const alpha = Math.max(MIN_ALPHA, 1 / n);
    const bound = HUBER_K * Math.max(s, spreadFloor);
    center = c + alpha * clamp(value - c, -bound, bound);
    spread = s + alpha * (Math.min(Math.abs(value - c), bound) - s);
  }
  const withValue = (arr: readonly number[], v: number): number[] => arr.map((x, i) => (i === slot ? v : x));
  return { center: withValue(profile.center, center), spread: withValue(profile.spread, spread), count: withValue(profile.count, n) };
}

/** The slot's own expectation once it has seen enough points; rest days never borrow workday
 * slots, so holiday traffic is judged only against holiday/weekend history. */
export function expectationSlot(profile: SeasonalProfile, slot: number, readyCount: number): number | null {
  return (profile.count[slot] ?? 0) >= readyCount ? slot : null;
}

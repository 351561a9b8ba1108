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

/** Slot of a timestamp: local hour, in the rest-day half on weekends or when `holiday` says so. */
export function slotOf(timestamp: number, utcOffsetMinutes: number, holiday: boolean | undefined): number {
  const local = timestamp + utcOffsetMinutes * 60_000;
  const hour = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
  // 1970-01-01 was a Thursday: day index 0 → weekday 4 (0 = Sunday).
  const weekday = (((Math.floor(local / DAY_MS) + 4) % 7) + 7) % 7;
  const restDay = holiday ?? (weekday === 0 || weekday === 6);
  return (restDay ? 24 : 0) + hour;
}

/** Observations a slot needs before its expectation is trusted: about three days' worth. */
export function slotReadyCount(cadenceMs: number): number {
  return 3 * Math.max(1, Math.round(HOUR_MS / cadenceMs));
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

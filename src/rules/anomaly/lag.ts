import { median } from './robust.ts';

/**
 * Same-time-of-day baseline (a robust seasonal-naive forecast): the median of the values at the
 * same time on each of the last `LAG_CYCLES` days. It follows a daily pattern at the series' own
 * resolution, so a step inside an hour (a clinic opening at 08:30) is expected at its minute, not
 * smeared over its hour slot, and the median of three days keeps one abnormal day from echoing
 * into the next (which a plain "same time yesterday" would do). Used at hourly or finer cadence,
 * where a day holds several points; the buffer holds at most `LAG_CYCLES` days of points and never
 * more than `MAX_LAG_POINTS`, so the state stays small (72 points at an hourly grain).
 */
const DAY_MS = 24 * 3_600_000;
export const LAG_CYCLES = 3;
export const MAX_LAG_POINTS = 1000;

/** Index of the buffered time closest to `target` (the buffer is in time order), or -1 when empty. */
function nearest(times: readonly number[], target: number): number {
  let lo = 0;
  let hi = times.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] ?? 0) < target) lo = mid + 1;
    else hi = mid;
  }
  const prev = lo - 1;
  return prev >= 0 && Math.abs((times[prev] ?? 0) - target) <= Math.abs((times[lo] ?? 0) - target) ? prev : lo;
}

/** Median of the values at `timestamp` minus one, two, … `LAG_CYCLES` days (each within half a
 * cadence), or null when fewer than two of those days are buffered. */
export function lagExpectation(times: readonly number[], values: readonly number[], timestamp: number, cadenceMs: number): number | null {
  const found: number[] = [];
  for (let k = 1; k <= LAG_CYCLES; k += 1) {
    const i = nearest(times, timestamp - k * DAY_MS);
    if (i >= 0 && Math.abs((times[i] ?? 0) - (timestamp - k * DAY_MS)) <= cadenceMs / 2) found.push(values[i] ?? 0);
  }
  return found.length >= 2 ? median(found) : null;
}

/** Appends a point and drops what is older than `LAG_CYCLES` days (plus a cadence) or beyond `MAX_LAG_POINTS`. */
export function pushLag(times: readonly number[], values: readonly number[], timestamp: number, value: number, cadenceMs: number): { times: number[]; values: number[] } {
  const oldest = timestamp - LAG_CYCLES * DAY_MS - cadenceMs;
  let start = Math.max(0, times.length + 1 - MAX_LAG_POINTS);
  while (start < times.length && (times[start] ?? 0) < oldest) start += 1;
  return { times: [...times.slice(start), timestamp], values: [...values.slice(start), value] };
}

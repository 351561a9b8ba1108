import { bucketStart, periodEnd, previousPeriod } from '../shared/index.ts';
import type { SchemeGrain } from './scheme.ts';

/**
 * The periods a scheme keeps results for, and the state of one period's results (pure). A result
 * is provisional while its period is open or its data may still arrive (the settle days after the
 * end), final once settled, and published once an administrator froze it.
 */
export type ResultState = 'provisional' | 'final' | 'published';

/** Periods kept live (recomputed as data arrives): a year of months, five quarters, two years. */
export const LIVE_PERIODS: Readonly<Record<SchemeGrain, number>> = { month: 13, quarter: 5, year: 2 };

const DAY_MS = 86_400_000;

/** The starts of the last `count` periods up to the one containing `now`, oldest first. */
export function livePeriods(now: Date, grain: SchemeGrain, timeZone: string, count: number = LIVE_PERIODS[grain]): Date[] {
  const out: Date[] = [bucketStart(now, grain, timeZone)];
  while (out.length < count) out.unshift(previousPeriod(out[0] ?? now, grain, timeZone));
  return out;
}

export function resultState(start: Date, grain: SchemeGrain, settleDays: number, timeZone: string, now: Date, published: boolean): ResultState {
  if (published) return 'published';
  const settled = periodEnd(start, grain, timeZone).getTime() + settleDays * DAY_MS;
  return now.getTime() >= settled ? 'final' : 'provisional';
}

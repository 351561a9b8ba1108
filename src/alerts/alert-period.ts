import { parsePeriodKey, periodEnd } from '../shared/index.ts';
import type { AlertPeriod } from './inhibition.ts';

/** The period key of a live alert (a source's silence): it spans from its start until it clears. */
export const LIVE_PERIOD = 'live';

/**
 * The time an alert is about, from its identity's period (what inhibition compares): a calendar
 * period key ('2026-11-24', '2026-11', …) spans [start, end of that period) in the group's zone; a
 * live source-quality alert spans its window from its start until it clears (open end); any other
 * key is a compliance event's time (an instant). Undefined when the alert has no period start.
 */
export function alertPeriodOf(periodKey: string, periodStart: Date | string | null, timeZone: string): AlertPeriod | undefined {
  if (periodStart === null) return undefined;
  const start = new Date(periodStart);
  if (Number.isNaN(start.getTime())) return undefined;
  const iso = start.toISOString();
  if (periodKey === LIVE_PERIOD) return { start: iso, end: null };
  const parsed = parsePeriodKey(periodKey, timeZone);
  if (parsed === null) return { start: iso, end: iso };
  return { start: iso, end: periodEnd(start, parsed.grain, timeZone).toISOString() };
}

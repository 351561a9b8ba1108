/**
 * Tiny value types and helpers every module may use: the error type, the clock, period keys, the
 * read cursor over identity-keyed tables. No domain logic lives here.
 */
export { AppError, isAppError, type ErrorDetails } from './app-error.ts';
export { createFakeClock, systemClock, type Clock } from './clock.ts';
export { advanceCursor, awaitedIds, GAP_PATIENCE_MS, MAX_GAPS, startCursor, type IdCursor } from './id-cursor.ts';
export {
  bucketStart, DEFAULT_TIME_ZONE, GRAINS, isGrain, isPeriodOpen, nextPeriod, parsePeriodKey, periodEnd, periodKey, periodsBetween,
  previousPeriod, samePeriodLastYear, type Grain, type ParsedPeriod,
} from './period.ts';

import type { SeriesPoint, SeriesReader, SeriesRequest } from '../indicators/index.ts';
import { bucketStart, DEFAULT_TIME_ZONE, isPeriodOpen, periodKey, periodsBetween, previousPeriod, samePeriodLastYear, type Clock, type Grain } from '../shared/index.ts';

/**
 * An in-memory SeriesReader for the engine's tests, the acceptance timeline and the benchmark:
 * values are set (or added to) per indicator, org unit, grain and period; a period is closed once
 * the clock has passed its end, as the real reader reports it.
 */
export interface MemorySeriesReader extends SeriesReader {
  set(indicator: string, orgUnitId: number, grain: Grain, at: Date | string, value: number | null, target?: number | null): void;
  add(indicator: string, orgUnitId: number, grain: Grain, at: Date | string, delta: number): void;
  /** Makes reads of `indicator` fail (to test that a failing rule is isolated). */
  fail(indicator: string): void;
}

export function createMemorySeriesReader(clock: Clock, timeZone: string = DEFAULT_TIME_ZONE): MemorySeriesReader {
  const values = new Map<string, { value: number | null; target: number | null }>();
  const failing = new Set<string>();
  const key = (indicator: string, orgUnitId: number, grain: Grain, start: Date) => `${indicator}|${String(orgUnitId)}|${grain}|${String(start.getTime())}`;
  const startOf = (at: Date | string, grain: Grain) => bucketStart(new Date(at), grain, timeZone);
  return {
    set(indicator, orgUnitId, grain, at, value, target = null) {
      values.set(key(indicator, orgUnitId, grain, startOf(at, grain)), { value, target });
    },
    add(indicator, orgUnitId, grain, at, delta) {
      const k = key(indicator, orgUnitId, grain, startOf(at, grain));
      const cur = values.get(k);
      values.set(k, { value: (cur?.value ?? 0) + delta, target: cur?.target ?? null });
    },
    fail(indicator) {
      failing.add(indicator);
    },
    readSeries(r: SeriesRequest): Promise<readonly SeriesPoint[]> {
      if (failing.has(r.indicator)) return Promise.reject(new Error(`series ${r.indicator} unavailable`));
      const now = clock.now();
      const out: SeriesPoint[] = [];
      for (const start of periodsBetween(r.from, r.to, r.grain, timeZone)) {
        const v = values.get(key(r.indicator, r.orgUnitId, r.grain, start));
        if (!v) continue;
        const prev = values.get(key(r.indicator, r.orgUnitId, r.grain, previousPeriod(start, r.grain, timeZone)));
        const ago = values.get(key(r.indicator, r.orgUnitId, r.grain, samePeriodLastYear(start, r.grain, timeZone)));
        out.push({
          periodStart: start.toISOString(), periodKey: periodKey(start, r.grain, timeZone), value: v.value, closed: !isPeriodOpen(start, r.grain, timeZone, now),
          target: v.target, previous: prev?.value ?? null, yearAgo: ago?.value ?? null,
        });
      }
      return Promise.resolve(out);
    },
  };
}

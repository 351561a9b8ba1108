import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  GRAINS,
  bucketStart,
  isPeriodOpen,
  nextPeriod,
  parsePeriodKey,
  periodEnd,
  periodKey,
  periodsBetween,
  previousPeriod,
  samePeriodLastYear,
  type Grain,
} from './period.ts';

const SH = 'Asia/Shanghai';
const d = (iso: string): Date => new Date(iso);
const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'UTC'] as const;
const instantArb = fc.date({ min: d('2000-01-01T00:00:00Z'), max: d('2060-12-31T00:00:00Z'), noInvalidDate: true });
const grainArb = fc.constantFrom(...GRAINS);
const zoneArb = fc.constantFrom(...zones);

describe('bucketStart', () => {
  it.each<[string, Grain, string, string]>([
    // 2026-11-23 is a Monday; 01:30 Shanghai is 17:30 UTC the day before.
    ['2026-11-22T17:30:00Z', 'hour', '2026-11-22T17:00:00Z', '2026-11-23T01'],
    ['2026-11-22T17:30:00Z', 'day', '2026-11-22T16:00:00Z', '2026-11-23'],
    ['2026-11-22T15:59:59Z', 'day', '2026-11-21T16:00:00Z', '2026-11-22'],
    ['2026-11-22T17:30:00Z', 'week', '2026-11-22T16:00:00Z', '2026-W48'],
    ['2026-11-22T15:00:00Z', 'week', '2026-11-15T16:00:00Z', '2026-W47'],
    ['2026-11-22T17:30:00Z', 'month', '2026-10-31T16:00:00Z', '2026-11'],
    ['2026-11-22T17:30:00Z', 'quarter', '2026-09-30T16:00:00Z', '2026-Q4'],
    ['2026-11-22T17:30:00Z', 'year', '2025-12-31T16:00:00Z', '2026'],
    // ISO week-year differs from the calendar year at the edges.
    ['2027-01-01T04:00:00Z', 'week', '2026-12-27T16:00:00Z', '2026-W53'],
  ])('places %s in the %s starting at %s (Shanghai), key %s', (instant, grain, start, key) => {
    expect(bucketStart(d(instant), grain, SH).toISOString()).toBe(d(start).toISOString());
    expect(periodKey(d(instant), grain, SH)).toBe(key);
  });

  it('uses the zone given, not the process zone', () => {
    expect(bucketStart(d('2026-11-23T03:00:00Z'), 'day', 'America/New_York').toISOString()).toBe('2026-11-22T05:00:00.000Z');
  });

  it('agrees with direct zone arithmetic, including answers served from its memo', () => {
    fc.assert(
      fc.property(instantArb, fc.integer({ min: -900_000, max: 900_000 }), grainArb, zoneArb, (instant, nudge, grain, zone) => {
        const near = new Date(instant.getTime() + nudge);
        for (const t of [instant, near, instant]) {
          const direct = DateTime.fromJSDate(t, { zone }).startOf(grain).toMillis();
          expect(bucketStart(t, grain, zone).getTime()).toBe(direct);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is exact around a daylight-saving change', () => {
    // New York fell back at 06:00Z on 2026-11-01: 01:30 local occurs twice, an hour apart.
    const first = d('2026-11-01T05:30:00Z');
    const second = d('2026-11-01T06:30:00Z');
    expect(bucketStart(first, 'hour', 'America/New_York').toISOString()).toBe('2026-11-01T05:00:00.000Z');
    expect(bucketStart(second, 'hour', 'America/New_York').toISOString()).toBe('2026-11-01T06:00:00.000Z');
    expect(bucketStart(second, 'day', 'America/New_York').toISOString()).toBe('2026-11-01T04:00:00.000Z');
  });

  it('contains the instant and is idempotent in every zone', () => {
    fc.assert(
      fc.property(instantArb, grainArb, zoneArb, (instant, grain, zone) => {
        const start = bucketStart(instant, grain, zone);
        expect(start.getTime()).toBeLessThanOrEqual(instant.getTime());
        expect(periodEnd(start, grain, zone).getTime()).toBeGreaterThan(instant.getTime());
        expect(bucketStart(start, grain, zone).getTime()).toBe(start.getTime());
      }),
    );
  });
});

describe('next and previous period', () => {
  it('agree with direct zone arithmetic, including answers served from their memo', () => {
    const plus = { hour: { hours: 1 }, day: { days: 1 }, week: { weeks: 1 }, month: { months: 1 }, quarter: { quarters: 1 }, year: { years: 1 } };
    fc.assert(
      fc.property(instantArb, fc.integer({ min: -900_000, max: 900_000 }), grainArb, zoneArb, (instant, nudge, grain, zone) => {
        for (const t of [instant, new Date(instant.getTime() + nudge), instant]) {
          const start = DateTime.fromJSDate(t, { zone }).startOf(grain);
          expect(nextPeriod(t, grain, zone).getTime()).toBe(start.plus(plus[grain]).toMillis());
          expect(previousPeriod(t, grain, zone).getTime()).toBe(start.minus(plus[grain]).toMillis());
        }
      }),
      { numRuns: 300 },
    );
  });

  it('are inverse and adjacent', () => {
    fc.assert(
      fc.property(instantArb, grainArb, zoneArb, (instant, grain, zone) => {
        const start = bucketStart(instant, grain, zone);
        const next = nextPeriod(start, grain, zone);
        expect(previousPeriod(next, grain, zone).getTime()).toBe(start.getTime());
        expect(bucketStart(new Date(next.getTime() - 1), grain, zone).getTime()).toBe(start.getTime());
      }),
    );
  });

  it('makes weeks start on Monday', () => {
    fc.assert(
      fc.property(instantArb, (instant) => {
        const start = bucketStart(instant, 'week', SH);
        const weekday = new Date(start.getTime() + 8 * 3_600_000).getUTCDay();
        expect(weekday).toBe(1);
      }),
    );
  });
});

describe('periodKey and parsePeriodKey', () => {
  it('round-trip for every grain and zone', () => {
    fc.assert(
      fc.property(instantArb, grainArb, zoneArb, (instant, grain, zone) => {
        const start = bucketStart(instant, grain, zone);
        const parsed = parsePeriodKey(periodKey(start, grain, zone), zone);
        expect(parsed?.grain).toBe(grain);
        // The repeated autumn hour in DST zones shares a key; its first occurrence is returned.
        if (grain !== 'hour' || zone === SH || zone === 'UTC') expect(parsed?.start.getTime()).toBe(start.getTime());
      }),
    );
  });

  it.each(['2026-13', '2025-W53', '2026-02-30', '2026-Q5', '2026-11-23T24', 'W47', ''])('refuses %j', (key) => {
    expect(parsePeriodKey(key, SH)).toBeNull();
  });

  it('accepts week 53 of a long ISO year', () => {
    expect(parsePeriodKey('2026-W53', SH)?.start.toISOString()).toBe('2026-12-27T16:00:00.000Z');
  });
});

describe('samePeriodLastYear', () => {
  it.each<[string, Grain, string]>([
    ['2026-11', 'month', '2025-11'],
    ['2026-Q4', 'quarter', '2025-Q4'],
    ['2026-W47', 'week', '2025-W47'],
    ['2026-W53', 'week', '2025-W52'],
    ['2028-02-29', 'day', '2027-02-28'],
    ['2026-11-23T09', 'hour', '2025-11-23T09'],
  ])('maps %s (%s) to %s', (key, grain, expected) => {
    const start = parsePeriodKey(key, SH)?.start ?? d('invalid');
    expect(periodKey(samePeriodLastYear(start, grain, SH), grain, SH)).toBe(expected);
  });
});

describe('isPeriodOpen', () => {
  const start = d('2026-10-31T16:00:00Z'); // November 2026 in Shanghai
  it.each([
    ['2026-11-15T00:00:00Z', true],
    ['2026-11-30T15:59:59Z', true],
    ['2026-11-30T16:00:00Z', false],
  ])('at %s the month is open: %s', (now, open) => {
    expect(isPeriodOpen(start, 'month', SH, d(now))).toBe(open);
  });
});

describe('periodsBetween', () => {
  it('lists every overlapping period of a half-open range', () => {
    const keys = periodsBetween(d('2026-11-20T10:00:00Z'), d('2026-12-03T16:00:00Z'), 'week', SH).map((s) => periodKey(s, 'week', SH));
    expect(keys).toEqual(['2026-W47', '2026-W48', '2026-W49']);
  });

  it('is empty for an empty range and refuses unbounded ones', () => {
    expect(periodsBetween(d('2026-11-20T00:00:00Z'), d('2026-11-20T00:00:00Z'), 'day', SH)).toEqual([]);
    expect(() => periodsBetween(d('2000-01-01T00:00:00Z'), d('2030-01-01T00:00:00Z'), 'hour', SH, 1000)).toThrow(RangeError);
  });

  it('yields consecutive periods that tile the range', () => {
    fc.assert(
      fc.property(instantArb, fc.integer({ min: 0, max: 40 * 86_400_000 }), grainArb, zoneArb, (from, span, grain, zone) => {
        const to = new Date(from.getTime() + span);
        const starts = periodsBetween(from, to, grain, zone);
        starts.forEach((s, i) => {
          const next = starts[i + 1];
          if (next) expect(nextPeriod(s, grain, zone).getTime()).toBe(next.getTime());
        });
        if (span > 0) expect(starts[0]?.getTime()).toBe(bucketStart(from, grain, zone).getTime());
      }),
      { numRuns: 50 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chinaWorkingCalendar } from './china-format.ts';
import { createWorkingCalendar, isWorkingDay, isWorkingTime } from './working-calendar.ts';
import {
  addClockTime,
  addWorkingTime,
  clockTimeBetween,
  nextWorkingInstant,
  workingTimeBetween,
  type Pause,
} from './working-time.ts';

const china = chinaWorkingCalendar();
const H = 3_600_000;
const at = (local: string): Date => new Date(`${local}+08:00`);
const pause = (start: string, end: string): Pause => ({ start: at(start), end: at(end) });

describe('isWorkingDay on the China calendar', () => {
  it.each([
    ['2026-09-30', true, 'an ordinary Wednesday'],
    ['2026-10-01', false, 'National Day'],
    ['2026-10-07', false, 'the last day of the National Day holiday'],
    ['2026-10-10', true, 'the make-up Saturday after National Day'],
    ['2026-10-11', false, 'an ordinary Sunday'],
    ['2026-09-20', true, 'the make-up Sunday before National Day'],
    ['2026-02-14', true, 'the make-up Saturday before the Spring Festival'],
    ['2025-10-08', false, 'the extended 2025 National Day holiday'],
  ])('%s is %s (%s)', (date, expected) => {
    expect(isWorkingDay(china, date)).toBe(expected);
  });

  it('reads an instant as its local day in the calendar zone', () => {
    // 2026-09-30T17:00Z is already 01:00 on 1 October in Shanghai.
    expect(isWorkingDay(china, new Date('2026-09-30T17:00:00Z'))).toBe(false);
  });

  it('tells working time from the lunch break', () => {
    expect(isWorkingTime(china, at('2026-09-30T11:59:59'))).toBe(true);
    expect(isWorkingTime(china, at('2026-09-30T12:30:00'))).toBe(false);
    expect(isWorkingTime(china, at('2026-09-30T17:30:00'))).toBe(false);
  });
});

describe('addWorkingTime', () => {
  it.each([
    ['2026-09-30T16:00:00', 1.5 * H, '2026-09-30T17:30:00', 'ends on the end of the working range, not the next morning'],
    ['2026-09-30T16:00:00', 4 * H, '2026-10-08T10:30:00', 'skips the National Day holiday'],
    ['2026-09-30T16:00:00', 24 * H, '2026-10-10T16:00:00', 'counts the make-up Saturday'],
    ['2026-10-09T17:00:00', 1 * H, '2026-10-10T08:30:00', 'moves from Friday into the make-up Saturday'],
    ['2026-10-16T17:00:00', 1 * H, '2026-10-19T08:30:00', 'skips an ordinary weekend'],
    ['2026-09-30T12:30:00', 1 * H, '2026-09-30T14:30:00', 'starts counting after the lunch break'],
    ['2026-09-30T07:00:00', 0.5 * H, '2026-09-30T08:30:00', 'starts counting at opening time'],
    ['2026-09-19T10:00:00', 1 * H, '2026-09-20T09:00:00', 'counts the make-up Sunday'],
    ['2026-02-14T17:00:00', 1 * H, '2026-02-24T08:30:00', 'skips the whole Spring Festival'],
    ['2026-10-03T10:00:00', 0, '2026-10-03T10:00:00', 'adds nothing for zero'],
  ])('%s + %d ms → %s (%s)', (start, ms, expected) => {
    expect(addWorkingTime(china, at(start), ms)).toEqual(at(expected));
  });

  it('excludes pauses from the time counted', () => {
    const end = addWorkingTime(china, at('2026-09-30T16:00:00'), 4 * H, [pause('2026-10-08T08:00:00', '2026-10-08T09:00:00')]);
    expect(end).toEqual(at('2026-10-08T11:30:00'));
  });

  it('rejects a negative duration', () => {
    expect(() => addWorkingTime(china, at('2026-09-30T16:00:00'), -1)).toThrow(RangeError);
  });

  it('finds the next working instant across a holiday', () => {
    expect(nextWorkingInstant(china, at('2026-09-30T18:00:00'))).toEqual(at('2026-10-08T08:00:00'));
  });
});

describe('workingTimeBetween', () => {
  it('counts the working days around National Day', () => {
    // 30 Sep, 8, 9 and 10 (make-up) October: four working days of 8 hours.
    expect(workingTimeBetween(china, at('2026-09-30T00:00:00'), at('2026-10-12T00:00:00'))).toBe(32 * H);
  });

  it('excludes a pause spanning a night', () => {
    const pauses = [pause('2026-10-08T10:00:00', '2026-10-09T10:00:00')];
    expect(workingTimeBetween(china, at('2026-09-30T00:00:00'), at('2026-10-12T00:00:00'), pauses)).toBe(24 * H);
  });

  it('is negative when the end is before the start', () => {
    expect(workingTimeBetween(china, at('2026-10-08T10:00:00'), at('2026-10-08T09:00:00'))).toBe(-1 * H);
  });
});

describe('clock time', () => {
  it('adds elapsed time outside pauses', () => {
    const pauses = [pause('2026-09-30T16:05:00', '2026-09-30T16:10:00')];
    expect(addClockTime(at('2026-09-30T16:00:00'), 15 * 60_000, pauses)).toEqual(at('2026-09-30T16:20:00'));
    expect(clockTimeBetween(at('2026-09-30T16:00:00'), at('2026-09-30T16:20:00'), pauses)).toBe(15 * 60_000);
  });
});

const instant = fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2026-12-01T00:00:00Z') });
const duration = fc.integer({ min: 0, max: 60 * H });
const pausesArb = fc.array(
  fc.tuple(instant, fc.integer({ min: 1, max: 5 * 24 * H })).map(([s, len]) => ({ start: new Date(s), end: new Date(s + len) })),
  { maxLength: 3 },
);
const berlin = createWorkingCalendar({ timeZone: 'Europe/Berlin' });

describe('working time properties', () => {
  it.each([
    ['China', china],
    ['a zone with daylight saving', berlin],
  ])('adding then measuring gives back the duration (%s)', (_name, calendar) => {
    fc.assert(
      fc.property(instant, duration, pausesArb, (start, ms, pauses) => {
        const end = addWorkingTime(calendar, new Date(start), ms, pauses);
        expect(workingTimeBetween(calendar, new Date(start), end, pauses)).toBe(ms);
      }),
      { numRuns: 150 },
    );
  });

  it('is monotonic in the duration and never ends before it starts', () => {
    fc.assert(
      fc.property(instant, duration, duration, (start, x, y) => {
        const [lo, hi] = x <= y ? [x, y] : [y, x];
        const a = addWorkingTime(china, new Date(start), lo);
        const b = addWorkingTime(china, new Date(start), hi);
        expect(a.getTime()).toBeLessThanOrEqual(b.getTime());
        expect(a.getTime()).toBeGreaterThanOrEqual(start);
      }),
      { numRuns: 150 },
    );
  });

  it('measures additively across any middle point', () => {
    fc.assert(
      fc.property(fc.array(instant, { minLength: 3, maxLength: 3 }), pausesArb, (points, pauses) => {
        const [a = 0, b = 0, c = 0] = [...points].sort((p, q) => p - q);
        const ab = workingTimeBetween(china, new Date(a), new Date(b), pauses);
        const bc = workingTimeBetween(china, new Date(b), new Date(c), pauses);
        expect(ab + bc).toBe(workingTimeBetween(china, new Date(a), new Date(c), pauses));
      }),
      { numRuns: 60 },
    );
  });
});

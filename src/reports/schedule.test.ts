import { describe, expect, it } from 'vitest';
import { chinaWorkingCalendar } from '../calendar/index.ts';
import { bulletinDueAt, latestDuePeriod } from './schedule.ts';

const calendar = chinaWorkingCalendar();
const at = (iso: string) => new Date(iso);

describe('bulletin schedule on the working calendar', () => {
  it('sends a weekly bulletin on the Monday after its week at 08:00 local', () => {
    // ISO week 2026-W48: Monday 23 November to Sunday 29 November.
    expect(bulletinDueAt('weekly', at('2026-11-23T00:00:00+08:00'), calendar).toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  it('moves a weekly bulletin whose Monday is a holiday to the next working day', () => {
    // The week of 28 September 2026 ends on Sunday 4 October; Monday 5 October is 国庆, the next working day is Thursday 8 October.
    expect(bulletinDueAt('weekly', at('2026-09-28T00:00:00+08:00'), calendar).toISOString()).toBe('2026-10-08T00:00:00.000Z');
  });

  it('sends the September monthly bulletin after 国庆, on the first working day of October', () => {
    expect(bulletinDueAt('monthly', at('2026-09-01T00:00:00+08:00'), calendar).toISOString()).toBe('2026-10-08T00:00:00.000Z');
  });

  it('sends an ordinary monthly bulletin on the first working day, skipping a weekend', () => {
    // 1 November 2026 is a Sunday: the October bulletin goes out on Monday 2 November.
    expect(bulletinDueAt('monthly', at('2026-10-01T00:00:00+08:00'), calendar).toISOString()).toBe('2026-11-02T00:00:00.000Z');
    // The n-th working day when configured.
    expect(bulletinDueAt('monthly', at('2026-10-01T00:00:00+08:00'), calendar, { atMinute: 9 * 60 + 30, day: 3 }).toISOString()).toBe('2026-11-04T01:30:00.000Z');
  });

  it('reports the latest due period, held back while a holiday delays the bulletin', () => {
    expect(latestDuePeriod('monthly', at('2026-10-05T12:00:00+08:00'), calendar).key).toBe('2026-08');
    expect(latestDuePeriod('monthly', at('2026-10-08T08:00:00+08:00'), calendar).key).toBe('2026-09');
    expect(latestDuePeriod('weekly', at('2026-11-30T07:59:00+08:00'), calendar).key).toBe('2026-W47');
    expect(latestDuePeriod('weekly', at('2026-11-30T08:00:00+08:00'), calendar).key).toBe('2026-W48');
  });
});

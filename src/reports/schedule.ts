import { DateTime } from 'luxon';
import { isWorkingDay, type WorkingCalendar } from '../calendar/index.ts';
import { nextPeriod, periodKey, previousPeriod, bucketStart, type Grain } from '../shared/index.ts';

/**
 * When a bulletin of a period is due. A weekly bulletin goes out on the Monday after its ISO week
 * (08:00 local by default), a monthly one on the first working day of the next month: both on the
 * group's working calendar, so a bulletin due on a holiday goes out on the next working day (the
 * September bulletin after 国庆). Pure: the calendar and the instants are passed in.
 */
export type BulletinKind = 'weekly' | 'monthly';

export interface BulletinSchedule {
  /** Local time of day the bulletin goes out, minutes after midnight (default 08:00). */
  readonly atMinute: number;
  /**
   * Weekly: ISO weekday after the week (1 = Monday). Monthly: the n-th working day of the next
   * month (1 = the first).
   */
  readonly day: number;
}

export const defaultSchedules: Readonly<Record<BulletinKind, BulletinSchedule>> = {
  weekly: { atMinute: 8 * 60, day: 1 },
  monthly: { atMinute: 8 * 60, day: 1 },
};

export function grainOf(kind: BulletinKind): Grain {
  return kind === 'weekly' ? 'week' : 'month';
}

/** The first local date on or after `date` that is a working day (searches at most a year). */
function workingDayFrom(calendar: WorkingCalendar, date: DateTime): DateTime {
  let day = date;
  for (let i = 0; i < 366 && !isWorkingDay(calendar, day.toISODate() ?? ''); i += 1) day = day.plus({ days: 1 });
  return day;
}

/** The instant the bulletin of the period starting at `periodStart` is due. */
export function bulletinDueAt(kind: BulletinKind, periodStart: Date, calendar: WorkingCalendar, schedule: BulletinSchedule = defaultSchedules[kind]): Date {
  const zone = calendar.timeZone;
  const end = DateTime.fromJSDate(nextPeriod(periodStart, grainOf(kind), zone), { zone }).startOf('day');
  let day: DateTime;
  if (kind === 'weekly') {
    // The chosen weekday of the week after, then the next working day from there.
    day = workingDayFrom(calendar, end.plus({ days: (schedule.day - end.weekday + 7) % 7 }));
  } else {
    day = workingDayFrom(calendar, end);
    for (let n = 1; n < schedule.day; n += 1) day = workingDayFrom(calendar, day.plus({ days: 1 }));
  }
  return day.set({ hour: Math.floor(schedule.atMinute / 60), minute: schedule.atMinute % 60, second: 0, millisecond: 0 }).toJSDate();
}

/** The latest period whose bulletin is due at `now`: the previous period, or an earlier one while a holiday holds it back. */
export function latestDuePeriod(kind: BulletinKind, now: Date, calendar: WorkingCalendar, schedule?: BulletinSchedule): { start: Date; key: string } {
  const grain = grainOf(kind);
  const zone = calendar.timeZone;
  let start = previousPeriod(bucketStart(now, grain, zone), grain, zone);
  // A bulletin due later than now (a holiday pushed it) leaves the one before as the latest due.
  while (bulletinDueAt(kind, start, calendar, schedule) > now) start = previousPeriod(start, grain, zone);
  return { start, key: periodKey(start, grain, zone) };
}

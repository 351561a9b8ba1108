import { DateTime } from 'luxon';

/**
 * A working calendar: which local hours of which local days count as working time, in one IANA
 * time zone. Invariants (guaranteed by `parseCalendarDocument`, assumed everywhere else): each
 * list of ranges is sorted, non-overlapping, with 0 <= startMinute < endMinute <= 1440; a date is
 * never both in `offDays` and `workDays`; the week has some working time, so searches end.
 */
export interface ClockRange {
  /** Minutes after local midnight. */
  readonly startMinute: number;
  /** Minutes after local midnight; 1440 means the end of the day. */
  readonly endMinute: number;
}

export type WeekdayKey = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAY_KEYS: readonly WeekdayKey[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface WorkingCalendar {
  readonly timeZone: string;
  /** Working hours per ISO weekday: index 0 is Monday, 6 is Sunday. */
  readonly week: readonly (readonly ClockRange[])[];
  /** Working hours of a make-up working day (调休上班), which usually falls on a weekend. */
  readonly makeUpDayHours: readonly ClockRange[];
  /** Local dates (YYYY-MM-DD) that are days off whatever the weekday, with the holiday name. */
  readonly offDays: ReadonlyMap<string, string>;
  /** Local dates (YYYY-MM-DD) that are working days whatever the weekday (make-up days). */
  readonly workDays: ReadonlyMap<string, string>;
}

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** 08:00–12:00 and 13:30–17:30: the usual hospital administrative day. */
export const DEFAULT_WORKING_HOURS: readonly ClockRange[] = [
  { startMinute: 8 * 60, endMinute: 12 * 60 },
  { startMinute: 13 * 60 + 30, endMinute: 17 * 60 + 30 },
];

/** Mon–Fri default hours, weekends off, no holidays: a base to extend with `withCalendarDays`. */
export function createWorkingCalendar(overrides: Partial<WorkingCalendar> = {}): WorkingCalendar {
  const weekday = DEFAULT_WORKING_HOURS;
  return {
    timeZone: overrides.timeZone ?? DEFAULT_TIME_ZONE,
    week: overrides.week ?? [weekday, weekday, weekday, weekday, weekday, [], []],
    makeUpDayHours: overrides.makeUpDayHours ?? overrides.week?.[0] ?? weekday,
    offDays: overrides.offDays ?? new Map(),
    workDays: overrides.workDays ?? new Map(),
  };
}

export interface CalendarDay {
  readonly date: string;
  readonly kind: 'off' | 'work';
  readonly name: string;
}

/** Adds holiday and make-up days; a later entry for the same date replaces an earlier one. */
export function withCalendarDays(calendar: WorkingCalendar, days: readonly CalendarDay[]): WorkingCalendar {
  const offDays = new Map(calendar.offDays);
  const workDays = new Map(calendar.workDays);
  for (const day of days) {
    offDays.delete(day.date);
    workDays.delete(day.date);
    (day.kind === 'off' ? offDays : workDays).set(day.date, day.name);
  }
  return { ...calendar, offDays, workDays };
}

/** The calendar's days as a sorted list (the inverse of `withCalendarDays`). */
export function calendarDays(calendar: WorkingCalendar): CalendarDay[] {
  const out: CalendarDay[] = [];
  for (const [date, name] of calendar.offDays) out.push({ date, kind: 'off', name });
  for (const [date, name] of calendar.workDays) out.push({ date, kind: 'work', name });
  return out.sort((a, b) => a.date.localeCompare(b.date));
}

function localDay(calendar: WorkingCalendar, day: string | Date): DateTime {
  const dt =
    typeof day === 'string'
      ? DateTime.fromISO(day, { zone: calendar.timeZone })
      : DateTime.fromJSDate(day, { zone: calendar.timeZone });
  if (!dt.isValid) throw new RangeError(`invalid day: ${String(day)}`);
  return dt.startOf('day');
}

/** The clock ranges that apply on a local day, after holidays and make-up days. */
export function hoursOn(calendar: WorkingCalendar, day: DateTime): readonly ClockRange[] {
  const iso = day.toISODate() ?? '';
  if (calendar.offDays.has(iso)) return [];
  if (calendar.workDays.has(iso)) return calendar.makeUpDayHours;
  return calendar.week[day.weekday - 1] ?? [];
}

/** How the calendar marks the local day of an instant: a day off by name ('off', a public holiday),
 * a make-up working day ('work', 调休上班), or nothing (an ordinary day, judged by its weekday). */
export function calendarDayKind(calendar: WorkingCalendar, at: Date): 'off' | 'work' | null {
  const iso = localDay(calendar, at).toISODate() ?? '';
  if (calendar.offDays.has(iso)) return 'off';
  if (calendar.workDays.has(iso)) return 'work';
  return null;
}

/** True when the local day (a YYYY-MM-DD date, or the local day of an instant) has working hours. */
export function isWorkingDay(calendar: WorkingCalendar, day: string | Date): boolean {
  return hoursOn(calendar, localDay(calendar, day)).length > 0;
}

/** True when the instant falls inside a working range (start inclusive, end exclusive). */
export function isWorkingTime(calendar: WorkingCalendar, at: Date): boolean {
  const t = at.getTime();
  return daySegments(calendar, localDay(calendar, at)).some(([s, e]) => s <= t && t < e);
}

function instantAt(day: DateTime, minute: number): number {
  if (minute >= 1440) return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour: Math.floor(minute / 60), minute: minute % 60, second: 0, millisecond: 0 }).toMillis();
}

/** Working time of one local day as [start, end) epoch-millisecond pairs. */
export function daySegments(calendar: WorkingCalendar, day: DateTime): (readonly [number, number])[] {
  return hoursOn(calendar, day)
    .map((r) => [instantAt(day, r.startMinute), instantAt(day, r.endMinute)] as const)
    .filter(([s, e]) => e > s);
}

/** The day that starts the local day containing `ms`, in the calendar's zone. */
export function startOfLocalDay(calendar: WorkingCalendar, ms: number): DateTime {
  return DateTime.fromMillis(ms, { zone: calendar.timeZone }).startOf('day');
}

/**
 * Length of a standard working day: Monday's hours, or the longest weekday when Monday is off.
 * Deadlines given in working days convert through it (8 h for the default hours).
 */
export function standardWorkingDayMs(calendar: WorkingCalendar): number {
  const total = (ranges: readonly ClockRange[]): number =>
    ranges.reduce((sum, r) => sum + (r.endMinute - r.startMinute) * 60_000, 0);
  const monday = total(calendar.week[0] ?? []);
  return monday > 0 ? monday : Math.max(0, ...calendar.week.map(total));
}

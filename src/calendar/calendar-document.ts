import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { DateTime, IANAZone } from 'luxon';
import {
  calendarDays,
  DEFAULT_TIME_ZONE,
  DEFAULT_WORKING_HOURS,
  WEEKDAY_KEYS,
  type CalendarDay,
  type ClockRange,
  type WorkingCalendar,
} from './working-calendar.ts';

/**
 * The JSON form of a working calendar, as stored and edited through the API:
 *
 *   { "timeZone": "Asia/Shanghai",
 *     "hours": { "mon": ["08:00-12:00", "13:30-17:30"], …, "sat": [], "sun": [] },
 *     "makeUpDayHours": ["08:00-12:00", "13:30-17:30"],
 *     "days": [{ "date": "2026-10-01", "kind": "off", "name": "国庆节" },
 *              { "date": "2026-10-10", "kind": "work", "name": "国庆节调休" }] }
 *
 * Omitted: timeZone → Asia/Shanghai; hours → Mon–Fri 08:00–12:00 and 13:30–17:30; a weekday
 * missing from `hours` → no working hours; makeUpDayHours → Monday's hours.
 */
const HoursRange = Type.String({ pattern: '^\\d{2}:\\d{2}-\\d{2}:\\d{2}$', description: 'HH:MM-HH:MM, local time' });
const DayHours = Type.Array(HoursRange, { maxItems: 12 });

export const CalendarDocumentSchema = Type.Object(
  {
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    hours: Type.Optional(
      Type.Object(
        {
          mon: Type.Optional(DayHours),
          tue: Type.Optional(DayHours),
          wed: Type.Optional(DayHours),
          thu: Type.Optional(DayHours),
          fri: Type.Optional(DayHours),
          sat: Type.Optional(DayHours),
          sun: Type.Optional(DayHours),
        },
        { additionalProperties: false },
      ),
    ),
    makeUpDayHours: Type.Optional(DayHours),
    days: Type.Optional(
      Type.Array(
        Type.Object(
          {
            date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
            kind: Type.Union([Type.Literal('off'), Type.Literal('work')]),
            name: Type.Optional(Type.String({ maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 5000 },
      ),
    ),
  },
  { additionalProperties: false },
);

export type CalendarDocument = Static<typeof CalendarDocumentSchema>;

/** A problem with one field, located by JSON pointer (`/hours/mon/1`, `/days/3/date`). */
export interface CalendarFieldError {
  readonly path: string;
  readonly message: string;
}

export type ParseCalendarResult =
  | { readonly ok: true; readonly calendar: WorkingCalendar }
  | { readonly ok: false; readonly errors: readonly CalendarFieldError[] };

const checker = TypeCompiler.Compile(CalendarDocumentSchema);

function parseClock(text: string): number | null {
  const [h, m] = text.split(':').map(Number);
  if (h === undefined || m === undefined || m > 59 || h > 24 || (h === 24 && m !== 0)) return null;
  return h * 60 + m;
}

function parseDayHours(ranges: readonly string[], path: string, errors: CalendarFieldError[]): ClockRange[] {
  const out: ClockRange[] = [];
  ranges.forEach((text, i) => {
    const [from = '', to = ''] = text.split('-');
    const startMinute = parseClock(from);
    const endMinute = parseClock(to);
    if (startMinute === null || endMinute === null) {
      errors.push({ path: `${path}/${i}`, message: `not a valid time range: ${text}` });
    } else if (endMinute <= startMinute) {
      errors.push({ path: `${path}/${i}`, message: `range must end after it starts: ${text}` });
    } else {
      const previous = out[out.length - 1];
      if (previous && startMinute < previous.endMinute) {
        errors.push({ path: `${path}/${i}`, message: 'ranges must be in order and must not overlap' });
      }
      out.push({ startMinute, endMinute });
    }
  });
  return out;
}

function parseDays(days: CalendarDocument['days'], errors: CalendarFieldError[]): CalendarDay[] {
  const seen = new Map<string, 'off' | 'work'>();
  const out: CalendarDay[] = [];
  (days ?? []).forEach((day, i) => {
    if (!DateTime.fromISO(day.date).isValid) {
      errors.push({ path: `/days/${i}/date`, message: `not a calendar date: ${day.date}` });
      return;
    }
    const earlier = seen.get(day.date);
    if (earlier !== undefined && earlier !== day.kind) {
      errors.push({ path: `/days/${i}/kind`, message: `${day.date} is listed as both off and work` });
    }
    seen.set(day.date, day.kind);
    out.push({ date: day.date, kind: day.kind, name: day.name ?? '' });
  });
  return out;
}

/** Validates a calendar document (shape, then meaning) and builds the calendar value. */
export function parseCalendarDocument(input: unknown): ParseCalendarResult {
  if (!checker.Check(input)) {
    const errors = [...checker.Errors(input)].map((e) => ({ path: e.path === '' ? '/' : e.path, message: e.message }));
    return { ok: false, errors };
  }
  const errors: CalendarFieldError[] = [];
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;
  if (!IANAZone.isValidZone(timeZone)) errors.push({ path: '/timeZone', message: `unknown time zone: ${timeZone}` });
  const hours = input.hours;
  const week = WEEKDAY_KEYS.map((key, i) => {
    if (hours === undefined) return i < 5 ? DEFAULT_WORKING_HOURS : [];
    return parseDayHours(hours[key] ?? [], `/hours/${key}`, errors);
  });
  if (week.every((ranges) => ranges.length === 0)) {
    errors.push({ path: '/hours', message: 'the week must have some working hours' });
  }
  const makeUpDayHours =
    input.makeUpDayHours === undefined ? (week[0] ?? []) : parseDayHours(input.makeUpDayHours, '/makeUpDayHours', errors);
  const days = parseDays(input.days, errors);
  if (errors.length > 0) return { ok: false, errors };
  const pick = (kind: 'off' | 'work'): Map<string, string> =>
    new Map(days.filter((d) => d.kind === kind).map((d) => [d.date, d.name]));
  return { ok: true, calendar: { timeZone, week, makeUpDayHours, offDays: pick('off'), workDays: pick('work') } };
}

function formatClock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

function formatHours(ranges: readonly ClockRange[]): string[] {
  return ranges.map((r) => `${formatClock(r.startMinute)}-${formatClock(r.endMinute)}`);
}

/** The document form of a calendar; `parseCalendarDocument(toCalendarDocument(c))` gives back `c`. */
export function toCalendarDocument(calendar: WorkingCalendar): CalendarDocument {
  const hours: Partial<Record<(typeof WEEKDAY_KEYS)[number], string[]>> = {};
  WEEKDAY_KEYS.forEach((key, i) => {
    hours[key] = formatHours(calendar.week[i] ?? []);
  });
  return {
    timeZone: calendar.timeZone,
    hours,
    makeUpDayHours: formatHours(calendar.makeUpDayHours),
    days: calendarDays(calendar).map((d) => ({ date: d.date, kind: d.kind, name: d.name })),
  };
}

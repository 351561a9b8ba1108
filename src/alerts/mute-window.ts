import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { DateTime, IANAZone } from 'luxon';

/**
 * Recurring mute windows (nights, weekends, public holidays) in the window's own time zone. A time
 * range whose end is not after its start runs past midnight and belongs to the day it starts on
 * ("Friday 22:00–07:00" covers Saturday 06:00). Day conditions: listed ISO weekdays (1 = Monday) or,
 * with `holidays`, any day the injected holiday predicate names; neither means every day.
 */
export interface TimeRange {
  readonly start: string;
  readonly end: string;
}

export interface MuteWindow {
  readonly id: string;
  readonly name: string;
  readonly timezone: string;
  readonly weekdays?: readonly number[];
  readonly holidays?: boolean;
  /** Absent or empty: the whole day. */
  readonly times?: readonly TimeRange[];
}

/** Whether a local calendar date (YYYY-MM-DD) is a day off, e.g. from the China holiday calendar. */
export type HolidayPredicate = (isoDate: string) => boolean;

const HHMM = Type.String({ pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$' });
export const MuteWindowSchema = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    name: Type.String({ minLength: 1 }),
    timezone: Type.String({ minLength: 1 }),
    weekdays: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { maxItems: 7 })),
    holidays: Type.Optional(Type.Boolean()),
    times: Type.Optional(Type.Array(Type.Object({ start: HHMM, end: HHMM }, { additionalProperties: false }), { maxItems: 10 })),
  },
  { additionalProperties: false },
);
const check = TypeCompiler.Compile(MuteWindowSchema);

export type ParseMuteWindowResult = { readonly ok: true; readonly window: MuteWindow } | { readonly ok: false; readonly errors: readonly { readonly path: string; readonly message: string }[] };

export function parseMuteWindow(json: unknown): ParseMuteWindowResult {
  if (!check.Check(json)) return { ok: false, errors: [...check.Errors(json)].map((e) => ({ path: e.path, message: e.message })) };
  const w = json as MuteWindow;
  if (!IANAZone.isValidZone(w.timezone)) return { ok: false, errors: [{ path: '/timezone', message: 'unknown time zone' }] };
  return { ok: true, window: w };
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function dayMatches(w: MuteWindow, day: DateTime, isHoliday: HolidayPredicate): boolean {
  const holidays = w.holidays === true;
  if (w.weekdays === undefined && !holidays) return true;
  return (w.weekdays?.includes(day.weekday) ?? false) || (holidays && isHoliday(day.toISODate() ?? ''));
}

/** If `now` is inside the window, the end of the range it is in; otherwise null. */
export function muteRangeEnd(w: MuteWindow, now: Date, isHoliday: HolidayPredicate): Date | null {
  const local = DateTime.fromJSDate(now, { zone: w.timezone });
  const day = local.startOf('day');
  const yesterday = day.minus({ days: 1 });
  const ranges = w.times && w.times.length > 0 ? w.times : [{ start: '00:00', end: '24:00' }];
  const m = local.hour * 60 + local.minute + local.second / 60;
  let end: DateTime | null = null;
  const consider = (candidate: DateTime) => {
    if (end === null || candidate > end) end = candidate;
  };
  for (const r of ranges) {
    const s = minutesOf(r.start);
    const e = minutesOf(r.end);
    if (s < e) {
      if (m >= s && m < e && dayMatches(w, day, isHoliday)) consider(e === 1440 ? day.plus({ days: 1 }) : day.set({ hour: Math.floor(e / 60), minute: e % 60 }));
    } else {
      if (m >= s && dayMatches(w, day, isHoliday)) consider(day.plus({ days: 1 }).set({ hour: Math.floor(e / 60), minute: e % 60 }));
      if (m < e && dayMatches(w, yesterday, isHoliday)) consider(day.set({ hour: Math.floor(e / 60), minute: e % 60 }));
    }
  }
  return end === null ? null : (end as DateTime).toJSDate();
}

export function isMuted(w: MuteWindow, now: Date, isHoliday: HolidayPredicate): boolean {
  return muteRangeEnd(w, now, isHoliday) !== null;
}

/** The first instant at or after `now` when none of the windows mutes; null when not muted now. Adjacent windows chain (a holiday after a weekend). */
export function mutedUntil(windows: readonly MuteWindow[], now: Date, isHoliday: HolidayPredicate): Date | null {
  let t = now;
  for (let hop = 0; hop < 64; hop++) {
    const ends = windows.map((w) => muteRangeEnd(w, t, isHoliday)).filter((d): d is Date => d !== null);
    if (ends.length === 0) return hop === 0 ? null : t;
    t = new Date(Math.max(...ends.map((d) => d.getTime())));
  }
  return t;
}

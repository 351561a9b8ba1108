import { DateTime } from 'luxon';
import { chinaHolidays, type HolidayYear } from './china-holidays.ts';
import { createWorkingCalendar, withCalendarDays, type CalendarDay, type WorkingCalendar } from './working-calendar.ts';

/** Holiday and make-up days from State Council arrangements (the `HolidayYear` shape). */
export function chinaHolidayDays(years: readonly HolidayYear[]): CalendarDay[] {
  const out: CalendarDay[] = [];
  for (const year of years) {
    for (const holiday of year.holidays) {
      for (const date of holiday.off) out.push({ date, kind: 'off', name: holiday.nameZh });
      for (const date of holiday.work) out.push({ date, kind: 'work', name: `${holiday.nameZh}调休` });
    }
  }
  return out.sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * Asia/Shanghai, 08:00–12:00 and 13:30–17:30 Monday to Friday, with China's public holidays and
 * make-up working days for the given years (all published years by default).
 */
export function chinaWorkingCalendar(
  years: readonly HolidayYear[] = chinaHolidays,
  base: WorkingCalendar = createWorkingCalendar(),
): WorkingCalendar {
  return withCalendarDays(base, chinaHolidayDays(years));
}

export interface HolidayTextError {
  /** 1-based line number. */
  readonly line: number;
  readonly message: string;
}

export type ParseHolidayTextResult =
  | { readonly ok: true; readonly days: readonly CalendarDay[] }
  | { readonly ok: false; readonly errors: readonly HolidayTextError[] };

const MAX_RANGE_DAYS = 366;
const KINDS: Readonly<Record<string, 'off' | 'work'>> = { off: 'off', work: 'work', 休: 'off', 班: 'work' };

/**
 * The plain-text holiday format, one rule a line, `#` starts a comment:
 *
 *   2026-10-01..2026-10-07 off 国庆节
 *   2026-10-10 work 国庆节调休
 *   2026-09-25 休 中秋节          (休 = off, 班 = work, as printed on Chinese calendars)
 *
 * A date or an inclusive range `from..to` (at most 366 days), then the kind, then an optional
 * name (the rest of the line). Every bad line is reported, not just the first.
 */
export function parseHolidayText(text: string): ParseHolidayTextResult {
  const days: CalendarDay[] = [];
  const errors: HolidayTextError[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = (raw.split('#')[0] ?? '').trim();
    if (content === '') return;
    const [range = '', kindText = '', ...nameParts] = content.split(/\s+/);
    const kind = KINDS[kindText];
    if (kind === undefined) {
      errors.push({ line, message: `expected off or work after the date, got "${kindText}"` });
      return;
    }
    const [fromText = '', toText = fromText, extra] = range.split('..');
    const from = DateTime.fromISO(fromText, { zone: 'UTC' });
    const to = DateTime.fromISO(toText, { zone: 'UTC' });
    if (extra !== undefined || !/^\d{4}-\d{2}-\d{2}$/.test(fromText) || !/^\d{4}-\d{2}-\d{2}$/.test(toText) || !from.isValid || !to.isValid) {
      errors.push({ line, message: `not a date or date range: "${range}"` });
      return;
    }
    const count = to.diff(from, 'days').days + 1;
    if (count < 1 || count > MAX_RANGE_DAYS) {
      errors.push({ line, message: `range must run forwards and span at most ${MAX_RANGE_DAYS} days` });
      return;
    }
    const name = nameParts.join(' ');
    for (let i = 0; i < count; i += 1) days.push({ date: from.plus({ days: i }).toISODate() ?? '', kind, name });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, days };
}

/** Writes days in the text format, folding consecutive dates of the same kind and name into ranges. */
export function formatHolidayText(days: readonly CalendarDay[]): string {
  const sorted = [...days].sort((a, b) => a.date.localeCompare(b.date));
  const lines: string[] = [];
  let run: { from: string; to: string; kind: string; name: string } | null = null;
  const flush = (): void => {
    if (!run) return;
    const range = run.from === run.to ? run.from : `${run.from}..${run.to}`;
    lines.push(`${range} ${run.kind}${run.name === '' ? '' : ` ${run.name}`}`);
  };
  for (const day of sorted) {
    const next = DateTime.fromISO(run?.to ?? '', { zone: 'UTC' }).plus({ days: 1 }).toISODate();
    if (run && run.kind === day.kind && run.name === day.name && next === day.date) {
      run.to = day.date;
    } else {
      flush();
      run = { from: day.date, to: day.date, kind: day.kind, name: day.name };
    }
  }
  flush();
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}

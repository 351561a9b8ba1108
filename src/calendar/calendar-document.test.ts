import { describe, expect, it } from 'vitest';
import { parseCalendarDocument, toCalendarDocument } from './calendar-document.ts';
import { chinaWorkingCalendar } from './china-format.ts';
import { isWorkingDay } from './working-calendar.ts';

describe('parseCalendarDocument', () => {
  it('fills defaults: Shanghai, Mon–Fri 08:00–12:00 and 13:30–17:30, make-up days on Monday hours', () => {
    const result = parseCalendarDocument({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.calendar.timeZone).toBe('Asia/Shanghai');
    expect(result.calendar.week[0]).toEqual([
      { startMinute: 480, endMinute: 720 },
      { startMinute: 810, endMinute: 1050 },
    ]);
    expect(result.calendar.week[5]).toEqual([]);
    expect(result.calendar.makeUpDayHours).toEqual(result.calendar.week[0]);
  });

  it('reads custom hours, holidays and make-up days', () => {
    const result = parseCalendarDocument({
      timeZone: 'Asia/Urumqi',
      hours: { mon: ['09:00-18:00'], sat: ['09:00-12:00'] },
      days: [
        { date: '2026-10-01', kind: 'off', name: '国庆节' },
        { date: '2026-10-11', kind: 'work' },
      ],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.calendar.week[1]).toEqual([]);
    expect(result.calendar.week[5]).toEqual([{ startMinute: 540, endMinute: 720 }]);
    expect(isWorkingDay(result.calendar, '2026-10-11')).toBe(true);
    expect(result.calendar.offDays.get('2026-10-01')).toBe('国庆节');
  });

  it.each([
    [{ timeZone: 'Mars/Olympus' }, '/timeZone'],
    [{ hours: { mon: ['8:00-12:00'] } }, '/hours/mon/0'],
    [{ hours: { mon: ['12:00-08:00'] } }, '/hours/mon/0'],
    [{ hours: { mon: ['08:00-12:00', '11:00-13:00'] } }, '/hours/mon/1'],
    [{ hours: { tue: ['25:00-26:00'] } }, '/hours/tue/0'],
    [{ hours: { mon: [] } }, '/hours'],
    [{ hours: { monday: ['08:00-12:00'] } }, '/hours/monday'],
    [{ days: [{ date: '2026-02-30', kind: 'off' }] }, '/days/0/date'],
    [{ days: [{ date: '2026-10-01', kind: 'holiday' }] }, '/days/0/kind'],
    [
      {
        days: [
          { date: '2026-10-01', kind: 'off' },
          { date: '2026-10-01', kind: 'work' },
        ],
      },
      '/days/1/kind',
    ],
    [{ makeUpDayHours: ['17:00-09:00'] }, '/makeUpDayHours/0'],
  ])('rejects %j with an error at %s', (input, path) => {
    const result = parseCalendarDocument(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path)).toContain(path);
    expect(result.errors.every((e) => e.message.length > 0)).toBe(true);
  });

  it('round-trips a calendar through its document form', () => {
    const calendar = chinaWorkingCalendar();
    const result = parseCalendarDocument(toCalendarDocument(calendar));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.calendar).toEqual(calendar);
  });
});

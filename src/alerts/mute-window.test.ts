import { describe, expect, it } from 'vitest';
import { isMuted, mutedUntil, parseMuteWindow, type MuteWindow } from './mute-window.ts';

// 2026 Spring Festival (15–23 Feb) and National Day (1–7 Oct) days off, as the calendar module lists them.
const days = (from: number, to: number, month: string) => Array.from({ length: to - from + 1 }, (_v, i) => `2026-${month}-${String(from + i).padStart(2, '0')}`);
const offDays = new Set([...days(15, 23, '02'), ...days(1, 7, '10')]);
const isHoliday = (d: string) => offDays.has(d);
const night: MuteWindow = { id: 'night', name: '夜间', timezone: 'Asia/Shanghai', times: [{ start: '22:00', end: '07:00' }] };
const weekendNight: MuteWindow = { ...night, id: 'wn', weekdays: [5, 6] };
const holidays: MuteWindow = { id: 'hol', name: '节假日', timezone: 'Asia/Shanghai', holidays: true };
const lunch: MuteWindow = { id: 'lunch', name: '午休', timezone: 'Asia/Shanghai', weekdays: [1, 2, 3, 4, 5], times: [{ start: '12:00', end: '13:30' }] };
const local = (s: string) => new Date(`${s}+08:00`);

describe('isMuted', () => {
  it.each<[string, MuteWindow, string, boolean]>([
    ['night at 23:00', night, '2026-03-02T23:00:00', true],
    ['night at 06:59 the next morning', night, '2026-03-03T06:59:00', true],
    ['night at 07:00 (end exclusive)', night, '2026-03-03T07:00:00', false],
    ['night at 21:59', night, '2026-03-02T21:59:00', false],
    ['Friday/Saturday night covers Saturday 06:00', weekendNight, '2026-03-07T06:00:00', true],
    ['Friday/Saturday night does not cover Friday 06:00 (Thursday night)', weekendNight, '2026-03-06T06:00:00', false],
    ['Friday/Saturday night covers Sunday 03:00 (Saturday night)', weekendNight, '2026-03-08T03:00:00', true],
    ['Friday/Saturday night does not cover Monday 03:00', weekendNight, '2026-03-09T03:00:00', false],
    ['holidays cover Spring Festival 2026', holidays, '2026-02-17T10:00:00', true],
    ['holidays do not cover an ordinary Tuesday', holidays, '2026-03-03T10:00:00', false],
    ['lunch on a weekday', lunch, '2026-03-03T12:30:00', true],
    ['lunch not on Saturday', lunch, '2026-03-07T12:30:00', false],
  ])('%s', (_name, w, at, expected) => {
    expect(isMuted(w, local(at), isHoliday)).toBe(expected);
  });

  it('uses the window’s own time zone', () => {
    const london: MuteWindow = { ...night, timezone: 'Europe/London' };
    expect(isMuted(london, new Date('2026-03-02T23:00:00Z'), isHoliday)).toBe(true);
    expect(isMuted(london, new Date('2026-03-02T15:00:00Z'), isHoliday)).toBe(false);
  });
});

describe('mutedUntil', () => {
  it('is null when no window mutes', () => {
    expect(mutedUntil([night, holidays], local('2026-03-03T10:00:00'), isHoliday)).toBeNull();
  });

  it('ends a night window at 07:00 local', () => {
    expect(mutedUntil([night], local('2026-03-02T23:00:00'), isHoliday)?.toISOString()).toBe(local('2026-03-03T07:00:00').toISOString());
  });

  it('chains adjacent windows: the holiday days, then the night after them', () => {
    // National Day 2026: 1–7 October off; the night window continues from 00:00 to 07:00 on the 8th.
    expect(mutedUntil([holidays, night], local('2026-10-05T10:00:00'), isHoliday)?.toISOString()).toBe(local('2026-10-08T07:00:00').toISOString());
  });
});

describe('parseMuteWindow', () => {
  it('accepts a valid window', () => {
    expect(parseMuteWindow(night)).toEqual({ ok: true, window: night });
  });
  it.each<[string, unknown, string]>([
    ['an unknown time zone', { ...night, timezone: 'Mars/Olympus' }, '/timezone'],
    ['a malformed time', { ...night, times: [{ start: '7:00', end: '08:00' }] }, '/times/0/start'],
    ['hour 25', { ...night, times: [{ start: '25:00', end: '08:00' }] }, '/times/0/start'],
    ['weekday 8', { ...night, weekdays: [8] }, '/weekdays/0'],
  ])('rejects %s', (_name, json, path) => {
    const r = parseMuteWindow(json);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path)).toContain(path);
  });
});

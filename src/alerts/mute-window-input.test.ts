import { describe, expect, it } from 'vitest';
import { checkMuteWindowInput } from './mute-window-input.ts';

describe('checkMuteWindowInput', () => {
  it('accepts a night window and returns it without an id', () => {
    const r = checkMuteWindowInput({ name: '夜间', timezone: 'Asia/Shanghai', times: [{ start: '22:00', end: '07:00' }] });
    expect(r).toEqual({ ok: true, window: { name: '夜间', timezone: 'Asia/Shanghai', times: [{ start: '22:00', end: '07:00' }] } });
  });

  it('accepts a holiday window that names no times (the whole day)', () => {
    expect(checkMuteWindowInput({ name: '节假日', timezone: 'Asia/Shanghai', holidays: true }).ok).toBe(true);
  });

  it.each<[string, unknown, string]>([
    ['an unknown time zone', { name: 'n', timezone: 'Mars/Olympus', times: [{ start: '22:00', end: '07:00' }] }, '/timezone'],
    ['a malformed time', { name: 'n', timezone: 'Asia/Shanghai', times: [{ start: '25:00', end: '07:00' }] }, '/times/0/start'],
    ['a weekday out of range', { name: 'n', timezone: 'Asia/Shanghai', weekdays: [0] }, '/weekdays/0'],
    ['an empty weekday list', { name: 'n', timezone: 'Asia/Shanghai', weekdays: [], times: [{ start: '22:00', end: '07:00' }] }, '/weekdays'],
    ['a day listed twice', { name: 'n', timezone: 'Asia/Shanghai', weekdays: [6, 6] }, '/weekdays'],
    ['no days and no times (mutes everything, always)', { name: 'n', timezone: 'Asia/Shanghai' }, '/times'],
    ['a range that ends where it starts', { name: 'n', timezone: 'Asia/Shanghai', times: [{ start: '08:00', end: '08:00' }] }, '/times/0/end'],
    ['an unknown field', { name: 'n', timezone: 'Asia/Shanghai', holidays: true, colour: 'red' }, '/colour'],
  ])('refuses %s, pointing at the field', (_name, input, path) => {
    const r = checkMuteWindowInput(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path)).toContain(path);
  });
});

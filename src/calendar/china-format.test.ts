import { describe, expect, it } from 'vitest';
import { chinaHolidayDays, formatHolidayText, parseHolidayText } from './china-format.ts';
import { chinaHolidays } from './china-holidays.ts';

describe('chinaHolidayDays', () => {
  it('turns the State Council arrangements into off and make-up days', () => {
    const days = chinaHolidayDays(chinaHolidays.filter((y) => y.year === 2026));
    expect(days.filter((d) => d.kind === 'off' && d.name === '国庆节')).toHaveLength(7);
    expect(days).toContainEqual({ date: '2026-10-10', kind: 'work', name: '国庆节调休' });
    expect(days.map((d) => d.date)).toEqual([...days.map((d) => d.date)].sort());
  });
});

describe('parseHolidayText', () => {
  it('reads ranges, single days, Chinese kinds, names and comments', () => {
    const result = parseHolidayText(
      ['# 2026 国庆', '2026-10-01..2026-10-03 off 国庆节', '', '2026-10-10 work 国庆节 调休  # make-up', '2026-09-25 休'].join('\n'),
    );
    expect(result).toEqual({
      ok: true,
      days: [
        { date: '2026-10-01', kind: 'off', name: '国庆节' },
        { date: '2026-10-02', kind: 'off', name: '国庆节' },
        { date: '2026-10-03', kind: 'off', name: '国庆节' },
        { date: '2026-10-10', kind: 'work', name: '国庆节 调休' },
        { date: '2026-09-25', kind: 'off', name: '' },
      ],
    });
  });

  it('reports every bad line with its number', () => {
    const result = parseHolidayText(
      ['2026-10-01 holiday', '2026-13-01 off', '2026-10-07..2026-10-01 off', '2026-10-01..2026-10-02..2026-10-03 off', '2026-10-01 off ok'].join(
        '\n',
      ),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.line)).toEqual([1, 2, 3, 4]);
  });

  it('round-trips through formatHolidayText, folding consecutive days into ranges', () => {
    const days = chinaHolidayDays(chinaHolidays);
    const text = formatHolidayText(days);
    expect(text).toContain('2026-10-01..2026-10-07 off 国庆节\n');
    expect(text).toContain('2026-10-10 work 国庆节调休\n');
    const parsed = parseHolidayText(text);
    expect(parsed.ok && [...parsed.days].sort((a, b) => a.date.localeCompare(b.date))).toEqual(days);
  });
});

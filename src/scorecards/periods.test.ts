import { describe, expect, it } from 'vitest';
import { livePeriods, resultState } from './periods.ts';

const SH = 'Asia/Shanghai';

describe('scheme periods', () => {
  it('keeps the last periods up to the current one, oldest first', () => {
    const months = livePeriods(new Date('2026-03-10T00:00:00+08:00'), 'month', SH, 3);
    expect(months.map((d) => d.toISOString())).toEqual(['2025-12-31T16:00:00.000Z', '2026-01-31T16:00:00.000Z', '2026-02-28T16:00:00.000Z']);
    expect(livePeriods(new Date('2026-03-10T00:00:00+08:00'), 'quarter', SH)).toHaveLength(5);
  });

  it('is provisional until the settle days after the period end have passed, then final; published wins', () => {
    const feb = new Date('2026-01-31T16:00:00Z');
    expect(resultState(feb, 'month', 3, SH, new Date('2026-03-03T15:59:59Z'), false)).toBe('provisional');
    expect(resultState(feb, 'month', 3, SH, new Date('2026-03-03T16:00:00Z'), false)).toBe('final');
    expect(resultState(feb, 'month', 0, SH, new Date('2026-02-28T16:00:00Z'), false)).toBe('final');
    expect(resultState(feb, 'month', 3, SH, new Date('2026-02-10T00:00:00Z'), true)).toBe('published');
  });
});

import { describe, expect, it } from 'vitest';
import { alertPeriodOf } from './alert-period.ts';

const TZ = 'Asia/Shanghai';

describe('alertPeriodOf', () => {
  it.each<[string, string, string, { start: string; end: string | null }]>([
    ['a day', '2026-11-24', '2026-11-23T16:00:00.000Z', { start: '2026-11-23T16:00:00.000Z', end: '2026-11-24T16:00:00.000Z' }],
    ['an hour', '2026-11-24T09', '2026-11-24T01:00:00.000Z', { start: '2026-11-24T01:00:00.000Z', end: '2026-11-24T02:00:00.000Z' }],
    ['a month', '2026-11', '2026-10-31T16:00:00.000Z', { start: '2026-10-31T16:00:00.000Z', end: '2026-11-30T16:00:00.000Z' }],
    ['an ISO week', '2026-W48', '2026-11-22T16:00:00.000Z', { start: '2026-11-22T16:00:00.000Z', end: '2026-11-29T16:00:00.000Z' }],
    ['a live source window (open end)', 'live', '2026-08-26T00:05:00.000Z', { start: '2026-08-26T00:05:00.000Z', end: null }],
    ['a compliance event (its time)', '2026-11-24T01:30:00.000Z', '2026-11-24T01:30:00.000Z', { start: '2026-11-24T01:30:00.000Z', end: '2026-11-24T01:30:00.000Z' }],
  ])('%s', (_name, key, start, expected) => {
    expect(alertPeriodOf(key, start, TZ)).toEqual(expected);
    expect(alertPeriodOf(key, new Date(start), TZ)).toEqual(expected);
  });

  it('has no period without a start', () => {
    expect(alertPeriodOf('', null, TZ)).toBeUndefined();
  });

  it('ends a day at local midnight of the group zone', () => {
    expect(alertPeriodOf('2026-11-24', '2026-11-24T05:00:00.000Z', 'America/New_York')?.end).toBe('2026-11-25T05:00:00.000Z');
  });
});

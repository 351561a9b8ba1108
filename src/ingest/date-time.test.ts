import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseDateTime, parseOffsetDateTime } from './date-time.ts';

describe('parseOffsetDateTime', () => {
  it.each([
    ['2026-11-23T08:00:00+08:00', '2026-11-23T00:00:00.000Z'],
    ['2026-11-23T08:00Z', '2026-11-23T08:00:00.000Z'],
    ['2024-02-29T23:59:59.123456-05:30', '2024-03-01T05:29:59.123Z'],
    ['2000-02-29t00:00:00z', '2000-02-29T00:00:00.000Z'],
    ['1000-01-01T00:00:00+00:00', '1000-01-01T00:00:00.000Z'],
  ])('reads %s as %s', (text, utc) => {
    expect(normaliseDateTime(text)).toBe(utc);
  });

  it.each([
    '2026-11-23T08:00:00', '2026-11-23', '2025-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01T00:00:00Z',
    '2026-11-23T24:00:00Z', '2026-11-23T08:60:00Z', '2026-11-23T08:00:60Z', '2026-11-23T08:00:00+19:00', '0999-01-01T00:00:00Z',
  ])('refuses %s', (text) => {
    expect(parseOffsetDateTime(text)).toBeUndefined();
  });

  it('agrees with Date.parse on every valid instant with an offset (property)', () => {
    fc.assert(fc.property(
      fc.date({ min: new Date('1000-01-02T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }),
      fc.integer({ min: -14 * 4, max: 14 * 4 }),
      (d, quarterHours) => {
        const offset = quarterHours * 15;
        const local = new Date(d.getTime() + offset * 60_000).toISOString().slice(0, 23);
        const sign = offset < 0 ? '-' : '+';
        const abs = Math.abs(offset);
        const text = `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
        expect(parseOffsetDateTime(text)).toBe(d.getTime());
      },
    ));
  });
});

import { describe, expect, it } from 'vitest';
import { fhirInstant } from './fhir-dates.ts';

describe('FHIR partial dates (read in the group’s zone)', () => {
  it.each<[string | undefined, string, string | undefined]>([
    ['2026-01-04', 'Asia/Shanghai', '2026-01-03T16:00:00.000Z'],
    ['2026-01', 'Asia/Shanghai', '2025-12-31T16:00:00.000Z'],
    ['2026', 'UTC', '2026-01-01T00:00:00.000Z'],
    ['2026-03-08', 'America/New_York', '2026-03-08T05:00:00.000Z'],
    ['2026-01-04T10:00:00+08:00', 'Asia/Shanghai', '2026-01-04T10:00:00+08:00'],
    ['2026-02-30', 'Asia/Shanghai', '2026-02-30'],
    ['2026-01-04T10:00:00', 'Asia/Shanghai', '2026-01-04T10:00:00'],
    [undefined, 'UTC', undefined],
  ])('%s in %s → %s', (value, zone, expected) => {
    expect(fhirInstant(value, zone)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import type { SourceQualityRule } from '../definition.ts';
import type { SourceQualityInput } from '../outcome.ts';
import { COMMON_FIELDS } from '../rule-fixtures.ts';
import { evaluateSourceQuality } from './source-quality.ts';

const base: SourceQualityRule = { ...COMMON_FIELDS, code: 'dq_success', kind: 'source_quality', metric: 'success_rate', op: '<', bound: 0.95 };
const NOW = new Date('2026-03-02T12:00:00Z');
const input = (patch: Partial<SourceQualityInput> = {}): SourceQualityInput => ({
  orgUnit: 'H1',
  sourceId: 'his',
  periodKey: '2026-03-01',
  periodStart: '2026-03-01T00:00:00+08:00',
  closed: true,
  lastReceivedAt: '2026-03-02T11:30:00Z',
  received: 1000,
  accepted: 990,
  invalid: 10,
  onTime: 980,
  ...patch,
});

describe('evaluateSourceQuality', () => {
  it.each<[string, Partial<SourceQualityRule>, Partial<SourceQualityInput>, string, number | null]>([
    ['success rate 99% is ok', {}, {}, 'ok', 0.99],
    ['success rate 90% breaches', {}, { accepted: 900 }, 'breach', 0.9],
    ['nothing received skips the rate', {}, { received: 0, accepted: 0 }, 'skipped', null],
    ['nothing received is no data under alert', { missingData: 'alert' }, { received: 0, accepted: 0 }, 'no_data', null],
    ['invalid share 6% breaches', { metric: 'invalid_share', op: '>', bound: 0.05 }, { invalid: 60 }, 'breach', 0.06],
    ['on-time rate 85% breaches', { metric: 'on_time_rate', op: '<', bound: 0.9 }, { onTime: 850 }, 'breach', 0.85],
    ['silent 30 minutes is ok', { metric: 'silent_minutes', op: '>', bound: 60, evaluateOpenPeriod: true }, {}, 'ok', 30],
    ['silent 3 hours breaches', { metric: 'silent_minutes', op: '>', bound: 60, evaluateOpenPeriod: true }, { lastReceivedAt: '2026-03-02T09:00:00Z', closed: false }, 'breach', 180],
    ['never received is no data under alert', { metric: 'silent_minutes', op: '>', bound: 60, missingData: 'alert' }, { lastReceivedAt: null }, 'no_data', null],
    ['a source registered 6 minutes ago that has sent nothing is silent 6 minutes, not missing', { metric: 'silent_minutes', op: '>', bound: 60, missingData: 'alert' }, { lastReceivedAt: null, registeredAt: '2026-03-02T11:54:00Z' }, 'ok', 6],
    ['a source registered 2 hours ago that has sent nothing breaches', { metric: 'silent_minutes', op: '>', bound: 60, missingData: 'alert' }, { lastReceivedAt: null, registeredAt: '2026-03-02T10:00:00Z' }, 'breach', 120],
    ['silence counts from the last record when it came after registration', { metric: 'silent_minutes', op: '>', bound: 60 }, { registeredAt: '2026-03-01T00:00:00Z' }, 'ok', 30],
    ['a source the rule does not watch is skipped', { sources: ['call_center'] }, { accepted: 0 }, 'skipped', null],
  ])('%s', (_name, patch, inputPatch, kind, value) => {
    const o = evaluateSourceQuality({ ...base, ...patch }, input(inputPatch), NOW);
    expect([o.kind, o.value]).toEqual([kind, value]);
  });

  it('keys the alert by the source', () => {
    expect(evaluateSourceQuality(base, input(), NOW).seriesKey).toBe('source:his');
  });
});

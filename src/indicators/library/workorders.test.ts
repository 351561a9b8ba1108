import { describe, expect, it } from 'vitest';
import { bucketStart } from '../../shared/period.ts';
import { EMPTY_ACCUMULATOR, contributionKey, mergeAccumulators, valueOf } from '../rollup.ts';
import { definitionOf, event, libraryValue, rebuild, SH } from '../test-support.ts';
import { WORK_ORDER_FIXTURES } from './fixtures-workorders.test-data.ts';
import { WORK_ORDERS } from './workorders.ts';

const DAY = '2026-11-10T02:00:00Z';
const definition = (code: string) => definitionOf(WORK_ORDERS.find((d) => d.code === code));
const wo = (milestone: string, attributes: Record<string, unknown> = {}) =>
  event('work_order', DAY, { orderId: '1', milestone, severity: 3, category: 'access', origin: 'manual', round: 0, createdAt: DAY, ...attributes });

/** The day's value of a unit whose events are the union of `units` (a parent over its children). */
function pooled(code: string, units: readonly (readonly ReturnType<typeof wo>[])[]): number | null {
  const d = definition(code);
  const key = contributionKey('day', bucketStart(new Date(DAY), 'day', SH));
  const acc = units.map((events) => rebuild(d, events, [], ['day']).get(key) ?? EMPTY_ACCUMULATOR).reduce(mergeAccumulators, EMPTY_ACCUMULATOR);
  return valueOf(d, acc);
}

describe('work-order indicators', () => {
  it.each(WORK_ORDERS.map((d) => [d.code] as const))('%s computes its hand-computed November fixture', (code) => {
    const fixture = WORK_ORDER_FIXTURES[code];
    if (!fixture) throw new Error(`no fixture for ${code}`);
    expect(libraryValue(definition(code), fixture)).toBeCloseTo(fixture.expected ?? Number.NaN, 9);
  });

  it('gives a parent the pooled rate of its departments (Σ met / Σ decided), not the mean of their rates', () => {
    const met = wo('resolved', { resolveDeadline: 'met' });
    const missed = wo('overdue', { track: 'resolve', resolveDeadline: 'missed', firstOverdue: true });
    const a = [met, missed];
    const b = [met, met, met];
    expect(pooled('workorder_resolve_on_time_rate', [a])).toBe(50);
    expect(pooled('workorder_resolve_on_time_rate', [b])).toBe(100);
    expect(pooled('workorder_resolve_on_time_rate', [a, b])).toBe(80);
  });

  it('counts a late acknowledgement once in the on-time rate, through its miss, and its minutes in the mean', () => {
    const late = [
      wo('overdue', { track: 'acknowledge', acknowledgeDeadline: 'missed', firstOverdue: true }),
      wo('acknowledged', { acknowledgedOnTime: false, minutesToAcknowledge: 90 }),
    ];
    const onTime = [wo('acknowledged', { acknowledgedOnTime: true, acknowledgeDeadline: 'met', minutesToAcknowledge: 10 })];
    expect(pooled('workorder_ack_on_time_rate', [late, onTime])).toBe(50);
    expect(pooled('workorder_mean_ack_minutes', [late, onTime])).toBe(50);
    expect(pooled('workorder_overdue', [late, onTime])).toBe(1);
  });

  it('counts only work_order events', () => {
    const lookalike = event('visit', DAY, { milestone: 'created', acknowledgeDeadline: 'met' });
    expect(pooled('workorder_created', [[lookalike, wo('created')]])).toBe(1);
    expect(pooled('workorder_ack_on_time_rate', [[lookalike]])).toBeNull();
  });
});

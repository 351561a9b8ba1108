import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GRAINS, bucketStart } from '../shared/period.ts';
import {
  EMPTY_ACCUMULATOR,
  contributionKey,
  contributionsOf,
  foldContributions,
  keysNotIn,
  manualContributionsOf,
  mergeAccumulators,
  parseAccumulator,
  unionSorted,
  valueOf,
  type Accumulator,
} from './rollup.ts';
import type { IndicatorEvent } from './rows.ts';
import { SH, definitionOf, event, rebuild, valueAt } from './test-support.ts';

const header = { version: 1, nameZh: '测', nameEn: 'T', unit: 'u', direction: 'neutral', category: 'other', description: '', formula: 'f' };
const def = (code: string, measure: unknown) => definitionOf({ ...header, code, measure });

const onlineShare = def('online_share', {
  kind: 'ratio',
  numerator: { aggregate: 'count', eventTypes: ['visit'], filter: [{ attribute: 'channel', op: 'eq', value: 'online' }] },
  denominator: { aggregate: 'count', eventTypes: ['visit'] },
  factor: 100,
});
const avgAmount = def('avg_amount', { kind: 'average', eventTypes: ['visit'], of: { attribute: 'amount' } });
const patients = def('patients', { kind: 'distinct', eventTypes: ['visit'], key: 'patient' });
const p90 = def('p90_amount', { kind: 'percentile', eventTypes: ['visit'], of: { attribute: 'amount' }, quantile: 0.9 });
const costPerVisit = def('cost_per_visit', {
  kind: 'ratio',
  numerator: { aggregate: 'sum', eventTypes: ['visit'], of: { attribute: 'amount' } },
  denominator: { aggregate: 'count', eventTypes: ['visit'], timeAttribute: 'startedAt' },
});
const DEFINITIONS = [onlineShare, avgAmount, patients, p90, costPerVisit];

describe('contributionsOf', () => {
  it('places an event in one bucket per grain, in the group time zone', () => {
    const contributions = contributionsOf(onlineShare, event('visit', '2026-11-22T17:30:00Z', { channel: 'online' }), SH);
    expect(contributions.map((c) => [c.grain, c.bucketStart.toISOString()])).toEqual([
      ['hour', '2026-11-22T17:00:00.000Z'],
      ['day', '2026-11-22T16:00:00.000Z'],
      ['week', '2026-11-22T16:00:00.000Z'],
      ['month', '2026-10-31T16:00:00.000Z'],
      ['quarter', '2026-09-30T16:00:00.000Z'],
      ['year', '2025-12-31T16:00:00.000Z'],
    ]);
    expect(contributions[0]?.accumulator).toMatchObject({ numerator: 1000, denominator: 1000 });
  });

  it('contributes nothing for another event type or a missing time attribute', () => {
    expect(contributionsOf(onlineShare, event('call', '2026-11-22T00:00:00Z'), SH)).toEqual([]);
    expect(contributionsOf(costPerVisit, event('visit', '2026-11-22T00:00:00Z', {}), SH)).toEqual([]);
  });

  it('places numerator and denominator by their own time attributes', () => {
    const e = event('visit', '2026-11-30T15:00:00Z', { amount: 50, startedAt: '2026-11-30T17:00:00Z' });
    const months = contributionsOf(costPerVisit, e, SH, ['month']).map((c) => [c.bucketStart.toISOString(), c.accumulator.numerator, c.accumulator.denominator]);
    expect(months).toEqual([
      ['2026-10-31T16:00:00.000Z', 50_000, 0],
      ['2026-11-30T16:00:00.000Z', 0, 1000],
    ]);
  });
});

describe('manualContributionsOf', () => {
  const occupancy = def('occupancy', {
    kind: 'ratio',
    numerator: { aggregate: 'sum', eventTypes: ['discharge'], of: { attribute: 'losDays' } },
    denominator: { manualIndicator: 'open_bed_days' },
    factor: 100,
  });
  const entry = { indicator: 'open_bed_days', grain: 'month' as const, periodStart: new Date('2026-10-31T16:00:00Z'), value: 300 };

  it('feeds the entry period and the coarser periods containing it, never finer ones', () => {
    expect(manualContributionsOf(occupancy, entry, SH).map((c) => c.grain)).toEqual(['month', 'quarter', 'year']);
    expect(manualContributionsOf(occupancy, { ...entry, indicator: 'other' }, SH)).toEqual([]);
  });

  it('leaves a ratio with a manual denominator undefined at grains finer than the entry', () => {
    const discharges = [event('discharge', '2026-11-10T02:00:00Z', { losDays: 30 })];
    expect(valueAt(occupancy, discharges, 'month', '2026-11-10T02:00:00Z', [entry])).toBe(10);
    expect(valueAt(occupancy, discharges, 'day', '2026-11-10T02:00:00Z', [entry])).toBeNull();
  });

  it('feeds a manual indicator by its rollup: sum, avg or none', () => {
    const entries = [entry, { ...entry, value: 100 }];
    const cases = [['sum', 400], ['avg', 200], ['none', null]] as const;
    for (const [rollup, expected] of cases) {
      const manual = def('open_bed_days', { kind: 'manual', rollup });
      expect(valueAt(manual, [], 'quarter', '2026-11-15T00:00:00Z', entries)).toBe(expected);
      expect(valueAt(manual, [], 'month', '2026-11-15T00:00:00Z', [entry])).toBe(300);
    }
  });
});

describe('valueOf', () => {
  it('is null for an empty average, an empty percentile and a zero denominator', () => {
    for (const d of [avgAmount, p90, onlineShare]) expect(valueOf(d, EMPTY_ACCUMULATOR)).toBeNull();
    expect(valueOf(patients, EMPTY_ACCUMULATOR)).toBe(0);
  });
});

describe('parseAccumulator', () => {
  it('round-trips through numeric columns and JSON, and refuses malformed state', () => {
    const state = rebuild(p90, [event('visit', '2026-11-22T00:00:00Z', { amount: 5 }, 'p1')]);
    const acc = [...state.values()][0] ?? EMPTY_ACCUMULATOR;
    const stored = { ...acc, count: String(acc.count), sketch: JSON.parse(JSON.stringify(acc.sketch)) as unknown };
    expect(parseAccumulator(stored)).toEqual(acc);
    expect(parseAccumulator({ ...acc, sum: 1.5 })).toBeNull();
    expect(parseAccumulator({ ...acc, distinct: ['b', 'a'] })).toBeNull();
    expect(parseAccumulator({ ...acc, sketch: { zeros: 'x' } })).toBeNull();
  });
});

const START = new Date('2026-10-20T00:00:00Z').getTime();
const eventArb: fc.Arbitrary<IndicatorEvent & { occurredAt: Date; unit: 'a' | 'b' }> = fc
  .record({
    offset: fc.integer({ min: 0, max: 60 * 86_400 }),
    startDelay: fc.integer({ min: -3600, max: 86_400 }),
    channel: fc.constantFrom('online', 'offline'),
    amount: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 1000, noNaN: true })),
    patient: fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5'),
    unit: fc.constantFrom('a' as const, 'b' as const),
  })
  .map(({ offset, startDelay, channel, amount, patient, unit }) => ({
    type: 'visit',
    occurredAt: new Date(START + offset * 1000),
    patient,
    unit,
    attributes: { channel, amount, startedAt: new Date(START + (offset + startDelay) * 1000).toISOString() },
  }));

function foldAll(definitionIndex: number, batches: readonly (readonly IndicatorEvent[])[]): ReadonlyMap<string, Accumulator> {
  const definition = DEFINITIONS[definitionIndex] ?? onlineShare;
  let state: ReadonlyMap<string, Accumulator> = new Map();
  for (const batch of batches) {
    const contributions = batch.flatMap((e) => contributionsOf(definition, e, SH));
    state = foldContributions(state, contributions);
  }
  return state;
}

describe('incremental roll-up', () => {
  it('equals a rebuild from scratch for any order, lateness and batch split', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 40 }),
        fc.integer({ min: 0, max: DEFINITIONS.length - 1 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 5 }),
        fc.func(fc.integer()),
        (events, index, cuts, rank) => {
          const chronological = [...events].sort((x, y) => x.occurredAt.getTime() - y.occurredAt.getTime());
          const shuffled = [...events].sort((x, y) => rank(x.attributes) - rank(y.attributes));
          const bounds = [0, ...[...cuts].sort((x, y) => x - y), shuffled.length];
          const batches = bounds.slice(1).map((end, i) => shuffled.slice(bounds[i], end));
          expect(foldAll(index, batches)).toEqual(foldAll(index, [chronological]));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('updates the past bucket a late event belongs to, leaving the current one alone', () => {
    const november = contributionKey('month', bucketStart(new Date('2026-11-10T00:00:00Z'), 'month', SH));
    const december = contributionKey('month', bucketStart(new Date('2026-12-10T00:00:00Z'), 'month', SH));
    let state = rebuild(onlineShare, [event('visit', '2026-11-10T00:00:00Z', { channel: 'offline' }), event('visit', '2026-12-10T00:00:00Z', { channel: 'online' })]);
    const decemberBefore = state.get(december);
    state = foldContributions(state, contributionsOf(onlineShare, event('visit', '2026-11-11T00:00:00Z', { channel: 'online' }), SH));
    expect(valueOf(onlineShare, state.get(november) ?? EMPTY_ACCUMULATOR)).toBe(50);
    expect(state.get(december)).toBe(decemberBefore);
  });

  it('gives a parent the value of the union of its children’s events, not an average of their values', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), fc.integer({ min: 0, max: DEFINITIONS.length - 1 }), (events, index) => {
        const definition = DEFINITIONS[index] ?? onlineShare;
        const a = foldAll(index, [events.filter((e) => e.unit === 'a')]);
        const b = foldAll(index, [events.filter((e) => e.unit === 'b')]);
        const union = foldAll(index, [events]);
        for (const [key, acc] of union) {
          const merged = mergeAccumulators(a.get(key) ?? EMPTY_ACCUMULATOR, b.get(key) ?? EMPTY_ACCUMULATOR);
          expect(merged).toEqual(acc);
          expect(valueOf(definition, merged)).toBe(valueOf(definition, acc));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('computes a parent ratio as Σnumerator / Σdenominator', () => {
    const a = [event('visit', '2026-11-02T01:00:00Z', { channel: 'online' })];
    const b = ['online', 'offline', 'offline', 'offline'].map((channel) => event('visit', '2026-11-03T01:00:00Z', { channel }));
    const key = contributionKey('month', bucketStart(new Date('2026-11-02T01:00:00Z'), 'month', SH));
    const merged = mergeAccumulators(rebuild(onlineShare, a).get(key) ?? EMPTY_ACCUMULATOR, rebuild(onlineShare, b).get(key) ?? EMPTY_ACCUMULATOR);
    // 2 of 5 visits online: 40 %, whereas the mean of the children's 100 % and 25 % would be 62.5 %.
    expect(valueOf(onlineShare, merged)).toBe(40);
    expect(GRAINS.every((g) => rebuild(onlineShare, [...a, ...b]).has(contributionKey(g, bucketStart(new Date('2026-11-03T01:00:00Z'), g, SH))))).toBe(true);
  });
});

describe('distinct key sets', () => {
  const sortedSet = fc.uniqueArray(fc.string({ maxLength: 4 }), { maxLength: 60 }).map((keys) => [...keys].sort());
  it('finds exactly the incoming keys a stored set lacks, and their union is the union of both', () => {
    fc.assert(
      fc.property(sortedSet, sortedSet, (stored, incoming) => {
        const fresh = keysNotIn(stored, incoming);
        expect(fresh).toEqual(incoming.filter((k) => !stored.includes(k)));
        expect(unionSorted(stored, fresh)).toEqual([...new Set([...stored, ...incoming])].sort());
      }),
      { numRuns: 300 },
    );
  });
});

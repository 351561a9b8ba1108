import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePredicate, eventField, relatedLookups, type Predicate, type RuleEvent } from './predicate.ts';

const rx: RuleEvent = {
  id: 'rx1',
  type: 'prescription',
  orgUnit: 'D1',
  occurredAt: '2026-03-01T08:00:00Z',
  patient: 'p1',
  attributes: { channel: 'online', amount: 120, items: [{ drug: 'a', controlled: false }, { drug: 'b', controlled: true }], nested: { level: 2 } },
};
const NOW = new Date('2026-03-01T09:00:00Z');
const judge = (p: Predicate, e: RuleEvent = rx, related: readonly RuleEvent[] = [], now: Date = NOW) => evaluatePredicate(p, e, related, now);

describe('eventField', () => {
  it.each<[string, unknown]>([
    ['type', 'prescription'],
    ['orgUnit', 'D1'],
    ['channel', 'online'],
    ['attributes.channel', 'online'],
    ['nested.level', 2],
    ['nested.missing', undefined],
    ['amount.deeper', undefined],
  ])('reads %s', (path, expected) => {
    expect(eventField(rx, path)).toEqual(expected);
  });
});

describe('comparisons', () => {
  it.each<[Predicate, boolean]>([
    [{ field: 'channel', op: '=', value: 'online' }, true],
    [{ field: 'channel', op: '!=', value: 'online' }, false],
    [{ field: 'amount', op: '>', value: 100 }, true],
    [{ field: 'amount', op: '>=', value: 120 }, true],
    [{ field: 'amount', op: '<', value: 120 }, false],
    [{ field: 'amount', op: '<=', value: 120 }, true],
    [{ field: 'amount', op: '>', value: '100' }, false],
    [{ field: 'occurredAt', op: '<', value: '2026-03-02' }, true],
    [{ field: 'channel', op: 'in', value: ['online', 'app'] }, true],
    [{ field: 'channel', op: 'not_in', value: ['online'] }, false],
    [{ field: 'channel', op: 'exists' }, true],
    [{ field: 'reviewedAt', op: 'exists' }, false],
    [{ field: 'reviewedAt', op: 'not_exists' }, true],
    [{ field: 'reviewedAt', op: '=', value: 'x' }, false],
    [{ field: 'reviewedAt', op: '!=', value: true }, true],
    [{ field: 'reviewedAt', op: '>', value: 0 }, false],
    [{ field: 'reviewedAt', op: 'not_in', value: ['x'] }, true],
  ])('%j is %s', (p, expected) => {
    expect(judge(p)).toBe(expected);
  });
});

describe('combinators and item search', () => {
  const T: Predicate = { field: 'channel', op: '=', value: 'online' };
  const F: Predicate = { field: 'channel', op: '=', value: 'offline' };
  const P: Predicate = { missingWithin: { field: 'reviewedAt', minutes: 120 } };
  const until = Date.parse('2026-03-01T10:00:00Z');
  it.each<[string, Predicate, unknown]>([
    ['all true', { all: [T, T] }, true],
    ['all with a false', { all: [T, F, P] }, false],
    ['all with a pending', { all: [T, P] }, { pendingUntil: until }],
    ['any with a true', { any: [F, P, T] }, true],
    ['any with a pending', { any: [F, P] }, { pendingUntil: until }],
    ['any false', { any: [F, F] }, false],
    ['not true', { not: T }, false],
    ['not pending', { not: P }, { pendingUntil: until }],
    ['some item controlled', { some: { field: 'items', where: { field: 'controlled', op: '=', value: true } } }, true],
    ['some item named c', { some: { field: 'items', where: { field: 'drug', op: '=', value: 'c' } } }, false],
    ['some over a non-list', { some: { field: 'channel', where: T } }, false],
  ])('%s', (_name, p, expected) => {
    expect(judge(p)).toEqual(expected);
  });

  it('not(not(p)) equals p for any comparison on numbers', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.constantFrom('>', '>=', '<', '<=', '=', '!=' as const), (bound, op) => {
        const p: Predicate = { field: 'amount', op, value: bound };
        expect(judge({ not: { not: p } })).toBe(judge(p));
      }),
    );
  });
});

describe('missingWithin', () => {
  const p: Predicate = { missingWithin: { field: 'reviewedAt', minutes: 30 } };
  const at = (reviewedAt?: string): RuleEvent => ({ ...rx, attributes: { ...rx.attributes, ...(reviewedAt ? { reviewedAt } : {}) } });
  it.each<[string, RuleEvent, string, unknown]>([
    ['pending before the window ends', at(), '2026-03-01T08:10:00Z', { pendingUntil: Date.parse('2026-03-01T08:30:00Z') }],
    ['violated once the window ends without review', at(), '2026-03-01T08:30:00Z', true],
    ['satisfied by a review inside the window', at('2026-03-01T08:29:59Z'), '2026-03-01T08:10:00Z', false],
    ['satisfied by a review exactly at the deadline', at('2026-03-01T08:30:00Z'), '2026-03-01T09:00:00Z', false],
    ['violated by a late review', at('2026-03-01T08:45:00Z'), '2026-03-01T09:00:00Z', true],
    ['false when the start time is unreadable', { ...at(), occurredAt: 'yesterday' }, '2026-03-01T09:00:00Z', false],
  ])('%s', (_name, event, now, expected) => {
    expect(judge(p, event, [], new Date(now))).toEqual(expected);
  });

  it('starts the window at the `from` field when given', () => {
    const e: RuleEvent = { ...rx, attributes: { ...rx.attributes, issuedAt: '2026-03-01T08:50:00Z' } };
    expect(judge({ missingWithin: { field: 'reviewedAt', minutes: 30, from: 'issuedAt' } }, e)).toEqual({ pendingUntil: Date.parse('2026-03-01T09:20:00Z') });
  });
});

describe('relatedExists', () => {
  const visit = (id: string, occurredAt: string, channel: string, patient = 'p1'): RuleEvent => ({ id, type: 'visit', orgUnit: 'D1', occurredAt, patient, attributes: { channel } });
  const offlineBefore: Predicate = { relatedExists: { type: 'visit', beforeMinutes: 60 * 24 * 365, where: { field: 'channel', op: '=', value: 'offline' } } };
  it.each<[string, readonly RuleEvent[], unknown]>([
    ['finds an offline visit of the same patient in the window', [visit('v1', '2025-12-01T08:00:00Z', 'offline')], true],
    ['ignores another patient', [visit('v1', '2025-12-01T08:00:00Z', 'offline', 'p2')], false],
    ['ignores a visit that fails where', [visit('v1', '2025-12-01T08:00:00Z', 'online')], false],
    ['ignores a visit older than the window', [visit('v1', '2024-12-01T08:00:00Z', 'offline')], false],
    ['ignores a visit after the event', [visit('v1', '2026-03-01T08:30:00Z', 'offline')], false],
    ['finds nothing in no events', [], false],
  ])('%s', (_name, related, expected) => {
    expect(judge(offlineBefore, rx, related)).toBe(expected);
  });

  it('is pending while a following window is still open and nothing was found', () => {
    const p: Predicate = { relatedExists: { type: 'visit', afterMinutes: 120 } };
    expect(judge(p)).toEqual({ pendingUntil: Date.parse('2026-03-01T10:00:00Z') });
    expect(judge(p, rx, [visit('v2', '2026-03-01T08:20:00Z', 'offline')])).toBe(true);
  });

  it('is false for an event without the join field', () => {
    expect(judge(offlineBefore, { ...rx, patient: null }, [visit('v1', '2025-12-01T08:00:00Z', 'offline')])).toBe(false);
  });

  it('lists the lookups a predicate needs', () => {
    expect(relatedLookups({ all: [{ not: offlineBefore }, { field: 'x', op: 'exists' }] })).toHaveLength(1);
  });
});

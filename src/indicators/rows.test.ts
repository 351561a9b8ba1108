import { describe, expect, it } from 'vitest';
import type { Condition, Source } from './definition.ts';
import { bedDays, matches, numericValue, resolvePath, rowsOf, toInstant, type Row } from './rows.ts';
import { event } from './test-support.ts';

const rx = event('prescription', '2026-11-02T01:00:00Z', {
  doctor: { id: 'd1', title: 'chief' },
  reviewedAt: new Date('2026-11-02T02:00:00Z'),
  items: [
    { drug: 'amoxicillin', antibiotic: true, amount: 12.5 },
    { drug: 'ibuprofen', antibiotic: false, amount: 8 },
  ],
}, 'p1');
const row: Row = { event: rx, element: undefined };
const cond = (attribute: string, op: Condition['op'], value: Condition['value'] = null): Condition => ({ subject: { kind: 'attribute', attribute }, op, value });

describe('resolvePath', () => {
  it('reads envelope fields, nested attributes and array elements', () => {
    expect(resolvePath(row, 'patient', null)).toEqual(['p1']);
    expect(resolvePath(row, 'doctor.title', null)).toEqual(['chief']);
    expect(resolvePath(row, 'items[].drug', null)).toEqual(['amoxicillin', 'ibuprofen']);
    expect(resolvePath(row, 'nothing.here', null)).toEqual([]);
  });
});

describe('matches', () => {
  it.each<[string, Condition, boolean]>([
    ['eq on a nested attribute', cond('doctor.title', 'eq', 'chief'), true],
    ['any element satisfying eq', cond('items[].antibiotic', 'eq', true), true],
    ['any element satisfying gt', cond('items[].amount', 'gt', 10), true],
    ['no element satisfying gt', cond('items[].amount', 'gt', 20), false],
    ['in', cond('items[].drug', 'in', ['ibuprofen', 'x']), true],
    ['nin with every element listed', cond('items[].drug', 'nin', ['ibuprofen', 'amoxicillin']), false],
    ['ne on a missing attribute', cond('channel', 'ne', 'online'), false],
    ['nin on a missing attribute', cond('channel', 'nin', ['online']), false],
    ['none_in on a missing attribute', cond('channel', 'none_in', ['online']), true],
    ['none_in with a value listed', cond('doctor.title', 'none_in', ['chief', 'x']), false],
    ['none_in with no value listed', cond('doctor.title', 'none_in', ['resident']), true],
    ['none_in with one element listed', cond('items[].drug', 'none_in', ['ibuprofen']), false],
    ['exists on a Date attribute', cond('reviewedAt', 'exists'), true],
    ['missing on a missing attribute', cond('dispensedAt', 'missing'), true],
    ['a Date compared with an ISO string', cond('reviewedAt', 'lt', '2026-11-02T03:00:00Z'), true],
    ['a string compared with a number', cond('doctor.title', 'gt', 3), false],
    ['a duration within bounds', { subject: { kind: 'duration', from: 'occurredAt', to: 'reviewedAt', unit: 'minutes' }, op: 'lte', value: 60 }, true],
    ['a duration beyond bounds', { subject: { kind: 'duration', from: 'occurredAt', to: 'reviewedAt', unit: 'minutes' }, op: 'lt', value: 60 }, false],
  ])('%s → %s', (_label, condition, expected) => {
    expect(matches(row, condition, null)).toBe(expected);
  });
});

describe('bedDays (出院者占用床日, local dates)', () => {
  const d = (s: string) => new Date(s);
  it.each<[string, string, string, string, number | null]>([
    ['same local day counts 1', '2026-11-04T00:00:00Z', '2026-11-04T09:00:00Z', 'Asia/Shanghai', 1],
    ['crossing local midnight counts 1', '2026-11-04T15:00:00Z', '2026-11-04T17:00:00Z', 'Asia/Shanghai', 1],
    ['the same instants in UTC are the same day', '2026-11-04T15:00:00Z', '2026-11-04T17:00:00Z', 'UTC', 1],
    ['local dates, not UTC dates', '2026-11-04T22:00:00Z', '2026-11-08T02:00:00Z', 'Asia/Shanghai', 3],
    ['UTC dates of the same stay', '2026-11-04T22:00:00Z', '2026-11-08T02:00:00Z', 'UTC', 4],
    ['across a DST change', '2026-03-07T12:00:00Z', '2026-03-10T12:00:00Z', 'America/New_York', 3],
    ['discharge before admission', '2026-11-05T00:00:00Z', '2026-11-04T00:00:00Z', 'Asia/Shanghai', null],
  ])('%s', (_label, from, to, zone, expected) => {
    expect(bedDays(d(from), d(to), zone)).toBe(expected);
  });

  it('is the duration unit bed_days, in the zone passed', () => {
    const stay = event('discharge', '2026-11-08T02:00:00Z', { admittedAt: '2026-11-04T22:00:00Z', dischargedAt: '2026-11-08T02:00:00Z' });
    const expr = { kind: 'duration', from: 'admittedAt', to: 'dischargedAt', unit: 'bed_days' } as const;
    expect(numericValue({ event: stay, element: undefined }, expr, null, 'Asia/Shanghai')).toBe(3);
    expect(numericValue({ event: stay, element: undefined }, expr, null, 'UTC')).toBe(4);
  });
});

describe('rowsOf', () => {
  const source = (over: Partial<Source>): Source => ({ eventTypes: ['prescription'], filter: [], timeAttribute: 'occurredAt', forEach: null, ...over });

  it('makes one row per element with forEach, binding items[] to the element', () => {
    const rows = rowsOf(source({ forEach: 'items', filter: [cond('items[].antibiotic', 'eq', false)] }), rx);
    expect(rows).toHaveLength(1);
    expect(numericValue(rows[0]?.row ?? row, { kind: 'attribute', attribute: 'items[].amount' }, 'items')).toBe(8);
  });

  it('places a row by its time attribute and drops it when that is missing', () => {
    expect(rowsOf(source({ timeAttribute: 'reviewedAt' }), rx)[0]?.at.toISOString()).toBe('2026-11-02T02:00:00.000Z');
    expect(rowsOf(source({ timeAttribute: 'dispensedAt' }), rx)).toEqual([]);
    expect(rowsOf(source({ eventTypes: ['visit'] }), rx)).toEqual([]);
  });

  it('gives no single numeric value for a path reaching several values', () => {
    expect(numericValue(row, { kind: 'attribute', attribute: 'items[].amount' }, null)).toBeNull();
  });
});

describe('canonical events', () => {
  it('accept occurredAt as the UTC string ingest stores', () => {
    const stored = { ...rx, occurredAt: '2026-11-02T01:00:00.000Z' };
    const rows = rowsOf({ eventTypes: ['prescription'], filter: [], timeAttribute: 'occurredAt', forEach: null }, stored);
    expect(rows[0]?.at.toISOString()).toBe('2026-11-02T01:00:00.000Z');
  });
});

describe('toInstant', () => {
  it.each([
    [new Date('2026-01-01T00:00:00Z'), '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T08:00:00+08:00', '2026-01-01T00:00:00.000Z'],
    ['yesterday', null],
    [1767225600000, null],
  ])('reads %j as %j', (value, expected) => {
    expect(toInstant(value)?.toISOString() ?? null).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import type { Condition, Source } from './definition.ts';
import { matches, numericValue, resolvePath, rowsOf, toInstant, type Row } from './rows.ts';
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

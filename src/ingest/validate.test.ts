import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentHash } from './content-hash.ts';
import { compileCustomSchema } from './custom-schema.ts';
import { createPseudonymiser, PSEUDONYM_PATTERN } from './pseudonymise.ts';
import { createEventRegistry } from './registry.ts';
import { DEFAULT_EVENT_TIME_LIMITS, eventTimeWindow } from './date-time.ts';
import { validateEvent } from './validate.ts';

const pseudonymise = createPseudonymiser(new TextEncoder().encode('test-key-0123456789abcdef'));
const registry = createEventRegistry();
const base = { id: 'c-1', type: 'charge', orgUnit: 'H1.OPD', occurredAt: '2026-01-05T08:30:00+08:00', patient: 'MRN-0042' };
const charge = { amount: 12.5, category: 'drug' };

describe('validateEvent', () => {
  it('accepts a charge, normalises occurredAt to UTC and pseudonymises the patient', () => {
    const result = validateEvent({ ...base, attributes: charge }, registry, { pseudonymise });
    expect(result).toEqual({
      ok: true,
      event: {
        id: 'c-1',
        type: 'charge',
        schemaVersion: 1,
        orgUnit: 'H1.OPD',
        occurredAt: '2026-01-05T00:30:00.000Z',
        patient: pseudonymise('MRN-0042'),
        attributes: charge,
      },
    });
    expect(JSON.stringify(result)).not.toContain('MRN-0042');
  });

  it.each([
    ['a non-object record', 42, 'INGEST_NOT_AN_OBJECT', ''],
    ['an unknown type', { ...base, type: 'teleport' }, 'INGEST_UNKNOWN_TYPE', '/type'],
    ['a missing orgUnit', { ...base, orgUnit: undefined, attributes: charge }, 'INGEST_MISSING_FIELD', '/orgUnit'],
    ['an unknown top-level field', { ...base, extra: 1, attributes: charge }, 'INGEST_UNKNOWN_FIELD', '/extra'],
    ['occurredAt without offset', { ...base, occurredAt: '2026-01-05T08:30:00', attributes: charge }, 'INGEST_INVALID_DATE', '/occurredAt'],
    ['an impossible date', { ...base, occurredAt: '2026-02-30T08:30:00Z', attributes: charge }, 'INGEST_INVALID_DATE', '/occurredAt'],
    ['an id longer than 128', { ...base, id: 'x'.repeat(129), attributes: charge }, 'INGEST_TOO_LONG', '/id'],
    ['a missing amount', { ...base, attributes: { category: 'drug' } }, 'INGEST_MISSING_FIELD', '/attributes/amount'],
    ['a negative amount', { ...base, attributes: { ...charge, amount: -1 } }, 'INGEST_OUT_OF_RANGE', '/attributes/amount'],
    ['an amount above 1e9', { ...base, attributes: { ...charge, amount: 2e9 } }, 'INGEST_OUT_OF_RANGE', '/attributes/amount'],
    ['an amount sent as text', { ...base, attributes: { ...charge, amount: '12' } }, 'INGEST_INVALID_TYPE', '/attributes/amount'],
    ['a category outside the enum', { ...base, attributes: { ...charge, category: 'food' } }, 'INGEST_INVALID_ENUM', '/attributes/category'],
    ['an unknown attribute', { ...base, attributes: { ...charge, amont: 1 } }, 'INGEST_UNKNOWN_FIELD', '/attributes/amont'],
    [
      'a negative item amount',
      { ...base, type: 'prescription', attributes: { rxId: 'r1', items: [{ drug: 'amoxicillin', amount: -3 }] } },
      'INGEST_OUT_OF_RANGE',
      '/attributes/items/0/amount',
    ],
    [
      'more than 200 items',
      { ...base, type: 'prescription', attributes: { rxId: 'r1', items: Array.from({ length: 201 }, () => ({ drug: 'x' })) } },
      'INGEST_TOO_MANY_ITEMS',
      '/attributes/items',
    ],
    [
      'a 1-5 survey score of 7',
      { ...base, type: 'survey', attributes: { score: 7, scale: '1-5', scope: 'online' } },
      'INGEST_OUT_OF_RANGE',
      '/attributes/score',
    ],
    ['an invalid org-unit code', { ...base, orgUnit: 'H1 OPD', attributes: charge }, 'INGEST_INVALID_VALUE', '/orgUnit'],
  ])('rejects %s', (_name, raw, code, path) => {
    const result = validateEvent(raw, registry, { pseudonymise });
    expect(result).toMatchObject({ ok: false, code, path });
  });

  it('names the allowed values when an enum is wrong', () => {
    const result = validateEvent({ ...base, attributes: { ...charge, category: 'food' } }, registry, { pseudonymise });
    expect(result.ok ? '' : result.message).toBe('expected one of: drug, consumable, exam, lab, service, other');
  });

  it('rejects a canonical type the source may not send', () => {
    const narrow = createEventRegistry({ allowedTypes: ['visit'] });
    expect(validateEvent({ ...base, attributes: charge }, narrow, { pseudonymise })).toMatchObject({ code: 'INGEST_TYPE_NOT_ALLOWED' });
  });

  it('validates a declared custom type and pseudonymises its patient-identifying field', () => {
    const compiled = compileCustomSchema({
      name: 'bed_transfer',
      schema: {
        type: 'object',
        required: ['ward'],
        properties: {
          ward: { type: 'string', maxLength: 32 },
          guardianId: { type: 'string', 'x-patient-identifying': true },
          movedAt: { type: 'string', format: 'date-time' },
        },
      },
    });
    if (!compiled.ok) throw new Error('schema should compile');
    const custom = createEventRegistry({ custom: [compiled.definition] });
    const raw = { ...base, type: 'bed_transfer', attributes: { ward: 'W3', guardianId: 'ID-9', movedAt: '2026-01-05T09:00:00+08:00' } };
    const result = validateEvent(raw, custom, { pseudonymise });
    expect(result).toMatchObject({ ok: true, event: { attributes: { ward: 'W3', guardianId: pseudonymise('ID-9'), movedAt: '2026-01-05T01:00:00.000Z' } } });
    expect(validateEvent({ ...raw, attributes: {} }, custom, { pseudonymise })).toMatchObject({ code: 'INGEST_MISSING_FIELD', path: '/attributes/ward' });
    expect(validateEvent(raw, registry, { pseudonymise })).toMatchObject({ code: 'INGEST_UNKNOWN_TYPE' });
  });

  it('gives the same content hash to one instant written with different offsets', () => {
    const a = validateEvent({ ...base, attributes: charge }, registry, { pseudonymise });
    const b = validateEvent({ ...base, occurredAt: '2026-01-05T00:30:00Z', attributes: { category: 'drug', amount: 12.5 } }, registry, { pseudonymise });
    const c = validateEvent({ ...base, attributes: { ...charge, amount: 13 } }, registry, { pseudonymise });
    if (!a.ok || !b.ok || !c.ok) throw new Error('all three should validate');
    expect(contentHash(a.event)).toBe(contentHash(b.event));
    expect(contentHash(a.event)).not.toBe(contentHash(c.event));
  });

  it('never throws and never returns a raw patient identifier, whatever the input', () => {
    fc.assert(
      fc.property(fc.anything(), fc.string({ minLength: 3 }), (attributes, patient) => {
        const result = validateEvent({ ...base, patient: `RAW:${patient}`, attributes }, registry, { pseudonymise });
        if (result.ok) {
          expect(result.event.patient).toMatch(PSEUDONYM_PATTERN);
          expect(JSON.stringify(result.event)).not.toContain(`RAW:${patient}`);
        } else {
          expect(result.code).toMatch(/^INGEST_/);
        }
      }),
    );
  });
});

describe('plausible event times', () => {
  const now = new Date('2026-01-05T08:00:00Z');
  const timeWindow = eventTimeWindow(DEFAULT_EVENT_TIME_LIMITS, now);
  const at = (occurredAt: string, attributes: Record<string, unknown> = charge, type = 'charge') =>
    validateEvent({ ...base, type, occurredAt, attributes }, registry, { pseudonymise, timeWindow });

  it.each([
    ['1800-01-01', '1800-01-01T00:00:00Z'],
    ['9999-12-31', '9999-12-31T23:59:59Z'],
    ['just before 1990', '1989-12-31T23:59:59+00:00'],
    ['more than a day ahead', '2026-01-06T08:00:01Z'],
  ])('rejects occurredAt %s', (_name, occurredAt) => {
    expect(at(occurredAt)).toMatchObject({ ok: false, code: 'INGEST_TIME_OUT_OF_RANGE', path: '/occurredAt' });
  });

  it.each([['1990-01-01 itself', '1990-01-01T08:00:00+08:00'], ['now', '2026-01-05T08:00:00Z'], ['a day ahead', '2026-01-06T16:00:00+08:00']])('accepts %s', (_name, occurredAt) => {
    expect(at(occurredAt).ok).toBe(true);
  });

  it('checks attribute date-times too, allowing a booked slot up to a year ahead', () => {
    const appointment = (slotAt: string) => at('2026-01-05T08:00:00Z', { appointmentId: 'a1', slotAt }, 'appointment');
    expect(appointment('2026-06-30T09:00:00+08:00').ok).toBe(true);
    expect(appointment('9999-12-31T00:00:00Z')).toMatchObject({ ok: false, code: 'INGEST_TIME_OUT_OF_RANGE', path: '/attributes/slotAt' });
    expect(appointment('1800-01-01T00:00:00Z')).toMatchObject({ ok: false, code: 'INGEST_TIME_OUT_OF_RANGE', path: '/attributes/slotAt' });
  });

  it('takes its bounds from the limits', () => {
    const narrow = eventTimeWindow({ earliest: new Date('2020-01-01T00:00:00Z'), aheadMs: 0 }, now);
    expect(validateEvent({ ...base, occurredAt: '2019-12-31T00:00:00Z', attributes: charge }, registry, { pseudonymise, timeWindow: narrow })).toMatchObject({ code: 'INGEST_TIME_OUT_OF_RANGE' });
    expect(validateEvent({ ...base, occurredAt: '2026-01-05T08:00:01Z', attributes: charge }, registry, { pseudonymise, timeWindow: narrow })).toMatchObject({ code: 'INGEST_TIME_OUT_OF_RANGE' });
  });
});

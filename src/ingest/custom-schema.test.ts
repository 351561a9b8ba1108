import { describe, expect, it } from 'vitest';
import { compileCustomSchema } from './custom-schema.ts';

describe('compileCustomSchema', () => {
  it('compiles an object of typed fields into a closed schema', () => {
    const result = compileCustomSchema({
      name: 'pharmacy_stock',
      version: 2,
      schema: {
        type: 'object',
        required: ['drug'],
        properties: {
          drug: { type: 'string', description: '药品' },
          boxes: { type: 'integer', minimum: 0, maximum: 10000 },
          kind: { type: 'string', enum: ['western', 'tcm'] },
          tags: { type: 'array', items: { type: 'string', maxLength: 16 }, maxItems: 10 },
          cold: { type: 'boolean' },
        },
      },
    });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.definition.name).toBe('pharmacy_stock');
      expect(result.definition.version).toBe(2);
      expect(result.definition.attributes['additionalProperties']).toBe(false);
      expect(result.definition.attributes.required).toEqual(['drug']);
    }
  });

  it.each([
    ['a canonical name', { name: 'charge', schema: { type: 'object', properties: { a: { type: 'string' } } } }, '/name'],
    ['a bad name', { name: 'Bad Name', schema: { type: 'object', properties: { a: { type: 'string' } } } }, '/name'],
    ['a non-object schema', { name: 'x', schema: { type: 'array' } }, '/schema'],
    ['a pattern keyword', { name: 'x', schema: { type: 'object', properties: { a: { type: 'string', pattern: '(a+)+' } } } }, '/schema/properties/a/pattern'],
    ['a nested object', { name: 'x', schema: { type: 'object', properties: { a: { type: 'object' } } } }, '/schema/properties/a/type'],
    ['a string longer than 256', { name: 'x', schema: { type: 'object', properties: { a: { type: 'string', maxLength: 10000 } } } }, '/schema/properties/a'],
    ['an unknown format', { name: 'x', schema: { type: 'object', properties: { a: { type: 'string', format: 'email' } } } }, '/schema/properties/a/format'],
    ['an array over 200 items', { name: 'x', schema: { type: 'object', properties: { a: { type: 'array', items: { type: 'number' }, maxItems: 500 } } } }, '/schema/properties/a/maxItems'],
    ['required naming an undeclared field', { name: 'x', schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['b'] } }, '/schema/required'],
  ])('rejects %s with a path to the problem', (_name, json, path) => {
    const result = compileCustomSchema(json);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => e.path)).toContain(path);
      expect(result.errors.every((e) => e.code === 'INGEST_INVALID_SCHEMA')).toBe(true);
    }
  });
});

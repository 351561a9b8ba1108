import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentHash } from './content-hash.ts';
import { normaliseDateTime, parseOffsetDateTime } from './date-time.ts';
import { createPseudonymiser, pseudonymise, PSEUDONYM_PATTERN } from './pseudonymise.ts';
import { stableStringify } from './stable-json.ts';

const key = new TextEncoder().encode('0123456789abcdef0123456789abcdef');

describe('pseudonymise', () => {
  it('is deterministic per key, shaped p_ + 22 base64url characters, and differs across keys', () => {
    const other = new TextEncoder().encode('fedcba9876543210fedcba9876543210');
    expect(pseudonymise(key, 'MRN-1')).toBe(pseudonymise(key, 'MRN-1'));
    expect(pseudonymise(key, 'MRN-1')).toMatch(PSEUDONYM_PATTERN);
    expect(pseudonymise(key, 'MRN-1')).not.toBe(pseudonymise(other, 'MRN-1'));
    expect(pseudonymise(key, ' MRN-1 ')).toBe(pseudonymise(key, 'MRN-1'));
  });

  it('refuses keys shorter than 16 bytes', () => {
    expect(() => createPseudonymiser(new Uint8Array(8))).toThrow(RangeError);
  });

  it('maps distinct identifiers to distinct pseudonyms', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        fc.pre(a.trim() !== b.trim());
        expect(pseudonymise(key, a)).not.toBe(pseudonymise(key, b));
      }),
    );
  });
});

describe('stable JSON and content hash', () => {
  it('ignores key order at every level', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(stableStringify(reversed)).toBe(stableStringify(obj));
        expect(contentHash(reversed)).toBe(contentHash(obj));
      }),
    );
    expect(stableStringify({ b: [{ d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
  });
});

describe('date-times with offset', () => {
  it.each([
    ['2026-01-05T08:30:00+08:00', '2026-01-05T00:30:00.000Z'],
    ['2026-01-05T08:30+08:00', '2026-01-05T00:30:00.000Z'],
    ['1989-10-04T02:25:16-04:00', '1989-10-04T06:25:16.000Z'],
    ['2024-02-29T23:59:59.1234Z', '2024-02-29T23:59:59.123Z'],
  ])('normalises %s to %s', (input, expected) => {
    expect(normaliseDateTime(input)).toBe(expected);
  });

  it.each(['2026-01-05T08:30:00', '2026-01-05', '2025-02-29T00:00:00Z', '2026-01-05T24:00:00Z', '2026-13-01T00:00:00Z', '0999-01-01T00:00:00Z', 'yesterday'])(
    'rejects %s',
    (input) => {
      expect(parseOffsetDateTime(input)).toBeUndefined();
    },
  );

  it('agrees with Date.parse on every valid instant it accepts', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), (d) => {
        expect(parseOffsetDateTime(d.toISOString())).toBe(d.getTime());
      }),
    );
  });
});

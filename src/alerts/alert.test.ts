import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertFingerprint, alertIdentity, alertKey, type AlertIdentity } from './alert.ts';

const id: AlertIdentity = { ruleCode: 'wait_high', orgUnit: 'D1', seriesKey: 'all', periodKey: '2026-03' };

describe('alert identity', () => {
  it('has a stable fingerprint', () => {
    expect(alertFingerprint(id)).toBe(alertFingerprint({ ...id }));
    expect(alertFingerprint(id)).toMatch(/^a[0-9a-f]{16}$/);
  });

  it.each<[string, Partial<AlertIdentity>]>([
    ['rule', { ruleCode: 'wait_low' }],
    ['org unit', { orgUnit: 'D2' }],
    ['series key', { seriesKey: 'doctor:1' }],
    ['period', { periodKey: '2026-04' }],
  ])('changes with the %s', (_name, patch) => {
    expect(alertFingerprint({ ...id, ...patch })).not.toBe(alertFingerprint(id));
  });

  it('does not confuse fields that share a separator', () => {
    const a = { ruleCode: 'a|b', orgUnit: 'c', seriesKey: 's', periodKey: 'p' };
    const b = { ruleCode: 'a', orgUnit: 'b|c', seriesKey: 's', periodKey: 'p' };
    expect(alertKey(a)).not.toBe(alertKey(b));
    expect(alertFingerprint(a)).not.toBe(alertFingerprint(b));
  });

  it('takes its identity from an outcome', () => {
    expect(alertIdentity({ ruleCode: 'r', orgUnit: 'o', seriesKey: 's', periodKey: 'p' })).toEqual({ ruleCode: 'r', orgUnit: 'o', seriesKey: 's', periodKey: 'p' });
  });

  it('equals 64-bit FNV-1a over the key’s UTF-16 code units', () => {
    const reference = (text: string): string => {
      let hash = 0xcbf29ce484222325n;
      for (let i = 0; i < text.length; i++) hash = ((hash ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n) & 0xffffffffffffffffn;
      return `a${hash.toString(16).padStart(16, '0')}`;
    };
    fc.assert(
      fc.property(fc.string(), fc.string({ unit: 'binary' }), (a, b) => {
        const x = { ruleCode: a, orgUnit: b, seriesKey: '患者', periodKey: '2026' };
        expect(alertFingerprint(x)).toBe(reference(alertKey(x)));
      }),
    );
  });

  it('gives distinct keys to distinct identities', () => {
    const text = fc.string({ maxLength: 6 });
    fc.assert(
      fc.property(fc.tuple(text, text, text, text), fc.tuple(text, text, text, text), ([a, b, c, d], [e, f, g, h]) => {
        const x = { ruleCode: a, orgUnit: b, seriesKey: c, periodKey: d };
        const y = { ruleCode: e, orgUnit: f, seriesKey: g, periodKey: h };
        expect(alertKey(x) === alertKey(y)).toBe(a === e && b === f && c === g && d === h);
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { parseRuleDefinition, RULE_KINDS } from './definition.ts';
import { COMMON_FIELDS } from './rule-fixtures.ts';

const SERIES = { indicator: 'avg_wait_after_appointment', grain: 'day' };
const VALID: Readonly<Record<string, Record<string, unknown>>> = {
  threshold: { kind: 'threshold', ...SERIES, op: '>', bound: 30 },
  target_deviation: { kind: 'target_deviation', ...SERIES, measure: 'rate', direction: 'below', bound: 0.1 },
  change: { kind: 'change', ...SERIES, compareTo: 'year_ago', measure: 'rate', direction: 'rise', bound: 0.2 },
  consecutive: { kind: 'consecutive', ...SERIES, op: '>', bound: 30, periods: 3 },
  window: { kind: 'window', ...SERIES, aggregate: 'avg', periods: 3, op: '>=', bound: 0.2, absolute: true },
  anomaly: { kind: 'anomaly', ...SERIES, minScore: 0.8, direction: 'either' },
  compliance: { kind: 'compliance', eventTypes: ['prescription'], match: { field: 'channel', op: '=', value: 'online' }, violation: { missingWithin: { field: 'reviewedAt', minutes: 30 } } },
  source_quality: { kind: 'source_quality', metric: 'success_rate', op: '<', bound: 0.95 },
};

function rule(kind: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...COMMON_FIELDS, code: `r_${kind}`, ...VALID[kind], ...overrides };
}

describe('parseRuleDefinition', () => {
  it.each(RULE_KINDS.map((k) => [k]))('accepts a complete %s rule', (kind) => {
    const r = parseRuleDefinition(rule(kind));
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (r.ok) expect(r.rule.kind).toBe(kind);
  });

  it('fills enabled, evaluateOpenPeriod and labels when omitted', () => {
    const partial = Object.fromEntries(Object.entries(rule('threshold')).filter(([k]) => !['enabled', 'evaluateOpenPeriod', 'labels'].includes(k)));
    const r = parseRuleDefinition(partial);
    expect(r.ok && { enabled: r.rule.enabled, open: r.rule.evaluateOpenPeriod, labels: r.rule.labels }).toEqual({ enabled: true, open: false, labels: {} });
  });

  it.each<[string, unknown, string]>([
    ['a non-object', 'threshold', ''],
    ['an unknown kind', { ...rule('threshold'), kind: 'magic' }, '/kind'],
    ['a missing kind', { code: 'x_1' }, '/kind'],
    ['severity 0', rule('threshold', { severity: 0 }), '/severity'],
    ['severity 5', rule('threshold', { severity: 5 }), '/severity'],
    ['severity 2.5', rule('threshold', { severity: 2.5 }), '/severity'],
    ['an upper-case code', rule('threshold', { code: 'Wait' }), '/code'],
    ['version 0', rule('threshold', { version: 0 }), '/version'],
    ['an empty Chinese name', rule('threshold', { nameZh: '' }), '/nameZh'],
    ['no missing-data policy', rule('threshold', { missingData: undefined }), '/missingData'],
    ['an unknown missing-data policy', rule('threshold', { missingData: 'ignore' }), '/missingData'],
    ['a scope without org unit', rule('threshold', { scope: { includeDescendants: true } }), '/scope/orgUnit'],
    ['an unknown grain', rule('threshold', { grain: 'fortnight' }), '/grain'],
    ['an unknown operator', rule('threshold', { op: '=>' }), '/op'],
    ['a string bound', rule('threshold', { bound: '30' }), '/bound'],
    ['an unknown property', rule('threshold', { threshold: 30 }), '/threshold'],
    ['forPeriods 0', rule('threshold', { forPeriods: 0 }), '/forPeriods'],
    ['negative forMinutes', rule('threshold', { forMinutes: -1 }), '/forMinutes'],
    ['a negative deviation bound', rule('target_deviation', { bound: -0.1 }), '/bound'],
    ['an unknown comparison base', rule('change', { compareTo: 'last_week' }), '/compareTo'],
    ['a one-period run', rule('consecutive', { periods: 1 }), '/periods'],
    ['an unknown aggregate', rule('window', { aggregate: 'median' }), '/aggregate'],
    ['a score above 1', rule('anomaly', { minScore: 1.5 }), '/minScore'],
    ['no event types', rule('compliance', { eventTypes: [] }), '/eventTypes'],
    ['a malformed predicate', rule('compliance', { violation: { field: 'x', op: 'like', value: 'a' } }), '/violation'],
    ['an empty all', rule('compliance', { violation: { all: [] } }), '/violation'],
    ['a list for =', rule('compliance', { violation: { field: 'x', op: '=', value: ['a'] } }), '/violation/value'],
    ['a scalar for in', rule('compliance', { violation: { all: [{ field: 'x', op: 'in', value: 'a' }] } }), '/violation/all/0/value'],
    ['a value for exists', rule('compliance', { match: { not: { field: 'x', op: 'exists', value: 1 } } }), '/match/not/value'],
    ['no value for <', rule('compliance', { violation: { some: { field: 'items', where: { field: 'x', op: '<' } } } }), '/violation/some/where/value'],
    ['a zero-minute window', rule('compliance', { violation: { missingWithin: { field: 'reviewedAt', minutes: 0 } } }), '/violation'],
    ['an unknown quality metric', rule('source_quality', { metric: 'latency' }), '/metric'],
    ['an unknown placeholder', rule('threshold', { messageEn: 'value {{valeu}}' }), '/messageEn'],
    ['a recovery bound above a > bound', rule('threshold', { hysteresis: { recoveryBound: 35 } }), '/hysteresis/recoveryBound'],
    ['a recovery bound below a < bound', rule('source_quality', { hysteresis: { recoveryBound: 0.9 } }), '/hysteresis/recoveryBound'],
    ['a recovery bound with ==', rule('threshold', { op: '==', hysteresis: { recoveryBound: 30 } }), '/hysteresis/recoveryBound'],
    ['a recovery bound beyond a deviation bound', rule('target_deviation', { hysteresis: { recoveryBound: 0.2 } }), '/hysteresis/recoveryBound'],
    ['a recovery score above minScore', rule('anomaly', { hysteresis: { recoveryBound: 0.9 } }), '/hysteresis/recoveryBound'],
    ['a recovery bound on a compliance rule', rule('compliance', { hysteresis: { recoveryBound: 1 } }), '/hysteresis/recoveryBound'],
  ])('rejects %s with an error at its path', (_name, json, path) => {
    const r = parseRuleDefinition(json);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path)).toContain(path);
  });

  it('accepts a recovery bound on the ok side of the breach bound', () => {
    expect(parseRuleDefinition(rule('threshold', { hysteresis: { recoveryBound: 25, keepFiringMinutes: 10 } })).ok).toBe(true);
    expect(parseRuleDefinition(rule('source_quality', { hysteresis: { recoveryBound: 0.97 } })).ok).toBe(true);
  });

  it('reports each failing path once', () => {
    const r = parseRuleDefinition(rule('threshold', { severity: 9, bound: 'x' }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(new Set(r.errors.map((e) => e.path)).size).toBe(r.errors.length);
  });
});

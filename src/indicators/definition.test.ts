import { describe, expect, it } from 'vitest';
import { IndicatorDefinitionSchema } from './definition-schema.ts';
import { manualInputsOf, parseIndicatorDefinition } from './definition.ts';

const header = {
  code: 'test_indicator',
  version: 1,
  nameZh: '测试',
  nameEn: 'Test',
  unit: '%',
  direction: 'higher_better',
  category: 'access',
  description: '',
  formula: 'a / b',
};

const withMeasure = (measure: unknown, extra: Record<string, unknown> = {}): unknown => ({ ...header, ...extra, measure });

const ratio = (numerator: unknown, denominator: unknown = { aggregate: 'count', eventTypes: ['visit'] }): unknown =>
  withMeasure({ kind: 'ratio', numerator, denominator, factor: 100 });

function errorsOf(json: unknown): readonly { path: string; message: string }[] {
  const result = parseIndicatorDefinition(json);
  return result.ok ? [] : result.errors;
}

describe('parseIndicatorDefinition', () => {
  it('applies defaults: occurredAt as time attribute, empty filter, no forEach, factor 1', () => {
    const result = parseIndicatorDefinition(
      withMeasure({ kind: 'ratio', numerator: { aggregate: 'count', eventTypes: ['visit'] }, denominator: { manualIndicator: 'beds' } }),
    );
    expect(result).toEqual({
      ok: true,
      definition: {
        ...header,
        measure: {
          kind: 'ratio',
          numerator: { kind: 'events', aggregate: 'count', source: { eventTypes: ['visit'], filter: [], timeAttribute: 'occurredAt', forEach: null }, of: null },
          denominator: { kind: 'manual', indicator: 'beds' },
          factor: 1,
        },
      },
    });
  });

  it('parses every measure kind into its union member', () => {
    const kinds = [
      { kind: 'count', eventTypes: ['visit'] },
      { kind: 'sum', eventTypes: ['charge'], of: { attribute: 'amount' } },
      { kind: 'average', eventTypes: ['visit'], of: { duration: { from: 'slotAt', to: 'startedAt', unit: 'minutes' } } },
      { kind: 'distinct', eventTypes: ['visit'], key: 'patient' },
      { kind: 'percentile', eventTypes: ['consultation'], of: { attribute: 'x' }, quantile: 0.9 },
      { kind: 'manual', rollup: 'avg' },
    ];
    for (const measure of kinds) {
      const result = parseIndicatorDefinition(withMeasure(measure));
      expect(result.ok && result.definition.measure.kind).toBe(measure.kind);
    }
  });

  it.each<[string, unknown, string, RegExp]>([
    ['an unknown filter op', ratio({ aggregate: 'count', eventTypes: ['visit'], filter: [{ attribute: 'channel', op: 'like', value: 'x' }] }), '/measure/numerator/filter/0/op', /one of eq, ne/],
    ['in without a list', ratio({ aggregate: 'count', eventTypes: ['visit'], filter: [{ attribute: 'channel', op: 'in', value: 'x' }] }), '/measure/numerator/filter/0/value', /array/],
    ['exists with a value', ratio({ aggregate: 'count', eventTypes: ['visit'], filter: [{ attribute: 'a', op: 'exists', value: 1 }] }), '/measure/numerator/filter/0/value', /absent/],
    ['eq without a value', ratio({ aggregate: 'count', eventTypes: ['visit'], filter: [{ attribute: 'a', op: 'eq' }] }), '/measure/numerator/filter/0/value', /required/],
    ['gt against a boolean', ratio({ aggregate: 'count', eventTypes: ['visit'], filter: [{ attribute: 'a', op: 'gt', value: true }] }), '/measure/numerator/filter/0/value', /number or string/],
    ['a duration compared with text', ratio({ aggregate: 'count', eventTypes: ['call'], filter: [{ duration: { from: 'a', to: 'b', unit: 'seconds' }, op: 'lte', value: '20' }] }), '/measure/numerator/filter/0/value', /numeric/],
    ['a condition with both attribute and duration', ratio({ aggregate: 'count', eventTypes: ['call'], filter: [{ attribute: 'x', duration: { from: 'a', to: 'b', unit: 'seconds' }, op: 'exists' }] }), '/measure/numerator/filter/0', /exactly one/],
    ['a sum term without of', ratio({ aggregate: 'sum', eventTypes: ['charge'] }), '/measure/numerator/of', /required/],
    ['a count term with of', ratio({ aggregate: 'count', eventTypes: ['charge'], of: { attribute: 'amount' } }), '/measure/numerator/of', /absent/],
    ['a term without aggregate', ratio({ eventTypes: ['charge'] }), '/measure/numerator/aggregate', /required/],
    ['a manual term mixed with event fields', ratio({ manualIndicator: 'beds', eventTypes: ['visit'] }), '/measure/numerator/eventTypes', /absent/],
    ['an unknown duration unit', withMeasure({ kind: 'average', eventTypes: ['visit'], of: { duration: { from: 'a', to: 'b', unit: 'weeks' } } }), '/measure/of/duration/unit', /seconds, minutes/],
    ['a value with neither attribute nor duration', withMeasure({ kind: 'sum', eventTypes: ['charge'], of: {} }), '/measure/of', /exactly one/],
    ['forEach naming an element path', withMeasure({ kind: 'count', eventTypes: ['prescription'], forEach: 'items[]' }), '/measure/forEach', /without/],
    ['a quantile above 1', withMeasure({ kind: 'percentile', eventTypes: ['x_y'], of: { attribute: 'v' }, quantile: 1.5 }), '/measure/quantile', /1/],
    ['no event types', withMeasure({ kind: 'count', eventTypes: [] }), '/measure/eventTypes', /1/],
    ['an unknown measure kind', withMeasure({ kind: 'median' }), '/measure/kind', /one of count, sum/],
    ['an unknown measure field', withMeasure({ kind: 'count', eventTypes: ['visit'], group: 'x' }), '/measure/group', /Unexpected/],
    ['a malformed attribute path', withMeasure({ kind: 'sum', eventTypes: ['charge'], of: { attribute: 'a..b' } }), '/measure/of/attribute', /match/],
    ['an unknown direction', withMeasure({ kind: 'count', eventTypes: ['visit'] }, { direction: 'up' }), '/direction', /higher_better/],
    ['a version below 1', withMeasure({ kind: 'count', eventTypes: ['visit'] }, { version: 0 }), '/version', /1/],
    ['a missing measure', { ...header }, '/measure', /object/],
  ])('refuses %s, pointing at the field', (_label, json, path, message) => {
    const errors = errorsOf(json);
    const hit = errors.find((e) => e.path === path);
    expect(hit, JSON.stringify(errors)).toBeDefined();
    expect(hit?.message).toMatch(message);
  });

  it('reports header and measure problems together', () => {
    const errors = errorsOf(ratio({ aggregate: 'count', eventTypes: ['visit'], filter: [{ attribute: 'a', op: 'in', value: 1 }] }));
    expect(errors.map((e) => e.path)).toEqual(['/measure/numerator/filter/0/value']);
    const both = errorsOf({ ...(ratio({ eventTypes: ['visit'] }) as object), code: 'Bad Code' });
    expect(both.map((e) => e.path)).toEqual(['/code', '/measure/numerator/aggregate']);
  });

  it('refuses a non-object', () => {
    expect(parseIndicatorDefinition(null).ok).toBe(false);
    expect(parseIndicatorDefinition('count').ok).toBe(false);
  });
});

describe('the published JSON schema', () => {
  it('is plain JSON with an id and one member per measure kind', () => {
    const schema = JSON.parse(JSON.stringify(IndicatorDefinitionSchema)) as { $id: string; properties: { measure: { anyOf: unknown[] } } };
    expect(schema.$id).toMatch(/indicator-definition/);
    expect(schema.properties.measure.anyOf).toHaveLength(7);
  });
});

describe('manualInputsOf', () => {
  it('lists manual indicators a definition reads', () => {
    const parsed = parseIndicatorDefinition(
      ratio({ aggregate: 'count', eventTypes: ['visit'] }, { manualIndicator: 'open_bed_days' }),
    );
    expect(parsed.ok && manualInputsOf(parsed.definition)).toEqual(['open_bed_days']);
  });
});

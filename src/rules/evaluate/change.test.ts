import { describe, expect, it } from 'vitest';
import type { ChangeRule } from '../definition.ts';
import { COMMON_FIELDS, monthly, NOW } from '../rule-fixtures.ts';
import { evaluateChange } from './change.ts';

const base: ChangeRule = { ...COMMON_FIELDS, code: 'drug_rise', kind: 'change', indicator: 'drug_revenue_share', grain: 'month', compareTo: 'previous', measure: 'rate', direction: 'rise', bound: 0.1 };

describe('evaluateChange', () => {
  it.each<[string, Partial<ChangeRule>, readonly (number | null)[], object, string, number | null]>([
    ['环比: breaches on a 20% rise over the previous point', {}, [100, 120], {}, 'breach', 0.2],
    ['环比: is ok on a 5% rise', {}, [100, 105], {}, 'ok', 0.05],
    ['环比: is ok on a fall when watching rises', {}, [100, 50], {}, 'ok', -0.5],
    ['环比: breaches on a fall when watching falls', { direction: 'fall' }, [100, 50], {}, 'breach', -0.5],
    ['环比: prefers the point’s own previous value', {}, [100, 120], { previous: 120 }, 'ok', 0],
    ['环比: measures percentage points as a difference', { measure: 'difference', bound: 0.02 }, [0.3, 0.33], {}, 'breach', 0.03],
    ['同比: compares with the value a year ago', { compareTo: 'year_ago' }, [120], { yearAgo: 100 }, 'breach', 0.2],
    ['同比: either direction catches a fall', { compareTo: 'year_ago', direction: 'either' }, [70], { yearAgo: 100 }, 'breach', -0.3],
    ['同比: skips without a year-ago value', { compareTo: 'year_ago' }, [120], {}, 'skipped', null],
    ['同比: no data without a year-ago value under alert', { compareTo: 'year_ago', missingData: 'alert' }, [120], {}, 'no_data', null],
    ['skips a zero base for a rate', {}, [0, 10], {}, 'skipped', null],
    ['treats a missing base as zero under zero (difference)', { measure: 'difference', bound: 5, missingData: 'zero' }, [null, 10], {}, 'breach', 10],
    ['skips the first point with no previous', {}, [100], {}, 'skipped', null],
  ])('%s', (_name, patch, values, lastExtra, kind, change) => {
    const extras = values.map((_v, i) => (i === values.length - 1 ? lastExtra : {}));
    const o = evaluateChange({ ...base, ...patch }, monthly(values, extras), NOW);
    expect(o.kind).toBe(kind);
    if (change === null) expect(o.value).toBeNull();
    else expect(o.value).toBeCloseTo(change, 10);
  });

  it('records the comparison base', () => {
    const o = evaluateChange({ ...base, compareTo: 'year_ago' }, monthly([120], [{ yearAgo: 100 }]), NOW);
    expect(o.detail.baseline).toEqual({ yearAgo: 100 });
  });
});

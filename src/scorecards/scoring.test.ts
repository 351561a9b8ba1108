import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GRADES, parseScheme, type Scheme, type ScoringMethod } from './scheme.ts';
import type { SchemeDefinitionInput } from './scheme-schema.ts';
import { gradeOf, pointsOf, scoreUnit } from './scoring.ts';

const callCenter: SchemeDefinitionInput = {
  code: 'call_center', nameZh: '客服中心考评', nameEn: 'Call center', grain: 'month',
  categories: [
    { key: 'quality', nameZh: '服务质量', nameEn: 'Service quality', weight: 40 },
    { key: 'business', nameZh: '主营业务', nameEn: 'Main business', weight: 40 },
    { key: 'key_work', nameZh: '重点工作', nameEn: 'Key work', weight: 20 },
  ],
  items: [
    { key: 'service_level', nameZh: '服务水平', nameEn: 'Service level', indicator: 'call_service_level_20s', role: 'scored', category: 'quality', weight: 20,
      method: { kind: 'linear', direction: 'higher_better', floor: 60, target: 80 } },
    { key: 'satisfaction', nameZh: '满意度', nameEn: 'Satisfaction', indicator: 'call_satisfaction', role: 'scored', category: 'quality', weight: 20,
      method: { kind: 'bands', direction: 'higher_better', bands: [{ bound: 95, points: 100 }, { bound: 90, points: 80 }, { bound: 85, points: 60 }] } },
    { key: 'abandon', nameZh: '呼损率', nameEn: 'Abandon rate', indicator: 'call_abandon_rate', role: 'scored', category: 'business', weight: 40,
      method: { kind: 'linear', direction: 'lower_better', floor: 10, target: 3 } },
    { key: 'complaints', nameZh: '有效投诉', nameEn: 'Verified complaints', indicator: 'complaint_verified', role: 'scored', category: 'key_work', weight: 20,
      method: { kind: 'deduction', perOccurrence: 2, cap: 10 } },
    { key: 'calls', nameZh: '来电量', nameEn: 'Calls offered', indicator: 'calls_offered', role: 'observed' },
    { key: 'falsified', nameZh: '数据造假', nameEn: 'Falsified data', indicator: 'data_falsified', role: 'veto', when: { op: 'gt', value: 0 } },
    { key: 'outage', nameZh: '服务中断超过24小时', nameEn: 'Outage over 24 h', indicator: 'outage_hours', role: 'downgrade', when: { op: 'gt', value: 24 }, levels: 1 },
  ],
};

function scheme(input: unknown = callCenter): Scheme {
  const parsed = parseScheme(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.scheme;
}

const perfect = new Map<string, number | null>([
  ['call_service_level_20s', 85], ['call_satisfaction', 96], ['call_abandon_rate', 2], ['complaint_verified', 0], ['calls_offered', 1200],
  ['data_falsified', 0], ['outage_hours', 0],
]);

describe('parseScheme', () => {
  it('accepts the call-center scheme with the default grade bands', () => {
    const s = scheme();
    expect(s.grades.map((g) => [g.nameZh, g.min])).toEqual([['优秀', 90], ['良好', 80], ['合格', 70], ['基本合格', 60], ['不合格', 0]]);
    expect(s.settleDays).toBe(3);
  });

  it('refuses category weights that do not add up to 100, at the categories', () => {
    const bad = { ...callCenter, categories: callCenter.categories.map((c) => (c.key === 'key_work' ? { ...c, weight: 25 } : c)) };
    const parsed = parseScheme(bad);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.map((e) => e.path)).toContain('/categories');
  });

  it('refuses item weights that do not fill their category', () => {
    const bad = { ...callCenter, items: callCenter.items.map((i) => (i.key === 'abandon' ? { ...i, weight: 30 } : i)) };
    const parsed = parseScheme(bad);
    expect(parsed.ok ? [] : parsed.errors).toContainEqual(expect.objectContaining({ path: '/categories/1/weight' }));
  });

  it('refuses a linear target on the wrong side of the floor, a cap above the weight and an unknown category', () => {
    const items = callCenter.items.map((i) => {
      if (i.key === 'service_level') return { ...i, method: { kind: 'linear' as const, direction: 'higher_better' as const, floor: 80, target: 60 } };
      if (i.key === 'complaints') return { ...i, method: { kind: 'deduction' as const, perOccurrence: 2, cap: 30 } };
      if (i.key === 'satisfaction') return { ...i, category: 'nope' };
      return i;
    });
    const parsed = parseScheme({ ...callCenter, items });
    const paths = parsed.ok ? [] : parsed.errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/items/0/method/target', '/items/3/method/cap', '/items/1/category']));
  });

  it('refuses grade bands out of order or not reaching 0, and shape errors at their field', () => {
    const grades = [{ key: 'a', nameZh: '甲', nameEn: 'A', min: 60 }, { key: 'b', nameZh: '乙', nameEn: 'B', min: 70 }];
    const parsed = parseScheme({ ...callCenter, grades });
    expect(parsed.ok ? [] : parsed.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['/grades/1/min']));
    const shape = parseScheme({ ...callCenter, grain: 'week' });
    expect(shape.ok ? [] : shape.errors.map((e) => e.path)).toContain('/grain');
  });
});

describe('scoreUnit', () => {
  it('traces value → points → weight → contribution for every kind of item', () => {
    const values = new Map(perfect);
    values.set('call_service_level_20s', 70);
    values.set('call_satisfaction', 91);
    values.set('call_abandon_rate', 6.5);
    values.set('complaint_verified', 3);
    const r = scoreUnit(scheme(), values);
    const byKey = new Map(r.items.map((t) => [t.key, t]));
    expect(byKey.get('service_level')).toMatchObject({ value: 70, points: 50, weight: 20, contribution: 10 });
    expect(byKey.get('satisfaction')).toMatchObject({ value: 91, points: 80, weight: 20, contribution: 16 });
    expect(byKey.get('abandon')).toMatchObject({ value: 6.5, points: 50, weight: 40, contribution: 20 });
    expect(byKey.get('complaints')).toMatchObject({ value: 3, deducted: 6, weight: 20, contribution: 14, points: 70 });
    expect(byKey.get('calls')).toMatchObject({ value: 1200, points: null, contribution: null });
    expect(r.score).toBe(60);
    expect(r.grade).toBe('basic');
    expect(r.categories).toEqual([{ key: 'quality', weight: 40, contribution: 26 }, { key: 'business', weight: 40, contribution: 20 }, { key: 'key_work', weight: 20, contribution: 14 }]);
  });

  it('caps deductions and scores a missing scored item as no points (incomplete)', () => {
    const values = new Map(perfect);
    values.set('complaint_verified', 40);
    values.delete('call_satisfaction');
    const r = scoreUnit(scheme(), values);
    expect(r.items.find((t) => t.key === 'complaints')).toMatchObject({ deducted: 10, contribution: 10 });
    expect(r.items.find((t) => t.key === 'satisfaction')).toMatchObject({ noData: true, points: 0, contribution: 0 });
    expect(r.score).toBe(70);
    expect(r.complete).toBe(false);
  });

  it('adds adjustments and clamps the score to 0–100', () => {
    expect(scoreUnit(scheme(), perfect, [{ points: 5, reason: 'x' }]).score).toBe(100);
    expect(scoreUnit(scheme(), perfect, [{ points: -12.5, reason: 'x' }])).toMatchObject({ score: 87.5, adjustment: -12.5, grade: 'good' });
    expect(scoreUnit(scheme(), perfect, [{ points: -500, reason: 'x' }]).score).toBe(0);
  });

  it('lowers the grade by a downgrade item and makes a veto 不合格 whatever the score', () => {
    const outage = new Map(perfect).set('outage_hours', 30);
    expect(scoreUnit(scheme(), outage)).toMatchObject({ score: 100, scoreGrade: 'excellent', grade: 'good', downgradedBy: [{ key: 'outage', levels: 1 }] });
    const both = new Map(outage).set('data_falsified', 1);
    expect(scoreUnit(scheme(), both)).toMatchObject({ score: 100, grade: 'fail', vetoedBy: ['falsified'] });
  });
});

describe('grade bands', () => {
  it('puts each edge in the band it opens', () => {
    const cases: [number, string][] = [[100, 'excellent'], [90, 'excellent'], [89.99, 'good'], [80, 'good'], [79.99, 'pass'], [70, 'pass'], [69.99, 'basic'], [60, 'basic'], [59.99, 'fail'], [0, 'fail']];
    for (const [score, grade] of cases) expect(gradeOf(score, DEFAULT_GRADES), String(score)).toBe(grade);
  });

  it('grades a total that floating point leaves a hair under an edge by its rounded value', () => {
    const thirds = {
      ...callCenter,
      categories: [{ key: 'all', nameZh: '全部', nameEn: 'All', weight: 100 }],
      items: [0, 1, 2].map((i) => ({
        key: `i${String(i)}`, nameZh: 'x', nameEn: 'x', indicator: `v${String(i)}`, role: 'scored' as const, category: 'all', weight: i === 2 ? 33.34 : 33.33,
        method: { kind: 'linear' as const, direction: 'higher_better' as const, floor: 0, target: 100 },
      })),
    };
    const r = scoreUnit(scheme(thirds), new Map([['v0', 90], ['v1', 90], ['v2', 90]]));
    expect(r.score).toBe(90);
    expect(r.grade).toBe('excellent');
  });
});

// ---- properties ----

const weightsArb = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 });

/** A random valid scheme: category weights scaled to 100 and split between 1–3 items each. */
const schemeArb = fc.tuple(weightsArb, fc.array(fc.constantFrom<'linear' | 'bands' | 'deduction'>('linear', 'bands', 'deduction'), { minLength: 18, maxLength: 18 }), fc.boolean())
  .map(([raw, methods, lower]) => {
    const total = raw.reduce((s, w) => s + w, 0);
    const weights = raw.map((w) => Math.floor((w / total) * 10000) / 100);
    weights[0] = Math.round(((weights[0] ?? 0) + 100 - weights.reduce((s, w) => s + w, 0)) * 100) / 100;
    let n = 0;
    const direction = lower ? 'lower_better' as const : 'higher_better' as const;
    const items = weights.flatMap((w, c) => {
      const parts = [Math.round((w / 2) * 100) / 100, Math.round((w - Math.round((w / 2) * 100) / 100) * 100) / 100];
      return parts.map((weight) => {
        const kind = methods[n % methods.length] ?? 'linear';
        n += 1;
        const method: SchemeDefinitionInput['items'][number]['method'] = kind === 'linear'
          ? { kind, direction, floor: lower ? 80 : 20, target: lower ? 20 : 80 }
          : kind === 'bands' ? { kind, direction, bands: [{ bound: 30, points: 40 }, { bound: 50, points: 70 }, { bound: 70, points: 100 }], otherwise: 10 }
            : { kind, perOccurrence: 1.5, cap: weight };
        return { key: `i${String(n)}`, nameZh: 'x', nameEn: 'x', indicator: `v${String(n)}`, role: 'scored' as const, category: `c${String(c)}`, weight, method };
      });
    });
    const input: SchemeDefinitionInput = {
      code: 'random', nameZh: 'x', nameEn: 'x', grain: 'month',
      categories: weights.map((weight, c) => ({ key: `c${String(c)}`, nameZh: 'x', nameEn: 'x', weight })), items,
    };
    return { input, direction };
  });

describe('scoring properties', () => {
  it('weights add up to 100: a scheme with every item at its best scores exactly 100', () => {
    fc.assert(fc.property(schemeArb, ({ input, direction }) => {
      const s = scheme(input);
      expect(s.categories.reduce((t, c) => t + c.weight, 0)).toBeCloseTo(100, 9);
      const best = new Map(s.items.map((i) => [i.indicator, i.role === 'scored' && i.method.kind === 'deduction' ? 0 : direction === 'lower_better' ? 0 : 100]));
      expect(scoreUnit(s, best).score).toBe(100);
    }));
  });

  it('a scheme whose category weights do not add up to 100 is refused', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 5 }).filter((w) => w.reduce((s, x) => s + x, 0) !== 100), (weights) => {
      const input = {
        ...callCenter, categories: weights.map((weight, c) => ({ key: `c${String(c)}`, nameZh: 'x', nameEn: 'x', weight })),
        items: weights.map((weight, c) => ({ key: `i${String(c)}`, nameZh: 'x', nameEn: 'x', indicator: 'iv', role: 'scored' as const, category: `c${String(c)}`, weight, method: { kind: 'deduction' as const, perOccurrence: 1 } })),
      };
      const parsed = parseScheme(input);
      expect(parsed.ok).toBe(false);
    }));
  });

  const methodArb: fc.Arbitrary<ScoringMethod> = fc.oneof(
    fc.tuple(fc.double({ min: -1000, max: 1000, noNaN: true }), fc.double({ min: 0.001, max: 500, noNaN: true }), fc.boolean(), fc.double({ min: 0, max: 100, noNaN: true }))
      .map(([floor, span, lower, floorPoints]): ScoringMethod => (lower
        ? { kind: 'linear', direction: 'lower_better', floor: floor + span, target: floor, floorPoints }
        : { kind: 'linear', direction: 'higher_better', floor, target: floor + span, floorPoints })),
    fc.tuple(fc.array(fc.record({ bound: fc.double({ min: -100, max: 100, noNaN: true }), points: fc.double({ min: 0, max: 100, noNaN: true }) }), { minLength: 1, maxLength: 6 }), fc.boolean(), fc.double({ min: 0, max: 100, noNaN: true }))
      .map(([bands, lower, otherwise]): ScoringMethod => ({ kind: 'bands', direction: lower ? 'lower_better' : 'higher_better', bands, otherwise })),
    fc.tuple(fc.double({ min: 0.01, max: 10, noNaN: true }), fc.double({ min: 0.01, max: 30, noNaN: true })).map(([perOccurrence, cap]): ScoringMethod => ({ kind: 'deduction', perOccurrence, cap })),
  );

  it('a better value never lowers an item’s points', () => {
    fc.assert(fc.property(methodArb, fc.double({ min: -2000, max: 2000, noNaN: true }), fc.double({ min: 0, max: 2000, noNaN: true }), (method, value, step) => {
      // Better: higher when higher is better, lower when lower is better or when counting occurrences.
      const up = method.kind !== 'deduction' && method.direction === 'higher_better';
      const better = up ? value + step : value - step;
      const weight = 30;
      const worseValue = method.kind === 'deduction' ? Math.abs(value) : value;
      const betterValue = method.kind === 'deduction' ? Math.max(0, Math.abs(value) - step) : better;
      const a = pointsOf(method, worseValue, weight);
      const b = pointsOf(method, betterValue, weight);
      expect(b).toBeGreaterThanOrEqual(a);
      expect(a).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThanOrEqual(100);
    }));
  });

  it('a better value never lowers the unit’s total score', () => {
    fc.assert(fc.property(schemeArb, fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 12, maxLength: 12 }), fc.nat({ max: 11 }), fc.double({ min: 0, max: 50, noNaN: true }), ({ input, direction }, raw, which, step) => {
      const s = scheme(input);
      const values = new Map(s.items.map((item, i) => [item.indicator, raw[i % raw.length] ?? 0]));
      const item = s.items[which % s.items.length];
      if (!item || item.role !== 'scored') return;
      const current = values.get(item.indicator) ?? 0;
      const up = item.method.kind !== 'deduction' && direction === 'higher_better';
      const improved = new Map(values).set(item.indicator, up ? current + step : Math.max(0, current - step));
      expect(scoreUnit(s, improved).score).toBeGreaterThanOrEqual(scoreUnit(s, values).score);
    }));
  });

  it('veto beats downgrade beats score', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 100, noNaN: true }), fc.boolean(), fc.boolean(), fc.constantFrom<1 | 2>(1, 2), (v, veto, downgrade, levels) => {
      const input: SchemeDefinitionInput = {
        code: 'x', nameZh: 'x', nameEn: 'x', grain: 'month',
        categories: [{ key: 'all', nameZh: 'x', nameEn: 'x', weight: 100 }],
        items: [
          { key: 'a', nameZh: 'x', nameEn: 'x', indicator: 'ia', role: 'scored', category: 'all', weight: 100, method: { kind: 'linear', direction: 'higher_better', floor: 0, target: 100 } },
          { key: 'v', nameZh: 'x', nameEn: 'x', indicator: 'iv', role: 'veto', when: { op: 'gte', value: 1 } },
          { key: 'd', nameZh: 'x', nameEn: 'x', indicator: 'id', role: 'downgrade', when: { op: 'gte', value: 1 }, levels },
        ],
      };
      const s = scheme(input);
      const r = scoreUnit(s, new Map([['ia', v], ['iv', veto ? 1 : 0], ['id', downgrade ? 1 : 0]]));
      const order = s.grades.map((g) => g.key);
      const byScore = order.indexOf(gradeOf(r.score, s.grades));
      if (veto) expect(r.grade).toBe('fail');
      else if (downgrade) expect(order.indexOf(r.grade)).toBe(Math.min(order.length - 1, byScore + levels));
      else expect(r.grade).toBe(r.scoreGrade);
      // Never better than the score alone earns.
      expect(order.indexOf(r.grade)).toBeGreaterThanOrEqual(byScore);
    }));
  });
});

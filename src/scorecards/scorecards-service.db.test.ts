import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, testBackend, type TestDb } from '../../test/support/test-db.ts';
import { queryAudit, type ActionContext } from '../audit/index.ts';
import { createIndicatorServices, type IndicatorServices } from '../indicators/indicators-service.ts';
import { createOrgsService, type OrgUnit } from '../orgs/index.ts';
import { createFakeClock } from '../shared/index.ts';
import { createScorecardServices, type ScorecardServices, type ScoreResult } from './index.ts';
import type { SchemeDefinitionInput } from './scheme-schema.ts';

const SH = 'Asia/Shanghai';
const clock = createFakeClock('2026-11-23T08:00:00+08:00');
const ctx = (name = 'admin'): ActionContext => ({ actor: { kind: 'user', id: '1', name }, now: clock.now() });

const manual = (code: string, direction: 'higher_better' | 'lower_better', rollup: 'avg' | 'sum') => ({
  code, version: 1, nameZh: code, nameEn: code, unit: 'x', direction, category: 'other', description: code, formula: 'manual', measure: { kind: 'manual', rollup },
});

const definition: SchemeDefinitionInput = {
  code: 'dept', nameZh: '科室考评', nameEn: 'Department scorecard', grain: 'month',
  categories: [{ key: 'quality', nameZh: '服务质量', nameEn: 'Quality', weight: 70 }, { key: 'complaints', nameZh: '投诉', nameEn: 'Complaints', weight: 30 }],
  items: [
    { key: 'quality', nameZh: '质量', nameEn: 'Quality', indicator: 'sc_quality', role: 'scored', category: 'quality', weight: 70, method: { kind: 'linear', direction: 'higher_better', floor: 50, target: 90 } },
    { key: 'complaints', nameZh: '有效投诉', nameEn: 'Complaints', indicator: 'sc_complaints', role: 'scored', category: 'complaints', weight: 30, method: { kind: 'deduction', perOccurrence: 3, cap: 15 } },
    { key: 'falsified', nameZh: '数据造假', nameEn: 'Falsified data', indicator: 'sc_falsified', role: 'veto', when: { op: 'gt', value: 0 } },
    { key: 'outage', nameZh: '中断超24小时', nameEn: 'Outage > 24 h', indicator: 'sc_outage', role: 'downgrade', when: { op: 'gt', value: 24 }, levels: 2 },
  ],
};

describe(`scorecard results on ${testBackend}`, () => {
  let t: TestDb;
  let indicators: IndicatorServices;
  let sc: ScorecardServices;
  let units: Record<'A' | 'B' | 'C', OrgUnit>;
  let hospital: OrgUnit;

  const setValue = async (code: string, org: OrgUnit, periodKey: string, value: number) => {
    await indicators.manualValues.setValue(ctx('entry'), code, { org, periodKey, value });
  };

  beforeAll(async () => {
    t = await createTestDb();
    const orgs = createOrgsService({ db: t.db });
    indicators = createIndicatorServices({ db: t.db, orgs, clock });
    await orgs.create(ctx(), { code: 'G', name: '集团', kind: 'group' });
    hospital = await orgs.create(ctx(), { code: 'H', name: '医院', kind: 'hospital', parentCode: 'G' });
    units = {
      A: await orgs.create(ctx(), { code: 'A', name: '甲科', kind: 'department', parentCode: 'H' }),
      B: await orgs.create(ctx(), { code: 'B', name: '乙科', kind: 'department', parentCode: 'H' }),
      C: await orgs.create(ctx(), { code: 'C', name: '丙科', kind: 'department', parentCode: 'H' }),
    };
    for (const d of [manual('sc_quality', 'higher_better', 'avg'), manual('sc_complaints', 'lower_better', 'sum'), manual('sc_falsified', 'lower_better', 'sum'), manual('sc_outage', 'lower_better', 'sum')]) {
      await indicators.definitions.create(ctx(), d);
    }
    sc = createScorecardServices({
      db: t.db, clock, timeZone: () => Promise.resolve(SH), orgs,
      indicators: {
        series: (...a) => indicators.queries.series(...a), breakdown: (...a) => indicators.queries.breakdown(...a),
        exists: async (code) => (await indicators.catalog.get(t.db, code)) !== null,
      },
    });
  }, 180_000);

  afterAll(async () => { await t.drop(); });

  beforeEach(() => { clock.set('2026-11-23T08:00:00+08:00'); });

  it('saves a scheme (audited), computes each unit’s result with its trace, provisional while open and final once settled', async () => {
    await setValue('sc_quality', units.A, '2026-10', 80);
    await setValue('sc_complaints', units.A, '2026-10', 2);
    await setValue('sc_quality', units.B, '2026-10', 95);
    await setValue('sc_outage', units.B, '2026-10', 30);
    await setValue('sc_quality', units.C, '2026-10', 92);
    await setValue('sc_falsified', units.C, '2026-10', 1);
    const saved = await sc.scorecards.save(ctx(), 'dept', { definition, units: ['A', 'B', 'C'] }, false, () => true);
    expect(saved.stored.version).toBe(1);
    const audit = await queryAudit(t.db, { action: 'scorecard.schemeCreated', limit: 10 });
    expect(audit[0]?.summary).toMatchObject({ version: 1, units: ['A', 'B', 'C'] });

    const { results } = await sc.results.results('dept', '2026-10', ['/']);
    const byCode = new Map(results.rows.map((r) => [r.unit.code, r]));
    // A: 70 × (80−50)/40 = 52.5, complaints 30 − 6 = 24 → 76.5 (合格).
    expect(byCode.get('A')).toMatchObject({ score: 76.5, grade: 'pass', state: 'final', rank: 3 });
    // B: 100 → 优秀, downgraded two levels to 合格 by the outage.
    expect(byCode.get('B')).toMatchObject({ score: 100, grade: 'pass', rank: 1 });
    // C: 100 but falsified data: 不合格.
    expect(byCode.get('C')).toMatchObject({ score: 100, grade: 'fail' });
    const { detail } = await sc.results.detail('dept', units.A, '2026-10');
    expect(detail.shown.items.find((i) => i.key === 'complaints')).toMatchObject({ value: 2, deducted: 6, weight: 30, contribution: 24 });
    expect(detail.shown.items.find((i) => i.key === 'quality')).toMatchObject({ value: 80, points: 75, weight: 70, contribution: 52.5 });
    const november = await sc.results.results('dept', '2026-11', ['/']);
    expect(november.results.rows.every((r) => r.state === 'provisional')).toBe(true);
  });

  it('refuses a scheme reading an unknown indicator at the item’s field, and a taken code', async () => {
    const bad = { ...definition, code: 'bad', items: definition.items.map((i, n) => (n === 0 ? { ...i, indicator: 'no_such_indicator' } : i)) };
    await expect(sc.scorecards.save(ctx(), 'bad', { definition: bad, units: ['A'] }, false, () => true))
      .rejects.toMatchObject({ code: 'SCORECARD_SCHEME_INVALID', details: { field: '/body/definition/items/0/indicator' } });
    await expect(sc.scorecards.save(ctx(), 'dept', { definition, units: ['A'] }, false, () => true)).rejects.toMatchObject({ code: 'SCORECARD_CODE_TAKEN' });
  });

  it('shows only the caller’s units, with their true rank', async () => {
    const { results } = await sc.results.results('dept', '2026-10', [units.A.path]);
    expect(results.rows.map((r) => [r.unit.code, r.rank])).toEqual([['A', 3]]);
    const boards = await sc.results.boards('dept', '2026-10', [units.A.path]);
    expect(boards.boards?.honour.every((e) => e.unitId === units.A.id)).toBe(true);
  });

  it('publishes a closed period, turns late data into a pending revision and publishes it again, all audited', async () => {
    await expect(sc.results.publish(ctx(), 'dept', '2026-11')).rejects.toMatchObject({ code: 'SCORECARD_PERIOD_OPEN' });
    expect(await sc.results.publish(ctx(), 'dept', '2026-10')).toEqual({ published: 3 });
    await setValue('sc_quality', units.A, '2026-10', 90);
    await sc.scorecards.refresh('dept');
    let a = (await sc.results.results('dept', '2026-10', ['/'])).results.rows.find((r) => r.unit.code === 'A');
    expect(a).toMatchObject({ score: 76.5, state: 'published', pendingRevision: true, revision: { score: 94, grade: 'excellent' } });
    await sc.results.publish(ctx(), 'dept', '2026-10');
    a = (await sc.results.results('dept', '2026-10', ['/'])).results.rows.find((r) => r.unit.code === 'A');
    expect(a).toMatchObject({ score: 94, grade: 'excellent', pendingRevision: false, revision: null });
    const actions = (await queryAudit(t.db, { targetKind: 'scorecard_scheme', limit: 100 })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['scorecard.published', 'scorecard.republished']));
  });

  it('records adjustments and appeal decisions with their reasons in the audit log; a decided appeal cannot be decided again', async () => {
    await sc.results.adjust(ctx(), 'dept', units.B, '2026-11', { points: 5, reason: '抢险保障加分' });
    const { detail } = await sc.results.detail('dept', units.B, '2026-11');
    expect(detail.adjustments.map((x) => [x.points, x.reason])).toEqual([[5, '抢险保障加分']]);
    expect(detail.shown.adjustment).toBe(5);
    const appeal = await sc.results.appeal(ctx('liaison.a'), 'dept', units.A, '2026-11', { reason: '投诉已核实为无效', itemKey: 'complaints' });
    await expect(sc.results.appeal(ctx(), 'dept', units.A, '2026-11', { reason: 'x', itemKey: 'nope' })).rejects.toMatchObject({ code: 'SCORECARD_ITEM_NOT_FOUND' });
    const decided = await sc.results.decide(ctx(), appeal, { decision: 'upheld', note: '核实无误', points: 3 });
    expect(decided).toMatchObject({ state: 'upheld', decision: '核实无误', decidedBy: 'admin' });
    await expect(sc.results.decide(ctx(), appeal, { decision: 'rejected', note: 'again' })).rejects.toMatchObject({ code: 'SCORECARD_APPEAL_CONFLICT' });
    const after = await sc.results.detail('dept', units.A, '2026-11');
    expect(after.detail.adjustments).toEqual([expect.objectContaining({ points: 3, appealId: appeal.id })]);
    const actions = (await queryAudit(t.db, { limit: 200 })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['scorecard.adjusted', 'scorecard.appealed', 'scorecard.appealDecided']));
  });

  it('incremental results equal a recomputation from scratch, whatever data arrives between refreshes', async () => {
    const months = ['2026-08', '2026-09', '2026-10', '2026-11'];
    const op = fc.oneof(
      fc.record({ kind: fc.constant('value' as const), indicator: fc.constantFrom('sc_quality', 'sc_complaints', 'sc_falsified', 'sc_outage'), unit: fc.constantFrom<'A' | 'B' | 'C'>('A', 'B', 'C'), month: fc.constantFrom(...months), value: fc.integer({ min: 0, max: 100 }) }),
      fc.record({ kind: fc.constant('refresh' as const), month: fc.option(fc.constantFrom(...months)) }),
      fc.record({ kind: fc.constant('adjust' as const), unit: fc.constantFrom<'A' | 'B' | 'C'>('A', 'B', 'C'), month: fc.constantFrom(...months), points: fc.integer({ min: -10, max: 10 }).filter((p) => p !== 0) }),
    );
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 6 }), async (ops) => {
      for (const o of ops) {
        if (o.kind === 'value') await setValue(o.indicator, units[o.unit], o.month, o.value);
        else if (o.kind === 'adjust') await sc.results.adjust(ctx(), 'dept', units[o.unit], o.month, { points: o.points, reason: 'property' });
        else await sc.scorecards.refresh('dept', o.month === null ? {} : { periods: [await sc.results.periodOf(await sc.scorecards.load('dept'), o.month)] });
      }
      const written = await sc.scorecards.refresh('dept');
      const loaded = await sc.scorecards.load('dept');
      const periods = await Promise.all(months.map((m) => sc.results.periodOf(loaded, m)));
      const scratch = await sc.scorecards.compute(loaded, periods);
      const stored = await t.db.query<{ org_unit_id: string | number; period_start: Date; current: ScoreResult; score: string }>(
        'SELECT org_unit_id, period_start, current, score FROM scorecard_result WHERE scheme_id = $1 AND period_start = ANY($2::timestamptz[])', [loaded.stored.id, periods]);
      const byKey = new Map(stored.rows.map((r) => [`${String(r.org_unit_id)}@${String(r.period_start.getTime())}`, r]));
      expect(stored.rows).toHaveLength(scratch.length);
      for (const c of scratch) {
        const row = byKey.get(`${String(c.orgUnitId)}@${String(c.periodStart.getTime())}`);
        expect(row?.current).toEqual(c.result);
        expect(Number(row?.score)).toBe(c.result.score);
      }
      // A second refresh with nothing new writes nothing.
      expect((await sc.scorecards.refresh('dept')).written).toBe(0);
      expect(written.computed).toBeGreaterThan(0);
    }), { numRuns: 6 });
  }, 240_000);

  it('keeps every version of a scheme and re-scores when it changes', async () => {
    const changed = { ...definition, items: definition.items.map((i) => (i.key === 'quality' && i.role === 'scored' ? { ...i, method: { kind: 'linear' as const, direction: 'higher_better' as const, floor: 0, target: 100 } } : i)) };
    const saved = await sc.scorecards.save(ctx(), 'dept', { definition: changed, units: ['A', 'B'] }, true, () => true);
    expect(saved.stored.version).toBe(2);
    expect(saved.units.map((u) => u.code)).toEqual(['A', 'B']);
    expect((await sc.scorecards.versions(saved.stored.id)).map((v) => v.version)).toEqual([2, 1]);
    const rows = (await sc.results.results('dept', '2026-11', ['/'])).results.rows;
    expect(rows.map((r) => r.unit.code).sort()).toEqual(['A', 'B']);
    expect(hospital.code).toBe('H');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testBackend, type TestDb } from '../../test/support/test-db.ts';
import type { AlertTransitionEvent } from '../alerts/index.ts';
import { queryAudit, type ActionContext } from '../audit/index.ts';
import { createIndicatorServices, type IndicatorServices } from '../indicators/indicators-service.ts';
import { createOrgsService, type OrgUnit } from '../orgs/index.ts';
import { createFakeClock } from '../shared/index.ts';
import { createCommitmentsService, type CommitmentsService } from './index.ts';

const SH = 'Asia/Shanghai';
const clock = createFakeClock('2026-11-01T00:30:00+08:00');
const ctx = (): ActionContext => ({ actor: { kind: 'user', id: '1', name: 'admin' }, now: clock.now() });
const day = (month: string, d: number) => `${month}-${String(d).padStart(2, '0')}`;

describe(`commitment early warning on ${testBackend}`, () => {
  let t: TestDb;
  let indicators: IndicatorServices;
  let commitments: CommitmentsService;
  let told: AlertTransitionEvent[];
  let hospital: OrgUnit;
  let trending: OrgUnit;
  let steady: OrgUnit;

  const enter = (org: OrgUnit, periodKey: string, value: number) =>
    indicators.manualValues.setValue({ actor: { kind: 'system', id: null, name: 'feed' }, now: clock.now() }, 'ct_complaints', { org, periodKey, value });

  beforeAll(async () => {
    t = await createTestDb();
    const orgs = createOrgsService({ db: t.db });
    indicators = createIndicatorServices({ db: t.db, orgs, clock });
    await orgs.create(ctx(), { code: 'G', name: '集团', kind: 'group' });
    hospital = await orgs.create(ctx(), { code: 'H', name: '医院', kind: 'hospital', parentCode: 'G' });
    trending = await orgs.create(ctx(), { code: 'D', name: '配送科', kind: 'department', parentCode: 'H' });
    steady = await orgs.create(ctx(), { code: 'E', name: '药剂科', kind: 'department', parentCode: 'H' });
    await indicators.definitions.create(ctx(), {
      code: 'ct_complaints', version: 1, nameZh: '投诉数', nameEn: 'Complaints', unit: 'complaints', direction: 'lower_better', category: 'service',
      description: 'complaints', formula: 'manual', measure: { kind: 'manual', rollup: 'sum' },
    });
    told = [];
    commitments = createCommitmentsService({
      db: t.db, clock, timeZone: () => Promise.resolve(SH), orgs,
      indicators: { series: (...a) => indicators.queries.series(...a), exists: async (code) => (await indicators.catalog.get(t.db, code)) !== null },
      consumers: [{ name: 'recorder', onTransition: (_tx, e) => { told.push(e); return Promise.resolve(); } }],
    });
    // October: one complaint a day in both departments (the usual profile).
    const october = Array.from({ length: 31 }, (_, i) => [trending, steady].map((org, j) => ({ row: i * 2 + j + 2, org: org.code, period: day('2026-10', i + 1), value: '1' }))).flat();
    const uploaded = await indicators.manualValues.upload({ actor: { kind: 'system', id: null, name: 'feed' }, now: clock.now() }, 'ct_complaints', october, () => true);
    expect(uploaded.rejected).toBe(0);
  }, 300_000);
  afterAll(async () => { await t.drop(); });

  it('refuses a fourth level and an unknown indicator at their fields', async () => {
    const base = { nameZh: '承诺', nameEn: 'Promise', direction: 'lower_better' as const, aggregate: 'sum' as const, target: 40, promise: null };
    await commitments.create(ctx(), { ...base, code: 'patient', parent: null, owner: hospital, indicator: 'ct_complaints' });
    await commitments.create(ctx(), { ...base, code: 'dept_d', parent: 'patient', owner: trending, indicator: 'ct_complaints' });
    await commitments.create(ctx(), { ...base, code: 'dept_e', parent: 'patient', owner: steady, indicator: 'ct_complaints' });
    await commitments.create(ctx(), { ...base, code: 'team_d', parent: 'dept_d', owner: trending, indicator: 'ct_complaints' });
    await expect(commitments.create(ctx(), { ...base, code: 'too_deep', parent: 'team_d', owner: trending, indicator: 'ct_complaints' }))
      .rejects.toMatchObject({ code: 'COMMITMENT_TOO_DEEP', details: { field: '/body/parent' } });
    await expect(commitments.create(ctx(), { ...base, code: 'nope', parent: null, owner: trending, indicator: 'no_such' }))
      .rejects.toMatchObject({ code: 'COMMITMENT_INDICATOR_NOT_FOUND', details: { field: '/body/indicator' } });
    expect((await queryAudit(t.db, { action: 'commitment.created', limit: 10 })).length).toBe(4);
  });

  it('warns the closed loop before a trending department breaches its ceiling, and stays quiet for a steady one', async () => {
    // November: E stays at one a day; D's complaints rise from day 8 (1, 1, …, 2, 3, 4, …).
    let breachDay = -1;
    let warnDay = -1;
    let total = 0;
    for (let d = 1; d <= 20; d += 1) {
      clock.set(`${day('2026-11', d)}T00:30:00+08:00`);
      const counted = d < 8 ? 1 : d - 6;
      await enter(steady, day('2026-11', d), 1);
      await enter(trending, day('2026-11', d), counted);
      // The pass runs the next morning, when the day is complete.
      clock.set(`${day('2026-11', d)}T23:59:00+08:00`);
      clock.advance(60 * 60 * 1000);
      const events = await commitments.evaluate();
      total += counted;
      if (warnDay < 0 && events.some((e) => e.orgUnitCode === 'D' && e.to === 'firing')) warnDay = d;
      if (breachDay < 0 && total > 40) breachDay = d;
    }
    expect(warnDay).toBeGreaterThan(0);
    expect(breachDay).toBeGreaterThan(warnDay);
    expect(told.filter((e) => e.orgUnitCode === 'E')).toEqual([]);
    const first = told.find((e) => e.orgUnitCode === 'D');
    expect(first).toMatchObject({ ruleCode: 'commitment.dept_d', to: 'firing', category: 'commitment', bound: 40, periodKey: '2026-11' });
    expect((await queryAudit(t.db, { action: 'commitment.warningRaised', limit: 10 })).length).toBeGreaterThan(0);

    const { nodes } = await commitments.tree(new Date('2026-10-31T16:00:00Z'), ['/']);
    const byCode = new Map(nodes.map((n) => [n.code, n]));
    expect(byCode.get('dept_d')?.warning?.state).toBe('breached');
    expect(byCode.get('dept_e')?.rolled.state).toBe('ok');
    // The patient-level commitment turns red with its department's part.
    expect(byCode.get('patient')?.rolled.state).toBe('breached');
    const scoped = await commitments.tree(new Date('2026-10-31T16:00:00Z'), [steady.path]);
    expect(scoped.nodes.map((n) => n.code)).toEqual(['dept_e']);
  }, 300_000);
});

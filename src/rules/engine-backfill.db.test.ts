import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testBackend, type TestDb } from '../../test/support/test-db.ts';
import { createAlertsService } from '../alerts/alerts-service.ts';
import { insertFixtureEvents, insertFixtureSource, type FixtureEvent } from '../indicators/event-fixture-repo.ts';
import { createIndicatorServices } from '../indicators/indicators-service.ts';
import { createOrgsService, type OrgUnit } from '../orgs/index.ts';
import { createFakeClock } from '../shared/index.ts';
import { createRuleSchedulerJob } from './engine-scheduler.ts';
import { systemCtx, ruleJson } from './engine-support.test-data.ts';
import { createRuleEngine, type RuleEngine } from './engine.ts';
import { createRulesService } from './rules-service.ts';

/**
 * A backfill of past days through the real roll-ups while the scheduler runs, as the demo does:
 * the scheduler's first run finds no data, then day after day of history arrives in several
 * commits each. A breach in a closed day long past (outside the rule's live horizon: today and
 * yesterday) must be judged once, after its data settled, as a finding: history is not news, so it
 * opens no alert.
 */
const DAY = 86_400_000;
const today = new Date('2026-11-23T00:00:00+08:00');

/** Ten past days of prescriptions at `org`, each day in batches of five; on `breachDay` 16 of 20 are reviewed, its unreviewed ones first. */
async function backfill(org: OrgUnit, breachDay: Date, runSchedulerEvery: number | null): Promise<void> {
  for (let d = 10; d >= 1; d--) {
    const day = new Date(today.getTime() - d * DAY);
    const breach = day.getTime() === breachDay.getTime();
    const events = prescriptions(org, day, 20, breach ? 16 : 20);
    // The first batch alone of the breach day would give 0 %: a verdict on part of the data.
    const order = breach ? [...events.slice(16), ...events.slice(0, 16)] : events;
    for (let i = 0; i < order.length; i += 5) await commit(order.slice(i, i + 5));
    if (runSchedulerEvery !== null && d % runSchedulerEvery === 0) await job.run(clock.now());
  }
}
let t: TestDb;
const clock = createFakeClock('2026-11-23T08:05:00+08:00');
let engine: RuleEngine;
let job: ReturnType<typeof createRuleSchedulerJob>;
let consumer: ReturnType<typeof createIndicatorServices>['rollupConsumer'];
let alerts: ReturnType<typeof createAlertsService>;
let dept: OrgUnit;
let deptB: OrgUnit;
let rules: ReturnType<typeof createRulesService>;
let sourceId = 0;
let seq = 0;

/** `n` prescriptions in the day starting at `dayStart`, `reviewed` of them reviewed by a pharmacist. */
function prescriptions(org: OrgUnit, dayStart: Date, n: number, reviewed: number): FixtureEvent[] {
  return Array.from({ length: n }, (_, i) => {
    seq += 1;
    const at = new Date(dayStart.getTime() + 9 * 3_600_000 + i * 60_000);
    return {
      eventId: `rx${String(seq)}`, type: 'prescription', orgUnitId: org.id, occurredAt: at, patient: `p${String(i)}`,
      attributes: { channel: 'offline', ...(i < reviewed ? { reviewedAt: new Date(at.getTime() + 600_000).toISOString() } : {}) },
    };
  });
}

async function commit(events: readonly FixtureEvent[]): Promise<void> {
  const stored = await t.db.transaction(async (tx) => {
    const rows = await insertFixtureEvents(tx, sourceId, events);
    await consumer.inTransaction?.(tx, rows);
    return rows;
  });
  await engine.consumer.afterCommit?.(stored);
}

beforeAll(async () => {
  t = await createTestDb();
  const orgs = createOrgsService({ db: t.db });
  const ctx = systemCtx(clock.now());
  await orgs.create(ctx, { code: 'GROUP', name: 'GROUP', kind: 'group' });
  await orgs.create(ctx, { code: 'H1', name: 'H1', kind: 'hospital', parentCode: 'GROUP' });
  await orgs.create(ctx, { code: 'H1-OFF', name: 'H1-OFF', kind: 'channel', parentCode: 'H1', channel: 'offline' });
  dept = await orgs.create(ctx, { code: 'DEPT-A', name: 'DEPT-A', kind: 'department', parentCode: 'H1-OFF' });
  deptB = await orgs.create(ctx, { code: 'DEPT-B', name: 'DEPT-B', kind: 'department', parentCode: 'H1-OFF' });
  const indicators = createIndicatorServices({ db: t.db, orgs, clock });
  await indicators.definitions.installLibrary(ctx);
  consumer = indicators.rollupConsumer;
  sourceId = await t.db.transaction((tx) => insertFixtureSource(tx, dept.id, 'his', ['prescription']));
  engine = createRuleEngine({ db: t.db, clock, seriesReader: indicators.queries, indicatorDefinitions: () => indicators.catalog.all(t.db) });
  job = createRuleSchedulerJob({ engine });
  alerts = createAlertsService({ db: t.db });
  rules = createRulesService({ db: t.db });
  await rules.create(ctx, ruleJson({
    code: 'review_low', kind: 'threshold', indicator: 'pharmacist_review_rate', grain: 'day', op: '<', bound: 95, category: 'pharmacy',
  }));
}, 60_000);

afterAll(async () => {
  await t.drop();
});

describe(`rule engine during a backfill on ${testBackend}`, () => {
  it('finds a breach in a closed day of the backfill once its data has settled, with the scheduler running before and during it, and opens no alert', async () => {
    await job.run(clock.now());
    await backfill(dept, new Date(today.getTime() - 6 * DAY), 3);
    await job.run(clock.now());
    clock.advance(5 * 60_000);
    await job.run(clock.now());
    expect(await alerts.list({ paths: ['/'], ruleCode: 'review_low' })).toEqual([]);
    const findings = await alerts.findings({ paths: ['/'], ruleCode: 'review_low' });
    expect(findings.map((f) => `${f.orgUnitCode}:${f.periodKey}:${f.kind}`).sort()).toEqual(['DEPT-A:2026-11-17:breach', 'H1-OFF:2026-11-17:breach', 'H1:2026-11-17:breach']);
    for (const f of findings) expect(f).toMatchObject({ value: 80, bound: 95 });
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM rule_recheck');
    expect(rows[0]?.n).toBe(0);
  });

  it('finds a breach in a closed day of a backfill that ended before the scheduler first ran', async () => {
    await rules.create(systemCtx(clock.now()), ruleJson({
      code: 'review_low_b', kind: 'threshold', indicator: 'pharmacist_review_rate', grain: 'day', op: '<', bound: 95, category: 'pharmacy',
      scope: { orgUnit: 'DEPT-B', includeDescendants: false },
    }));
    await backfill(deptB, new Date(today.getTime() - 4 * DAY), null);
    await job.run(clock.now());
    clock.advance(5 * 60_000);
    await job.run(clock.now());
    expect(await alerts.list({ paths: ['/'], ruleCode: 'review_low_b' })).toEqual([]);
    const findings = await alerts.findings({ paths: ['/'], ruleCode: 'review_low_b' });
    expect(findings.map((f) => `${f.orgUnitCode}:${f.periodKey}`)).toEqual(['DEPT-B:2026-11-19']);
  });
});

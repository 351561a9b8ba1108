import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testBackend, type TestDb } from '../../test/support/test-db.ts';
import { createAlertsService } from '../alerts/alerts-service.ts';
import { createOrgsService, type OrgUnit } from '../orgs/index.ts';
import { createFakeClock } from '../shared/index.ts';
import { advisoryLocks } from '../store/index.ts';
import { createRuleEngine, type RuleEngine } from './engine.ts';
import { createMemorySeriesReader, type MemorySeriesReader } from './engine-memory-series.ts';
import { createQueuedEvaluationPoller } from './engine-poller.ts';
import { createRuleSchedulerJob } from './engine-scheduler.ts';
import { countIndicator, ruleJson, systemCtx } from './engine-support.test-data.ts';
import { createTestSource, insertTestEvents } from './engine-test-repo.ts';
import { createRulesService } from './rules-service.ts';

/**
 * The engine evaluates ingest commits behind their acknowledgement: the commit's transaction
 * queues it durably, `afterCommit` returns at once, and a pass evaluates it. A process that dies
 * between the two leaves the commit queued, and the scheduler's first run in the next process
 * evaluates it.
 */
let t: TestDb;
const clock = createFakeClock('2026-11-23T09:10:00+08:00');
let series: MemorySeriesReader;
let dept: OrgUnit;
let sourceId = 0;
const alertsOf = () => createAlertsService({ db: t.db }).list({ paths: ['/'], ruleCode: 'visits_high' });
const queued = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM rule_evaluation_queue')).rows[0]?.n;

function engine(): RuleEngine {
  return createRuleEngine({ db: t.db, clock, seriesReader: series, indicatorDefinitions: () => [countIndicator('visits', 'visit')], evaluateInBackground: true });
}

/** An ingest commit as the batch committer makes it: events and in-transaction consumers in one transaction. */
async function commit(e: RuleEngine, orgCode: string, value: number): Promise<Awaited<ReturnType<typeof insertTestEvents>>> {
  series.set('visits', dept.id, 'hour', clock.now(), value);
  const stored = await insertTestEvents(t.db, [{ sourceId, type: 'visit', orgCode, occurredAt: clock.now() }]);
  await t.db.transaction((tx) => e.consumer.inTransaction?.(tx, stored) ?? Promise.resolve());
  return stored;
}

beforeAll(async () => {
  t = await createTestDb();
  const orgs = createOrgsService({ db: t.db });
  const ctx = systemCtx(clock.now());
  const group = await orgs.create(ctx, { code: 'GROUP', name: 'GROUP', kind: 'group' });
  dept = await orgs.create(ctx, { code: 'DEPT', name: 'DEPT', kind: 'department', parentCode: 'GROUP' });
  series = createMemorySeriesReader(clock);
  sourceId = await createTestSource(t.db, group.id, 'his', ['visit']);
  await createRulesService({ db: t.db }).create(ctx, ruleJson({
    code: 'visits_high', kind: 'threshold', indicator: 'visits', grain: 'hour', op: '>', bound: 10, evaluateOpenPeriod: true,
    scope: { orgUnit: 'DEPT', includeDescendants: false },
  }));
}, 60_000);

afterAll(async () => {
  await t.drop();
});

describe(`the engine's durable evaluation queue on ${testBackend}`, () => {
  it('acknowledges before evaluating, evaluates right behind, and forgets the queued commit once evaluated', async () => {
    const e = engine();
    const stored = await commit(e, 'DEPT', 5);
    expect(await queued()).toBe(1);
    await e.consumer.afterCommit?.(stored);
    await e.settled();
    expect(await queued()).toBe(0);
    expect(await alertsOf()).toEqual([]);
    // The pass is reported: one commit, one event, one judgement that changed nothing, its phases timed.
    const [report] = e.recentPasses();
    expect(report).toMatchObject({ commits: 1, events: 1, judged: 1, recorded: 0 });
    expect(Object.keys(report?.phases ?? {}).sort()).toEqual(['judge', 'plan', 'read', 'record']);
    expect(Object.values(report?.phases ?? {}).every((ms) => ms >= 0) && (report?.ms ?? -1) >= 0).toBe(true);
  });

  it('evaluates a commit a crash left queued at the scheduler’s first run in the next process', async () => {
    const crashed = engine();
    await commit(crashed, 'DEPT', 30);
    // The process died after the commit was acknowledged, before its evaluation: afterCommit never ran.
    expect(await queued()).toBe(1);
    expect(await alertsOf()).toEqual([]);
    clock.advance(1000);
    const restarted = engine();
    await createRuleSchedulerJob({ engine: restarted }).run(clock.now());
    expect((await alertsOf()).map((a) => `${a.orgUnitCode}:${a.state}`)).toEqual(['DEPT:firing']);
    expect(await queued()).toBe(0);
  });

  it('keeps the commits of a pass that failed queued, and a later scheduler run evaluates them once they waited past the recovery delay', async () => {
    clock.advance(3_600_000);
    let storageDown = false;
    // The engine's view of the database: while storage is down every statement fails, as a lost connection would.
    const db = new Proxy(t.db, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (key !== 'query' || typeof value !== 'function') return value;
        return (...args: unknown[]): unknown => (storageDown ? Promise.reject(new Error('connection terminated')) : Reflect.apply(value, target, args));
      },
    });
    const failures: unknown[] = [];
    const e = createRuleEngine({
      db, clock, seriesReader: series, indicatorDefinitions: () => [countIndicator('visits', 'visit')], evaluateInBackground: true,
      onPassError: (error) => failures.push(error),
    });
    const job = createRuleSchedulerJob({ engine: e, recoverAfterMs: 60_000 });
    await job.run(clock.now());
    clock.advance(1000);
    const stored = await commit(e, 'DEPT', 40);
    storageDown = true;
    await e.consumer.afterCommit?.(stored);
    await e.settled();
    storageDown = false;
    expect(failures).toHaveLength(1);
    expect(await queued()).toBe(1);
    expect((await alertsOf()).filter((a) => a.state === 'firing')).toHaveLength(1);
    await job.run(clock.now());
    // Not yet: a commit younger than the recovery delay may still be on its way through a pass.
    expect(await queued()).toBe(1);
    clock.advance(61_000);
    await job.run(clock.now());
    expect(await queued()).toBe(0);
    // The next hour's breach continues the incident of the hour before: one alert, two periods.
    const firing = (await alertsOf()).filter((a) => a.state === 'firing');
    expect(firing.map((a) => [a.periodKey, a.lastPeriodKey, a.periodCount])).toEqual([['2026-11-23T09', '2026-11-23T10', 2]]);
  });

  it('leaves the commits of a process without the engine role queued for the poller of an engine process, one poller at a time', async () => {
    clock.advance(2 * 3_600_000);
    const firing = async () => (await alertsOf()).filter((a) => a.state === 'firing').length;
    const all = async () => (await alertsOf()).length;
    const before = await all();
    const ingestOnly = createRuleEngine({
      db: t.db, clock, seriesReader: series, indicatorDefinitions: () => [countIndicator('visits', 'visit')], evaluateInBackground: true, evaluateAfterCommit: false,
    });
    const stored = await commit(ingestOnly, 'DEPT', 50);
    await ingestOnly.consumer.afterCommit?.(stored);
    await ingestOnly.settled();
    expect(await queued()).toBe(1);
    expect(await all()).toBe(before);

    const first = createQueuedEvaluationPoller({ db: t.db, engine: engine(), clock, minAgeMs: 0 });
    if (testBackend === 'postgres') {
      // Session locks belong to a connection: on PostgreSQL a second engine process's poller waits its turn.
      const holder = await t.db.tryAdvisoryLock(advisoryLocks.enginePoller);
      expect(await first.poll()).toBe(0);
      expect(await queued()).toBe(1);
      await holder?.release();
    }
    expect(await first.poll()).toBe(1);
    expect(await queued()).toBe(0);
    // Two hours after the last breach: a new incident (the one before ended, the hour between did not breach).
    expect(await all()).toBe(before + 1);
    expect(await firing()).toBe(1);
    await first.stop();
  });
});


import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertsService } from '../../src/alerts/alerts-service.ts';
import { createOrgsService } from '../../src/orgs/index.ts';
import { createRuleEngine } from '../../src/rules/engine.ts';
import { createMemorySeriesReader } from '../../src/rules/engine-memory-series.ts';
import { createRuleSchedulerJob } from '../../src/rules/engine-scheduler.ts';
import { collectingConsumer, countIndicator, ruleJson, systemCtx } from '../../src/rules/engine-support.test-data.ts';
import { createTestSource, insertTestEvents } from '../../src/rules/engine-test-repo.ts';
import { createRulesService } from '../../src/rules/rules-service.ts';
import { createFakeClock } from '../../src/shared/index.ts';
import { createTestDb, type TestDb } from '../support/test-db.ts';

/**
 * Timeline: the call-abandon rate of a department breaches at t0 (ingest commit) → the alert is
 * pending, fires once the breach has held 5 minutes (between t0+5 and t0+6 with a one-minute
 * scheduler tick) → the rate recovers at t1 → the alert resolves after the 10-minute keep-firing
 * time (between t1+10 and t1+11), and downstream consumers saw exactly one firing and one resolution.
 */
let t: TestDb;

beforeAll(async () => {
  t = await createTestDb();
});

afterAll(async () => {
  await t.drop();
});

describe('alert timeline', () => {
  it('fires between t0+5m and t0+6m after a breach at t0, and resolves between t1+10m and t1+11m after recovery at t1', async () => {
    const clock = createFakeClock('2026-11-23T09:00:30+08:00');
    const ctx = systemCtx(clock.now());
    const orgs = createOrgsService({ db: t.db });
    const group = await orgs.create(ctx, { code: 'GROUP', name: '集团', kind: 'group' });
    const dept = await orgs.create(ctx, { code: 'CALL', name: '呼叫中心', kind: 'department', parentCode: 'GROUP' });
    const source = await createTestSource(t.db, group.id, 'switch', ['call']);
    const series = createMemorySeriesReader(clock);
    const consumer = collectingConsumer();
    const engine = createRuleEngine({ db: t.db, clock, seriesReader: series, indicatorDefinitions: () => [countIndicator('call_abandon_rate', 'call')], transitionConsumers: [consumer] });
    const job = createRuleSchedulerJob({ engine });
    const alerts = createAlertsService({ db: t.db });
    await createRulesService({ db: t.db }).create(ctx, ruleJson({
      code: 'call_abandon_high', kind: 'threshold', indicator: 'call_abandon_rate', grain: 'hour', op: '>', bound: 0.1, evaluateOpenPeriod: true,
      forMinutes: 5, hysteresis: { recoveryBound: 0.08, keepFiringMinutes: 10 }, scope: { orgUnit: 'GROUP', includeDescendants: true }, category: 'call_center',
    }));

    async function ingest(rate: number): Promise<void> {
      series.set('call_abandon_rate', dept.id, 'hour', clock.now(), rate);
      const stored = await insertTestEvents(t.db, [{ sourceId: source, type: 'call', orgCode: 'CALL', occurredAt: clock.now(), attributes: { abandoned: true } }]);
      await engine.consumer.afterCommit?.(stored);
    }
    async function state(): Promise<string | null> {
      return (await alerts.list({ paths: ['/'], ruleCode: 'call_abandon_high' }))[0]?.state ?? null;
    }
    /** Ticks the scheduler every minute until the alert reaches `target`; returns when it did. */
    async function tickUntil(target: string, maxMinutes: number): Promise<Date | null> {
      for (let i = 0; i < maxMinutes; i++) {
        clock.advance(60_000);
        await job.run(clock.now());
        if ((await state()) === target) return clock.now();
      }
      return null;
    }

    const t0 = clock.now();
    await ingest(0.2);
    expect(await state()).toBe('pending');
    const firedAt = await tickUntil('firing', 15);
    expect(firedAt).not.toBeNull();
    expect((firedAt?.getTime() ?? 0) - t0.getTime()).toBeGreaterThanOrEqual(5 * 60_000);
    expect((firedAt?.getTime() ?? 0) - t0.getTime()).toBeLessThanOrEqual(6 * 60_000);

    clock.advance(10 * 60_000);
    await ingest(0.09);
    expect(await state()).toBe('firing');
    const t1 = clock.now();
    await ingest(0.05);
    const resolvedAt = await tickUntil('resolved', 20);
    expect(resolvedAt).not.toBeNull();
    expect((resolvedAt?.getTime() ?? 0) - t1.getTime()).toBeGreaterThanOrEqual(10 * 60_000);
    expect((resolvedAt?.getTime() ?? 0) - t1.getTime()).toBeLessThanOrEqual(11 * 60_000);

    expect(consumer.seen.map((e) => `${e.from ?? 'none'}>${e.to}`)).toEqual(['none>pending', 'pending>firing', 'firing>resolved']);
    expect(consumer.seen.map((e) => e.notify)).toEqual([false, true, true]);
    const [alert] = await alerts.list({ paths: ['/'] });
    const history = await alerts.history(alert?.id ?? 0);
    expect(history.map((h) => [h.reason, h.value])).toEqual([['breach', 0.2], ['for_satisfied', 0.2], ['cleared', 0.05]]);
  });
});

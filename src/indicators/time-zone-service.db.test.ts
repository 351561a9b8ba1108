import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, testBackend, type TestDb } from '../../test/support/test-db.ts';
import type { ActionContext } from '../audit/index.ts';
import { createOrgsService, type OrgUnit } from '../orgs/index.ts';
import { createFakeClock } from '../shared/index.ts';
import { writeSetting } from '../store/index.ts';
import { createIndicatorCatalog } from './catalog-service.ts';
import { createIndicatorDefinitionsService } from './definitions-service.ts';
import { dumpRollups, insertFixtureEvents, insertFixtureSource, type FixtureEvent } from './event-fixture-repo.ts';
import { createManualValuesService } from './manual-values-service.ts';
import { createIndicatorQueryService } from './query-service.ts';
import { createIndicatorRollupConsumer } from './rollup-service.ts';
import { createIndicatorTargetsService } from './targets-service.ts';
import { createTimeZoneService } from './time-zone-service.ts';

const ctx: ActionContext = { actor: { kind: 'system', id: null, name: 'test' }, now: new Date('2026-12-20T00:00:00Z') };

/**
 * Events near the edges of days, months and years in both zones (Shanghai is UTC+8): after a change
 * to UTC the stored roll-ups, manual values and targets must equal those of a load made in UTC.
 */
function edgeEvents(org: OrgUnit): FixtureEvent[] {
  const at = [
    '2026-10-31T15:30:00Z', '2026-10-31T16:30:00Z', '2026-11-30T23:59:00Z', '2026-11-30T15:00:00Z', '2026-12-31T17:00:00Z',
    '2026-12-31T23:00:00Z', '2027-01-01T00:30:00Z', '2026-11-15T08:00:00Z', '2026-11-15T20:00:00Z',
  ];
  return at.flatMap((t, i): FixtureEvent[] => [
    { eventId: `v${String(i)}`, type: 'visit', orgUnitId: org.id, occurredAt: new Date(t), patient: `p${String(i % 3)}`, attributes: { channel: i % 2 === 0 ? 'offline' : 'online' } },
    { eventId: `c${String(i)}`, type: 'charge', orgUnitId: org.id, occurredAt: new Date(t), patient: `p${String(i % 3)}`, attributes: { amount: 100 + i, category: 'drug', setting: 'outpatient' } },
    {
      eventId: `d${String(i)}`, type: 'discharge', orgUnitId: org.id, occurredAt: new Date(t), patient: `p${String(i)}`,
      attributes: { admittedAt: new Date(new Date(t).getTime() - (i + 1) * 20 * 3600_000).toISOString() },
    },
  ]);
}

describe(`time-zone change on ${testBackend}`, () => {
  let t: TestDb;
  let ward: OrgUnit;
  let sourceId: number;
  const catalog = createIndicatorCatalog();
  const clock = createFakeClock('2026-12-20T00:00:00Z');

  function services() {
    const orgs = createOrgsService({ db: t.db });
    return {
      orgs,
      manual: createManualValuesService({ db: t.db, catalog, orgs }),
      targets: createIndicatorTargetsService({ db: t.db, catalog, orgs }),
      queries: createIndicatorQueryService({ db: t.db, catalog, orgs, clock }),
      timeZone: createTimeZoneService({ db: t.db, catalog, clock }),
    };
  }

  /** Loads the events, a manual value and a target (keyed by period, as people enter them). */
  async function load(): Promise<void> {
    const { manual, targets } = services();
    const consumer = createIndicatorRollupConsumer({ catalog });
    await t.db.transaction(async (tx) => {
      const stored = await insertFixtureEvents(tx, sourceId, edgeEvents(ward));
      await consumer.inTransaction?.(tx, stored);
    });
    await manual.setValue(ctx, 'open_bed_days', { org: ward, periodKey: '2026-11', value: 300 });
    await manual.setValue(ctx, 'open_bed_days', { org: ward, periodKey: '2026-12-01', value: 10 });
    await targets.setTarget(ctx, 'outpatient_visits', { org: ward, periodKey: '2026-11', value: 5 });
  }

  async function clear(zone: string): Promise<void> {
    for (const table of ['indicator_rollup', 'indicator_rollup_tree', 'indicator_manual_value', 'indicator_target', 'event']) await t.db.query(`DELETE FROM ${table}`);
    await t.db.transaction((tx) => writeSetting(tx, 'time_zone', zone, ctx.now));
  }

  async function snapshot(): Promise<{ rollups: string[]; series: unknown[] }> {
    const { queries } = services();
    const series = [];
    for (const code of ['outpatient_visits', 'outpatient_patients', 'avg_length_of_stay', 'open_bed_days', 'bed_occupancy', 'medical_revenue']) {
      for (const grain of ['day', 'month', 'year'] as const) series.push(await queries.series(code, ward, grain, new Date('2026-10-01T00:00:00Z'), new Date('2027-01-05T00:00:00Z')));
    }
    return { rollups: await dumpRollups(t.db), series };
  }

  beforeAll(async () => {
    t = await createTestDb();
    const orgs = createOrgsService({ db: t.db });
    await orgs.create(ctx, { code: 'G', name: '集团', kind: 'group' });
    ward = await orgs.create(ctx, { code: 'W', name: '病区', kind: 'department', parentCode: 'G' });
    await createIndicatorDefinitionsService({ db: t.db, catalog }).installLibrary(ctx);
    sourceId = await t.db.transaction((tx) => insertFixtureSource(tx, ward.id, 'fixture', ['visit', 'charge', 'discharge']));
  }, 60_000);
  afterAll(async () => t.drop());
  beforeEach(() => clear('Asia/Shanghai'));

  it('gives the same roll-ups and series as a fresh load in the new zone, and back', async () => {
    await clear('UTC');
    await load();
    const freshUtc = await snapshot();
    await clear('Asia/Shanghai');
    await load();
    const freshShanghai = await snapshot();
    expect(freshShanghai.rollups).not.toEqual(freshUtc.rollups);

    const { timeZone } = services();
    const result = await timeZone.change(ctx, 'UTC', ward.id);
    expect(result).toMatchObject({ timeZone: 'UTC', previous: 'Asia/Shanghai', eventsRead: 27 });
    expect(result.periodsMoved).toBe(3);
    expect(await snapshot()).toEqual(freshUtc);
    expect(timeZone.progress()).toMatchObject({ state: 'done', from: 'Asia/Shanghai', to: 'UTC', eventsRead: 27, eventsTotal: 27 });

    await timeZone.change(ctx, 'Asia/Shanghai', ward.id);
    expect(await snapshot()).toEqual(freshShanghai);
  });

  it('keeps every series non-zero across the change (the bug: months read 0 after it)', async () => {
    await load();
    const { timeZone, queries } = services();
    await timeZone.change(ctx, 'Europe/London', ward.id);
    const { points } = await queries.series('outpatient_visits', ward, 'month', new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z'));
    expect(points.map((p) => [p.periodKey, p.value, p.target])).toEqual([['2026-11', 4, 5]]);
  });

  it('refuses an unknown zone and leaves the setting alone', async () => {
    await load();
    const { timeZone } = services();
    await expect(timeZone.change(ctx, 'Mars/Base', ward.id)).rejects.toMatchObject({ code: 'SETTING_INVALID_TIME_ZONE', details: { field: '/body/timeZone' } });
    expect(await timeZone.current()).toBe('Asia/Shanghai');
  });

  it('audits the change with what was rebuilt', async () => {
    await load();
    await services().timeZone.change(ctx, 'UTC', ward.id);
    const r = await t.db.query<{ summary: unknown }>("SELECT summary FROM audit_entry WHERE action = 'setting.changed' ORDER BY seq DESC LIMIT 1");
    expect(r.rows[0]?.summary).toEqual({ before: 'Asia/Shanghai', after: 'UTC', eventsRebuilt: 27, periodsMoved: 3 });
  });
});

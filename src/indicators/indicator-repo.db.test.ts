import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, testBackend, type TestDb } from '../../test/support/test-db.ts';
import type { ActionContext } from '../audit/index.ts';
import { createOrgsService, type OrgUnit } from '../orgs/index.ts';
import { insertFixtureEvents, insertFixtureSource } from './event-fixture-repo.ts';
import {
  currentDefinitions, definitionVersions, deleteRollups, eventPage, listManualValues, listTargets, saveDefinitionVersion, sumByChild, sumSeries,
  upsertManualValue, upsertTarget, type RollupRow,
} from './indicator-repo.ts';
import { upsertRollupRows as upsertRollups } from './rollup-repo.ts';

const ctx: ActionContext = { actor: { kind: 'system', id: null, name: 'test' }, now: new Date('2026-11-23T00:00:00Z') };
const day = (d: number) => new Date(Date.UTC(2026, 10, d) - 8 * 3_600_000);

describe(`indicator repository on ${testBackend}`, () => {
  let t: TestDb;
  let h: OrgUnit;
  let a: OrgUnit;
  let b: OrgUnit;
  let team: OrgUnit;

  const row = (org: OrgUnit, d: number, count: number, extra: Partial<RollupRow> = {}): RollupRow => ({
    indicator: 'visits', orgUnitId: org.id, grain: 'day', bucketStart: day(d), count, sum: 0, numerator: count * 1000, denominator: 2000, sketch: null, distinct: null, ...extra,
  });

  beforeAll(async () => {
    t = await createTestDb();
    const orgs = createOrgsService({ db: t.db });
    await orgs.create(ctx, { code: 'G', name: 'g', kind: 'group' });
    h = await orgs.create(ctx, { code: 'H', name: 'h', kind: 'hospital', parentCode: 'G' });
    a = await orgs.create(ctx, { code: 'A', name: 'a', kind: 'department', parentCode: 'H' });
    b = await orgs.create(ctx, { code: 'B', name: 'b', kind: 'department', parentCode: 'H' });
    team = await orgs.create(ctx, { code: 'A1', name: 'a1', kind: 'team', parentCode: 'A' });
    await t.db.transaction(async (tx) => {
      await saveDefinitionVersion(tx, { code: 'visits', version: 1, origin: 'library', definition: { v: 1 }, createdAt: ctx.now, createdBy: 'test' });
      await saveDefinitionVersion(tx, { code: 'visits', version: 2, origin: 'custom', definition: { v: 2 }, createdAt: ctx.now, createdBy: 'analyst' });
    });
  }, 60_000);
  afterAll(async () => t.drop());
  beforeEach(async () => {
    await t.db.query('DELETE FROM indicator_rollup');
  });

  it('keeps every version and makes the latest current', async () => {
    expect((await definitionVersions(t.db, 'visits')).map((d) => [d.version, d.origin, d.definition])).toEqual([[1, 'library', { v: 1 }], [2, 'custom', { v: 2 }]]);
    expect((await currentDefinitions(t.db, 'visits')).map((d) => d.version)).toEqual([2]);
    await expect(t.db.transaction((tx) => saveDefinitionVersion(tx, { code: 'visits', version: 2, origin: 'custom', definition: {}, createdAt: ctx.now, createdBy: 'x' }))).rejects.toThrow();
  });

  it('adds the numeric columns of an upsert to the stored row and replaces the JSON only when given', async () => {
    await upsertRollups(t.db, [row(a, 1, 2, { distinct: ['p1'] }), row(b, 1, 1)]);
    await upsertRollups(t.db, [row(a, 1, 3), row(a, 2, 1)]);
    const r = await t.db.query<{ count: number; numerator: number; distinct_keys: unknown }>(
      'SELECT count, numerator, distinct_keys FROM indicator_rollup WHERE org_unit_id = $1 AND bucket_start = $2', [a.id, day(1)],
    );
    expect(r.rows).toEqual([{ count: 5, numerator: 5000, distinct_keys: ['p1'] }]);
  });

  it('sums a subtree per bucket, and each child’s subtree for a breakdown', async () => {
    await upsertRollups(t.db, [row(a, 1, 2), row(team, 1, 4), row(b, 1, 1), row(b, 2, 7)]);
    const series = await sumSeries(t.db, { indicator: 'visits', grain: 'day', from: day(1), to: day(3), path: h.path, withSketch: false, withDistinct: false });
    expect([...series.entries()].map(([k, v]) => [new Date(k).toISOString(), v.count, v.numerator])).toEqual([
      [day(1).toISOString(), 7, 7000],
      [day(2).toISOString(), 7, 7000],
    ]);
    const onlyA = await sumSeries(t.db, { indicator: 'visits', grain: 'day', from: day(1), to: day(2), path: a.path, withSketch: false, withDistinct: false });
    expect(onlyA.get(day(1).getTime())?.count).toBe(6);
    const children = await sumByChild(t.db, { indicator: 'visits', grain: 'day', bucketStart: day(1), parentId: h.id, withSketch: false, withDistinct: false });
    expect([...children.entries()].map(([id, v]) => [id, v.count])).toEqual(expect.arrayContaining([[a.id, 6], [b.id, 1]]));
  });

  it('deletes only the buckets of the grain and range asked for', async () => {
    await upsertRollups(t.db, [row(a, 1, 1), row(a, 2, 1), row(a, 3, 1), { ...row(a, 1, 1), grain: 'month' }]);
    expect(await deleteRollups(t.db, 'day', day(2), day(3), ['visits'])).toBe(1);
    const left = await t.db.query<{ grain: string }>('SELECT grain FROM indicator_rollup ORDER BY grain, bucket_start');
    expect(left.rows.map((r) => r.grain)).toEqual(['day', 'day', 'month']);
  });

  it('refuses a roll-up of an unknown grain, indicator or org unit', async () => {
    await expect(upsertRollups(t.db, [{ ...row(a, 1, 1), grain: 'decade' as 'day' }])).rejects.toThrow();
    await expect(upsertRollups(t.db, [{ ...row(a, 1, 1), indicator: 'nope' }])).rejects.toThrow();
    await expect(upsertRollups(t.db, [{ ...row(a, 1, 1), orgUnitId: 999_999 }])).rejects.toThrow();
  });

  it('returns the replaced manual value and target', async () => {
    const value = { indicator: 'visits', orgUnitId: a.id, grain: 'month' as const, periodStart: day(1), value: 3.5, enteredBy: 'x', enteredAt: ctx.now };
    expect(await upsertManualValue(t.db, value)).toBeNull();
    expect(await upsertManualValue(t.db, { ...value, value: 4 })).toBe(3.5);
    expect((await listManualValues(t.db, ['visits'])).map((v) => v.value)).toEqual([4]);
    const target = { indicator: 'visits', orgUnitId: h.id, grain: 'month' as const, periodStart: day(1), value: 90, setBy: 'x', setAt: ctx.now };
    expect(await upsertTarget(t.db, target)).toBeNull();
    expect(await upsertTarget(t.db, { ...target, value: 95 })).toBe(90);
    const found = await listTargets(t.db, { indicator: 'visits', grain: 'month', from: day(1), to: day(2), orgUnitIds: [a.id, h.id] });
    expect(found.map((f) => [f.orgUnitId, f.value])).toEqual([[h.id, 95]]);
  });

  it('pages the raw event table in id order, optionally by type', async () => {
    await t.db.transaction(async (tx) => {
      const source = await insertFixtureSource(tx, h.id, 'repo-test', ['visit', 'call']);
      await insertFixtureEvents(tx, source, ['visit', 'call', 'visit'].map((type, i) => ({
        eventId: `r${String(i)}`, type, orgUnitId: a.id, occurredAt: day(1), patient: null, attributes: { i },
      })));
    });
    const first = await eventPage(t.db, 0, 2, null);
    expect(first.map((e) => e.type)).toEqual(['visit', 'call']);
    const rest = await eventPage(t.db, first[1]?.id ?? 0, 2, null);
    expect(rest.map((e) => [e.type, e.orgUnitCode, e.attributes])).toEqual([['visit', 'A', { i: 2 }]]);
    expect((await eventPage(t.db, 0, 10, ['call'])).length).toBe(1);
  });
});

import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, testBackend, type TestDb } from '../../test/support/test-db.ts';
import type { ActionContext } from '../audit/index.ts';
import { createOrgsService, type OrgUnit } from '../orgs/index.ts';
import { createIndicatorCatalog } from './catalog-service.ts';
import { createIndicatorDefinitionsService } from './definitions-service.ts';
import { dumpRollups, insertFixtureEvents, insertFixtureSource, type FixtureEvent } from './event-fixture-repo.ts';
import { createManualValuesService } from './manual-values-service.ts';
import { createIndicatorQueryService } from './query-service.ts';
import { createIndicatorRebuildService, createIndicatorRollupConsumer } from './rollup-service.ts';

const ctx = (now = '2026-11-23T00:00:00Z'): ActionContext => ({ actor: { kind: 'system', id: null, name: 'test' }, now: new Date(now) });

describe(`indicator roll-ups on ${testBackend}`, () => {
  let t: TestDb;
  let root: OrgUnit;
  let sourceId: number;
  let seq = 0;
  const catalog = createIndicatorCatalog();

  function services() {
    const orgs = createOrgsService({ db: t.db });
    return {
      orgs,
      definitions: createIndicatorDefinitionsService({ db: t.db, catalog }),
      consumer: createIndicatorRollupConsumer({ catalog }),
      rebuild: createIndicatorRebuildService({ db: t.db, catalog }),
      manual: createManualValuesService({ db: t.db, catalog, orgs }),
    };
  }

  function visit(org: OrgUnit, at: string, attributes: Record<string, unknown> = {}, patient: string | null = null): FixtureEvent {
    seq += 1;
    return { eventId: `e${String(seq)}`, type: 'visit', orgUnitId: org.id, occurredAt: new Date(at), patient, attributes: { channel: 'offline', ...attributes } };
  }

  async function ingest(events: readonly FixtureEvent[]): Promise<void> {
    const { consumer } = services();
    await t.db.transaction(async (tx) => {
      const stored = await insertFixtureEvents(tx, sourceId, events);
      await consumer.inTransaction?.(tx, stored);
    });
  }

  async function clear(): Promise<void> {
    await t.db.query('DELETE FROM indicator_rollup');
    await t.db.query('DELETE FROM indicator_rollup_tree');
    await t.db.query('DELETE FROM indicator_manual_value');
    await t.db.query('DELETE FROM event');
  }

  beforeAll(async () => {
    t = await createTestDb();
    const { orgs, definitions } = services();
    root = await orgs.create(ctx(), { code: 'G', name: '集团', kind: 'group' });
    await orgs.create(ctx(), { code: 'H', name: '医院', kind: 'hospital', parentCode: 'G' });
    await orgs.create(ctx(), { code: 'A', name: '甲科', kind: 'department', parentCode: 'H' });
    await orgs.create(ctx(), { code: 'B', name: '乙科', kind: 'department', parentCode: 'H' });
    await definitions.installLibrary(ctx());
    sourceId = await t.db.transaction((tx) => insertFixtureSource(tx, root.id, 'fixture', ['visit', 'consultation', 'discharge', 'charge', 'prescription']));
  }, 60_000);
  afterAll(async () => t.drop());
  beforeEach(clear);

  it('installs the library once: a second install changes nothing', async () => {
    const { definitions } = services();
    const again = await definitions.installLibrary(ctx());
    expect(again).toEqual({ installed: [], upgraded: [] });
    expect((await definitions.list()).length).toBeGreaterThan(30);
  });

  it('adds a batch to the buckets of every grain in the same transaction, per leaf org unit', async () => {
    const { orgs } = services();
    const a = await orgs.require('A');
    await ingest([visit(a, '2026-11-23T01:00:00Z'), visit(a, '2026-11-23T02:00:00Z', { channel: 'online' })]);
    const r = await t.db.query<{ grain: string; count: number }>(
      "SELECT grain, count FROM indicator_rollup WHERE indicator = 'outpatient_visits' AND org_unit_id = $1 ORDER BY grain", [a.id],
    );
    expect([...new Set(r.rows.map((row) => row.grain))].sort()).toEqual(['day', 'hour', 'month', 'quarter', 'week', 'year']);
    expect(r.rows.find((row) => row.grain === 'day')?.count).toBe(2);
    const share = await t.db.query<{ numerator: number; denominator: number }>(
      "SELECT numerator, denominator FROM indicator_rollup WHERE indicator = 'online_visit_share' AND grain = 'month' AND org_unit_id = $1", [a.id],
    );
    expect(share.rows[0]).toEqual({ numerator: 1000, denominator: 2000 });
  });

  it('leaves no roll-up behind when the ingest transaction rolls back', async () => {
    const { orgs, consumer } = services();
    const a = await orgs.require('A');
    await expect(t.db.transaction(async (tx) => {
      const stored = await insertFixtureEvents(tx, sourceId, [visit(a, '2026-11-23T01:00:00Z')]);
      await consumer.inTransaction?.(tx, stored);
      throw new Error('the batch fails after the roll-ups were written');
    })).rejects.toThrow('the batch fails');
    expect(await dumpRollups(t.db)).toEqual([]);
  });

  it('merges distinct patients and percentile sketches with the stored state across batches', async () => {
    const { orgs } = services();
    const a = await orgs.require('A');
    await ingest([visit(a, '2026-11-23T01:00:00Z', {}, 'p1'), visit(a, '2026-11-23T02:00:00Z', {}, 'p2')]);
    await ingest([visit(a, '2026-11-23T03:00:00Z', {}, 'p2'), visit(a, '2026-11-23T04:00:00Z', {}, 'p3')]);
    const r = await t.db.query<{ distinct_keys: string[] }>(
      "SELECT distinct_keys FROM indicator_rollup WHERE indicator = 'outpatient_patients' AND grain = 'day' AND org_unit_id = $1", [a.id],
    );
    expect(r.rows[0]?.distinct_keys).toEqual(['p1', 'p2', 'p3']);
  });

  it('loses no distinct key when concurrent batches merge the same rows', async () => {
    const { orgs } = services();
    const a = await orgs.require('A');
    const batches = Array.from({ length: 6 }, (_, b) => Array.from({ length: 5 }, (_, i) => visit(a, `2026-11-23T0${String(i)}:00:00Z`, {}, `p${String(b)}-${String(i)}`)));
    await Promise.all(batches.map((events) => ingest(events)));
    const r = await t.db.query<{ grain: string; count: number; distinct_keys: string[] }>(
      "SELECT grain, count, distinct_keys FROM indicator_rollup WHERE indicator = 'outpatient_patients' AND org_unit_id = $1 AND grain IN ('day', 'year') ORDER BY grain", [a.id],
    );
    const expected = batches.flat().map((e) => e.patient).sort();
    expect(r.rows.map((row) => [row.grain, row.distinct_keys])).toEqual([['day', expected], ['year', expected]]);
  });

  it('updates a past bucket when a late event arrives', async () => {
    const { orgs } = services();
    const a = await orgs.require('A');
    await ingest([visit(a, '2026-11-23T01:00:00Z')]);
    await ingest([visit(a, '2026-10-02T01:00:00Z')]);
    const r = await t.db.query<{ count: number }>(
      "SELECT count FROM indicator_rollup WHERE indicator = 'outpatient_visits' AND grain = 'month' AND bucket_start = '2026-09-30T16:00:00Z' AND org_unit_id = $1", [a.id],
    );
    expect(r.rows[0]?.count).toBe(1);
  });

  it('rebuilds a range without touching buckets outside it', async () => {
    const { orgs, rebuild } = services();
    const a = await orgs.require('A');
    await ingest([visit(a, '2026-11-23T01:00:00Z'), visit(a, '2026-10-10T01:00:00Z'), visit(a, '2025-06-01T01:00:00Z')]);
    const before = await dumpRollups(t.db);
    await t.db.query("UPDATE indicator_rollup SET count = 99 WHERE indicator = 'outpatient_visits'");
    await rebuild.rebuild({ from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-30T00:00:00Z') });
    const day = await t.db.query<{ bucket_start: Date; count: number }>(
      "SELECT bucket_start, count FROM indicator_rollup WHERE indicator = 'outpatient_visits' AND grain = 'day' ORDER BY bucket_start",
    );
    // 2025-06 and 2026-10 days lie outside the range and keep the tampered value; the rebuilt day is right again.
    expect(day.rows.map((row) => row.count)).toEqual([99, 99, 1]);
    await rebuild.rebuild();
    expect(await dumpRollups(t.db)).toEqual(before);
  });

  it('answers percentile series and breakdowns from subtree rows, equal to merging the departments, until an org unit moves', async () => {
    const { orgs, rebuild } = services();
    const clock = { now: () => new Date('2026-11-30T00:00:00Z') };
    const queries = createIndicatorQueryService({ db: t.db, catalog, orgs, clock });
    const a = await orgs.require('A');
    const b = await orgs.require('B');
    const hospital = await orgs.require('H');
    const consult = (org: OrgUnit, at: string, minutes: number): FixtureEvent => {
      seq += 1;
      const requested = new Date(at);
      return {
        eventId: `c${String(seq)}`, type: 'consultation', orgUnitId: org.id, occurredAt: requested, patient: null,
        attributes: { requestedAt: requested.toISOString(), firstResponseAt: new Date(requested.getTime() + minutes * 60_000).toISOString() },
      };
    };
    await ingest([consult(a, '2026-11-23T01:00:00Z', 4), consult(b, '2026-11-23T02:00:00Z', 30), consult(a, '2026-11-24T01:00:00Z', 9)]);
    await ingest([consult(b, '2026-11-23T03:00:00Z', 12), consult(b, '2026-11-24T05:00:00Z', 50)]);
    const code = 'consult_first_response_p90';
    const ask = async () => ({
      day: (await queries.series(code, hospital, 'day', new Date('2026-11-22T16:00:00Z'), new Date('2026-11-24T16:00:00Z'))).points.map((p) => p.value),
      group: (await queries.series(code, root, 'month', new Date('2026-10-31T16:00:00Z'), new Date('2026-11-30T16:00:00Z'))).points.map((p) => p.value),
      children: (await queries.breakdown(code, hospital, 'day', new Date('2026-11-22T16:00:00Z'))).breakdown.children.map((c) => [c.org.code, c.value]),
    });
    const tree = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM indicator_rollup_tree WHERE indicator = $1 AND org_unit_id = $2", [code, hospital.id]);
    expect(tree.rows[0]?.n).toBeGreaterThan(0);
    const fromTree = await ask();
    // The same questions answered by merging the departments' own rows.
    await t.db.query('DELETE FROM indicator_rollup_tree_complete WHERE indicator = $1', [code]);
    const merged = await ask();
    expect(fromTree).toEqual(merged);
    expect(merged.day.every((v) => v !== null)).toBe(true);
    await rebuild.rebuild();
    expect(await ask()).toEqual(merged);

    // Moving an org unit makes every subtree row stale: they are dropped, and answers stay right.
    const other = await orgs.create(ctx(), { code: 'H2', name: '分院', kind: 'hospital', parentCode: 'G' });
    await orgs.move(ctx(), 'B', other.code);
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM indicator_rollup_tree')).rows[0]?.n).toBe(0);
    const afterMove = await ask();
    expect(afterMove.group).toEqual(merged.group);
    expect(afterMove.children.map(([c]) => c)).toEqual(['A']);
    await rebuild.rebuild();
    expect(await ask()).toEqual(afterMove);
    await orgs.move(ctx(), 'B', 'H');
    // Complete again for the tests after this one.
    await rebuild.rebuild();
  });

  it('equals a rebuild from the raw events for any stream, order, batching and org tree (property)', async () => {
    const { orgs, manual, rebuild } = services();
    let treeNo = 0;
    const eventArb = fc.record({
      node: fc.nat(5),
      minute: fc.integer({ min: 0, max: 60 * 24 * 500 }),
      type: fc.constantFrom('visit', 'consultation', 'discharge', 'charge', 'prescription'),
      online: fc.boolean(),
      patient: fc.option(fc.constantFrom('p1', 'p2', 'p3', 'p4'), { nil: null }),
      amount: fc.integer({ min: 0, max: 5000 }),
      wait: fc.integer({ min: -5, max: 600 }),
      essential: fc.boolean(),
    });
    const manualArb = fc.record({ node: fc.nat(5), month: fc.integer({ min: 1, max: 12 }), value: fc.integer({ min: 0, max: 900 }) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(10), { minLength: 1, maxLength: 5 }),
        fc.array(eventArb, { minLength: 1, maxLength: 25 }),
        fc.array(manualArb, { maxLength: 4 }),
        fc.array(fc.nat(4), { minLength: 1, maxLength: 6 }),
        async (parents, raw, manualValues, cuts) => {
          await clear();
          treeNo += 1;
          // A random tree under the hospital: node i hangs under an earlier node (or the hospital).
          const nodes: OrgUnit[] = [await orgs.require('H')];
          for (const [i, p] of parents.entries()) {
            const open = nodes.filter((n) => n.kind !== 'team');
            const parent = open[p % open.length] ?? nodes[0];
            const kind = parent?.kind === 'hospital' ? 'department' : 'team';
            nodes.push(await orgs.create(ctx(), { code: `T${String(treeNo)}-${String(i)}`, name: `n${String(i)}`, kind, parentCode: parent?.code ?? 'H' }));
          }
          const base = Date.parse('2025-12-31T16:00:00Z');
          const events = raw.map((r): FixtureEvent => {
            const org = nodes[r.node % nodes.length] ?? root;
            const at = new Date(base + r.minute * 60_000);
            const later = new Date(at.getTime() + r.wait * 60_000).toISOString();
            seq += 1;
            const attributes: Record<string, unknown> = {
              visit: { channel: r.online ? 'online' : 'offline', ...(r.essential ? { appointmentId: 'x' } : {}) },
              consultation: { requestedAt: at.toISOString(), firstResponseAt: later },
              discharge: { dischargedAt: later, losDays: r.amount % 30 },
              charge: { amount: r.amount / 100, category: r.essential ? 'drug' : 'service', payer: r.online ? 'insurance' : 'self' },
              prescription: { amount: r.amount / 10, items: [{ drug: 'd', essential: r.essential, antibiotic: r.online, amount: r.amount / 10 }] },
            }[r.type] ?? {};
            return { eventId: `p${String(seq)}`, type: r.type, orgUnitId: org.id, occurredAt: at, patient: r.patient, attributes };
          });
          // Ingest in the given order, split into batches at the given cut points.
          let start = 0;
          for (const cut of [...cuts, events.length]) {
            const end = Math.min(events.length, start + cut + 1);
            if (end > start) await ingest(events.slice(start, end));
            start = end;
          }
          if (start < events.length) await ingest(events.slice(start));
          for (const m of manualValues) {
            const org = nodes[m.node % nodes.length] ?? root;
            await manual.setValue(ctx(), 'open_bed_days', { org, periodKey: `2026-${String(m.month).padStart(2, '0')}`, value: m.value });
          }
          const incremental = await dumpRollups(t.db);
          await rebuild.rebuild();
          expect(await dumpRollups(t.db)).toEqual(incremental);
        },
      ),
      { numRuns: 6, seed: 20261123 },
    );
  }, 120_000);
});

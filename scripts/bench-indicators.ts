/**
 * Indicator query benchmark. Loads one year of synthetic events for 50 departments under one
 * hospital through the roll-up consumer (directly, one transaction per simulated day), then times,
 * for 20 library indicators: a month-grain series and a day-grain series over the year at the
 * hospital (summing the 50 subtrees), and a breakdown over the 50 children; in the same run it times
 * the equivalent plain SQL aggregate over the raw event table as a reference. Runs on PGlite, and on
 * PostgreSQL when DATABASE_URL is set. The last line is one JSON object with the figures.
 *
 * A small generator of its own (not src/simulator): the benchmark needs exactly 50 children under
 * one parent and a volume it controls. BENCH_EVENTS_PER_DAY (per department, default 4) scales it.
 */
import { createTestDb, type TestDb } from '../test/support/test-db.ts';
import type { ActionContext } from '../src/audit/index.ts';
import { insertFixtureEvents, insertFixtureSource, type FixtureEvent } from '../src/indicators/event-fixture-repo.ts';
import { createIndicatorServices } from '../src/indicators/indicators-service.ts';
import { createOrgsService, type OrgUnit } from '../src/orgs/index.ts';
import { systemClock, type Grain } from '../src/shared/index.ts';
import type { Backend } from '../src/store/index.ts';

const DEPARTMENTS = 50;
const PER_DAY = Number(process.env.BENCH_EVENTS_PER_DAY ?? 4);
const YEAR_START = Date.parse('2025-11-30T16:00:00Z'); // 2025-12-01 00:00 Asia/Shanghai
const DAYS = 365;
const INDICATOR_COUNT = 20;

interface Figures { seriesP50Ms: number; seriesP95Ms: number; monthSeriesP95Ms: number; daySeriesP95Ms: number; breakdownP95Ms: number; sqlReferenceP95Ms: number; loadSeconds: number; events: number }

/** A deterministic pseudo-random stream (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function eventsOfDay(day: number, departments: readonly OrgUnit[], rnd: () => number, seq: { n: number }): FixtureEvent[] {
  const out: FixtureEvent[] = [];
  const iso = (ms: number) => new Date(ms).toISOString();
  for (const dept of departments) {
    for (let i = 0; i < PER_DAY; i++) {
      const at = YEAR_START + day * 86_400_000 + Math.floor(rnd() * 86_400_000);
      const kind = rnd();
      const patient = `p${String(Math.floor(rnd() * 5000))}`;
      seq.n += 1;
      const base = { eventId: `b${String(seq.n)}`, orgUnitId: dept.id, occurredAt: new Date(at), patient };
      const amount = Math.round(rnd() * 50_000) / 100;
      if (kind < 0.35) {
        const slot = at - Math.floor(rnd() * 3_600_000);
        out.push({ ...base, type: 'visit', attributes: { channel: rnd() < 0.2 ? 'online' : 'offline', visitKind: 'first', slotAt: iso(slot), startedAt: iso(at), ...(rnd() < 0.6 ? { appointmentId: `a${String(seq.n)}` } : {}) } });
      } else if (kind < 0.5) {
        out.push({ ...base, type: 'charge', attributes: { amount, category: ['drug', 'consumable', 'exam', 'lab', 'service'][Math.floor(rnd() * 5)] ?? 'other', payer: rnd() < 0.6 ? 'insurance' : 'self', channel: 'offline' } });
      } else if (kind < 0.65) {
        out.push({
          ...base, type: 'prescription',
          attributes: {
            amount, channel: 'offline', ...(rnd() < 0.9 ? { reviewedAt: iso(at + 600_000) } : {}),
            items: [{ drug: 'x', essential: rnd() < 0.5, antibiotic: rnd() < 0.2, centralProcurement: rnd() < 0.4, amount }],
          },
        });
      } else if (kind < 0.75) {
        out.push({ ...base, type: 'consultation', attributes: { requestedAt: iso(at), firstResponseAt: iso(at + Math.floor(rnd() * 3_600_000)) } });
      } else if (kind < 0.85) {
        out.push({ ...base, type: 'call', attributes: { queuedAt: iso(at), answeredAt: iso(at + Math.floor(rnd() * 60_000)), abandoned: rnd() < 0.05, satisfaction: 1 + Math.floor(rnd() * 5) } });
      } else if (kind < 0.95) {
        out.push({ ...base, type: 'discharge', attributes: { dischargedAt: iso(at), losDays: 1 + Math.floor(rnd() * 14) } });
      } else {
        out.push({ ...base, type: 'survey', attributes: { scope: 'outpatient', scale: '0-100', score: 60 + Math.floor(rnd() * 41) } });
      }
    }
  }
  return out;
}

function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const v = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  return Math.round(v * 10) / 10;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

async function run(backend: Backend): Promise<Figures> {
  const t: TestDb = await createTestDb(backend);
  try {
    const ctx: ActionContext = { actor: { kind: 'system', id: null, name: 'bench' }, now: new Date() };
    const orgs = createOrgsService({ db: t.db });
    const group = await orgs.create(ctx, { code: 'G', name: '集团', kind: 'group' });
    const hospital = await orgs.create(ctx, { code: 'H', name: '医院', kind: 'hospital', parentCode: 'G' });
    const departments: OrgUnit[] = [];
    for (let i = 0; i < DEPARTMENTS; i++) departments.push(await orgs.create(ctx, { code: `D${String(i)}`, name: `科室${String(i)}`, kind: 'department', parentCode: 'H' }));
    const ind = createIndicatorServices({ db: t.db, orgs, clock: systemClock });
    await ind.definitions.installLibrary(ctx);
    const types = ['visit', 'charge', 'prescription', 'consultation', 'call', 'discharge', 'survey'];
    const sourceId = await t.db.transaction((tx) => insertFixtureSource(tx, group.id, 'bench', types));

    const rnd = random(20261123);
    const seq = { n: 0 };
    const loadStart = performance.now();
    for (let day = 0; day < DAYS; day++) {
      const events = eventsOfDay(day, departments, rnd, seq);
      await t.db.transaction(async (tx) => {
        const stored = await insertFixtureEvents(tx, sourceId, events);
        await ind.rollupConsumer.inTransaction?.(tx, stored);
      });
      if (day % 73 === 72) process.stderr.write(`  ${backend}: loaded ${String(day + 1)} days (${String(seq.n)} events)\n`);
    }
    const loadSeconds = Math.round((performance.now() - loadStart) / 100) / 10;
    // Steady state: autovacuum has set the visibility map, so subtree sums are index-only scans.
    await t.db.query('VACUUM ANALYZE');

    const codes = (await ind.definitions.list()).filter((d) => d.definition.measure.kind !== 'manual').slice(0, INDICATOR_COUNT).map((d) => d.definition.code);
    const from = new Date(YEAR_START);
    const to = new Date(YEAR_START + DAYS * 86_400_000);
    const month: number[] = [];
    const day: number[] = [];
    const breakdown: number[] = [];
    const reference: number[] = [];
    const slowest = new Map<string, number>();
    const series = (code: string, grain: Grain) => ind.queries.series(code, hospital, grain, from, to);
    for (let round = 0; round < 3; round++) {
      for (const code of codes) {
        month.push(await timed(() => series(code, 'month')));
        const dayMs = await timed(() => series(code, 'day'));
        day.push(dayMs);
        slowest.set(code, Math.max(slowest.get(code) ?? 0, dayMs));
        breakdown.push(await timed(() => ind.queries.breakdown(code, hospital, 'month', new Date('2026-05-31T16:00:00Z'))));
        // The plain-SQL equivalent of the month series: aggregate the raw events of the subtree.
        reference.push(await timed(() => t.db.query(
          `SELECT date_trunc('month', e.occurred_at AT TIME ZONE 'Asia/Shanghai') AS m, count(*), sum((e.attributes->>'amount')::numeric)
             FROM event e JOIN org_unit o ON o.id = e.org_unit_id
            WHERE o.path LIKE $1 || '%' AND e.occurred_at >= $2 AND e.occurred_at < $3 AND e.type = $4 GROUP BY 1`,
          [hospital.path, from, to, types[codes.indexOf(code) % types.length]],
        )));
      }
    }
    const top = [...slowest.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([c, ms]) => `${c} ${ms.toFixed(0)} ms`);
    process.stderr.write(`  ${backend}: slowest day series: ${top.join(', ')}\n`);
    const all = [...month, ...day];
    return {
      seriesP50Ms: percentile(all, 0.5), seriesP95Ms: percentile(all, 0.95), monthSeriesP95Ms: percentile(month, 0.95), daySeriesP95Ms: percentile(day, 0.95),
      breakdownP95Ms: percentile(breakdown, 0.95), sqlReferenceP95Ms: percentile(reference, 0.95), loadSeconds, events: seq.n,
    };
  } finally {
    await t.drop();
  }
}

const results: Record<string, Figures> = {};
if (process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== '') {
  results['postgres'] = await run('postgres');
  process.stdout.write(`postgres: ${JSON.stringify(results['postgres'])}\n`);
}
results['pglite'] = await run('pglite');
process.stdout.write(`pglite: ${JSON.stringify(results['pglite'])}\n`);
process.stdout.write(`${JSON.stringify(results)}\n`);

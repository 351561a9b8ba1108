/**
 * Indicator query benchmark (`npm run bench:indicators`).
 *
 * Load: one year (local 2025-12-01 to 2026-12-01, Asia/Shanghai) of SIMULATOR events
 * (src/simulator `generateEvents`: the demo group's event types, attributes, timings, money mixes,
 * daily/weekly/holiday rhythms and default incident schedule) at BENCH_SCALE × the demo volume
 * (default 0.25, about 650,000 events). The benchmark's org tree is one group, one hospital and 50
 * departments under it; the simulated group has 37 event-bearing units, so each event is placed
 * deterministically on benchmark department D00–D49 by an FNV-1a hash of its simulated org unit and
 * its patient (its id when it has no patient): one patient's events of one simulated department stay
 * together (an appointment and its visit, a prescription and its charges), and each benchmark
 * department gets about 1/50 of the volume with the whole specialty mix. The simulator's sources
 * are registered at the hospital with their own event types.
 *
 * The events go through the product's ingest path: NDJSON batches (BENCH_BATCH) per source into
 * `createIngestService(...).ingestEvents` (parse, validate, normalise, pseudonymise, commit with
 * content hashes and quality counters), whose commit runs the indicator roll-up consumer in the
 * batch's transaction, exactly as `yunjian serve` does. The rule engine's consumer is left out
 * (no rules are installed here; it would only add load time). Malformed records the schedule
 * injects are rejected and quarantined as in production.
 *
 * Queries, for 20 library indicators chosen across measure kinds (count, distinct, sum, average,
 * percentile, ratio incl. forEach, array filters, duration filters and time attributes), one untimed
 * warm-up pass then 3 timed rounds:
 * a month-grain and a day-grain series over the year at the hospital (summing the 50 subtrees),
 * and a breakdown over the 50 children for June 2026. The reference, timed in the same run: the
 * plain SQL aggregate over the raw `event` table answering the same series question
 * (scripts/bench-indicators-reference.ts: the definition translated to SQL), for month and day; its
 * month answers are checked against the product's series.
 *
 * PostgreSQL runs when DATABASE_URL is set (in a fresh database, dropped afterwards); PGlite always,
 * unless BENCH_BACKEND=postgres (or pglite to skip PostgreSQL). BENCH_DAYS shortens the year for a
 * quick try, BENCH_BATCH sets the records per ingest request (default 5,000, as a source backfilling
 * its history would send; the product accepts up to 10,000) and BENCH_KEEP=1 keeps the PostgreSQL
 * database for EXPLAIN. The last line is one JSON object:
 * {"postgres":{seriesP50Ms,seriesP95Ms,breakdownP95Ms,sqlReferenceP95Ms,…},"pglite":{…}}.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { createTestDb, type TestDb } from '../test/support/test-db.ts';
import type { ActionContext } from '../src/audit/index.ts';
import type { IndicatorDefinition } from '../src/indicators/definition.ts';
import { createIndicatorServices } from '../src/indicators/indicators-service.ts';
import { EMPTY_ACCUMULATOR, valueOf } from '../src/indicators/rollup.ts';
import { createIngestService } from '../src/ingest/ingest-service.ts';
import { createPseudonymiser } from '../src/ingest/pseudonymise.ts';
import type { Source } from '../src/ingest/source-repo.ts';
import { createSourcesService } from '../src/ingest/sources-service.ts';
import { buildServices } from '../src/main.ts';
import type { OrgUnit } from '../src/orgs/index.ts';
import { systemClock, type Grain } from '../src/shared/index.ts';
import { generateEvents, simulatedSources, toWireEvent } from '../src/simulator/index.ts';
import type { Backend, Db } from '../src/store/index.ts';
import { referenceQuery } from './bench-indicators-reference.ts';

const DEPARTMENTS = 50;
const SCALE = Number(process.env.BENCH_SCALE ?? 0.25);
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const BACKEND = process.env.BENCH_BACKEND ?? 'both';
/** BENCH_KEEP=1 keeps the loaded PostgreSQL database (to EXPLAIN the queries); drop it by hand afterwards. */
const KEEP = process.env.BENCH_KEEP === '1';
const SEED = 20261201;
const YEAR_START = Date.parse('2025-11-30T16:00:00Z'); // 2025-12-01 00:00 Asia/Shanghai
const DAY_MS = 86_400_000;
const TIME_ZONE = 'Asia/Shanghai';
const BATCH = Number(process.env.BENCH_BATCH ?? 5000);
const ROUNDS = 3;
const BREAKDOWN_MONTH = new Date('2026-05-31T16:00:00Z'); // June 2026
const INDICATORS = [
  'outpatient_visits', 'discharges', 'calls_offered', // count (discharges by dischargedAt)
  'outpatient_patients', // distinct patients
  'medical_revenue', // sum
  'avg_wait_after_appointment', 'avg_length_of_stay', 'call_avg_speed_of_answer', 'outpatient_satisfaction', // average
  'consult_first_response_p50', 'consult_first_response_p90', // percentile
  'online_visit_share', 'appointment_rate', 'drug_revenue_share', 'pharmacist_review_rate', 'essential_drug_rx_share', // ratio
  'central_procurement_share', 'call_service_level_20s', 'call_abandon_rate', 'outpatient_cost_per_visit', // ratio
];

interface Figures {
  seriesP50Ms: number; seriesP95Ms: number; breakdownP95Ms: number; sqlReferenceP95Ms: number;
  monthSeriesP95Ms: number; daySeriesP95Ms: number; breakdownP50Ms: number; sqlReferenceP50Ms: number;
  events: number; rejected: number; loadSeconds: number; eventsPerSec: number; referenceMismatches: number; loadAverage: string;
}

const log = (line: string) => { process.stderr.write(`${line}\n`); };
const loadAverage = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** FNV-1a, 32 bits: a stable hash for placing simulated events on benchmark departments. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const departmentCode = (i: number) => `D${String(i).padStart(2, '0')}`;

/** The benchmark department of a simulated event: its simulated org unit and patient (or id), hashed. */
function benchDepartment(event: Readonly<Record<string, unknown>>): string | undefined {
  const org = event['orgUnit'];
  if (typeof org !== 'string') return undefined;
  const who = typeof event['patient'] === 'string' ? event['patient'] : String(event['id']);
  return departmentCode(fnv1a(`${org}|${who}`) % DEPARTMENTS);
}

function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const v = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  return Math.round(v * 10) / 10;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

/** Streams the simulated year through the product's ingest path; returns accepted and rejected counts. */
async function loadYear(db: Db, ctx: ActionContext, hospital: OrgUnit, services: ReturnType<typeof buildServices>, consumers: Parameters<typeof createIngestService>[0]['consumers']) {
  const sources = createSourcesService({ db, accounts: services.accounts });
  const ingest = createIngestService({
    db, sources, pseudonymise: createPseudonymiser(randomBytes(32)), consumers,
    log: { warn: (obj, msg) => { log(`ingest warn: ${msg} ${JSON.stringify(obj)}`); }, error: (obj, msg) => { log(`ingest error: ${msg} ${JSON.stringify(obj)}`); } },
  });
  const bySource = new Map<string, Source>();
  for (const spec of simulatedSources()) {
    const { source } = await sources.register(ctx, hospital, { name: spec.code, allowedTypes: spec.eventTypes, cadence: null }, null);
    bySource.set(spec.code, source);
  }
  const buffers = new Map<string, { lines: string[]; lastAt: number }>();
  let accepted = 0;
  let rejected = 0;
  const flush = async (code: string) => {
    const buffer = buffers.get(code);
    const source = bySource.get(code);
    if (!buffer || buffer.lines.length === 0 || !source) return;
    const lines = buffer.lines;
    buffer.lines = [];
    // Received a minute after the batch's last event, as a source sending as it goes.
    const report = await ingest.ingestEvents(source, 'ndjson', lines, new Date(buffer.lastAt + 60_000));
    accepted += report.accepted;
    rejected += report.rejected + report.conflicts;
  };
  const from = new Date(YEAR_START);
  const to = new Date(YEAR_START + DAYS * DAY_MS);
  let nextReport = YEAR_START + 30 * DAY_MS;
  const start = performance.now();
  for (const record of generateEvents({ seed: SEED, from, to, scale: SCALE })) {
    const code = benchDepartment(record.event);
    const wire = toWireEvent(code === undefined ? record.event : { ...record.event, orgUnit: code });
    let buffer = buffers.get(record.source);
    if (!buffer) {
      buffer = { lines: [], lastAt: 0 };
      buffers.set(record.source, buffer);
    }
    buffer.lines.push(`${JSON.stringify(wire)}\n`);
    buffer.lastAt = record.atMs;
    if (buffer.lines.length >= BATCH) await flush(record.source);
    if (record.atMs >= nextReport) {
      const seconds = (performance.now() - start) / 1000;
      log(`  loaded through ${new Date(nextReport + 8 * 3_600_000).toISOString().slice(0, 10)}: ${String(accepted)} events, ${String(Math.round(accepted / seconds))}/s, load average ${loadAverage()}`);
      nextReport += 30 * DAY_MS;
    }
  }
  for (const code of buffers.keys()) await flush(code);
  return { accepted, rejected, seconds: (performance.now() - start) / 1000 };
}

/** How many month values of the reference differ from the product's series (percentiles within the sketch's accuracy). */
function mismatches(d: IndicatorDefinition, product: readonly { periodStart: Date; value: number | null }[], reference: ReadonlyMap<number, number>): string[] {
  const empty = valueOf(d, EMPTY_ACCUMULATOR);
  const relative = d.measure.kind === 'percentile' ? 0.03 : 1e-6;
  const out: string[] = [];
  for (const point of product) {
    const expected = reference.get(point.periodStart.getTime()) ?? empty;
    const actual = point.value;
    const same = expected === null || actual === null
      ? expected === actual
      : Math.abs(expected - actual) <= relative * Math.max(Math.abs(expected), Math.abs(actual)) + 0.002;
    if (!same) out.push(`${d.code} ${point.periodStart.toISOString().slice(0, 7)}: product ${String(actual)}, SQL ${String(expected)}`);
  }
  return out;
}

async function run(backend: Backend): Promise<Figures> {
  const t: TestDb = await createTestDb(backend);
  try {
    const ctx: ActionContext = { actor: { kind: 'system', id: null, name: 'bench' }, now: new Date() };
    const services = buildServices(t.db, { sessionIdleMinutes: 30, sessionMaxHours: 12 });
    const { orgs } = services;
    await orgs.create(ctx, { code: 'G', name: '集团', kind: 'group' });
    const hospital = await orgs.create(ctx, { code: 'H', name: '医院', kind: 'hospital', parentCode: 'G' });
    for (let i = 0; i < DEPARTMENTS; i++) await orgs.create(ctx, { code: departmentCode(i), name: `科室${String(i)}`, kind: 'department', parentCode: 'H' });
    const ind = createIndicatorServices({ db: t.db, orgs, clock: systemClock });
    await ind.definitions.installLibrary(ctx);
    const definitions = new Map((await ind.definitions.list()).map((d) => [d.definition.code, d.definition]));
    const chosen = INDICATORS.map((code) => {
      const d = definitions.get(code);
      if (!d) throw new Error(`library indicator ${code} is not installed`);
      return d;
    });

    log(`${backend}: loading ${String(DAYS)} days of simulator events at scale ${String(SCALE)} (load average ${loadAverage()})`);
    const load = await loadYear(t.db, ctx, hospital, services, [ind.rollupConsumer]);
    log(`${backend}: loaded ${String(load.accepted)} events (${String(load.rejected)} rejected) in ${load.seconds.toFixed(0)} s, ${String(Math.round(load.accepted / load.seconds))}/s`);
    // Steady state: autovacuum has set the visibility map, so subtree sums are index-only scans.
    await t.db.query('VACUUM ANALYZE');

    const from = new Date(YEAR_START);
    const to = new Date(YEAR_START + DAYS * DAY_MS);
    const month: number[] = [];
    const day: number[] = [];
    const breakdown: number[] = [];
    const reference: number[] = [];
    const slowest = new Map<string, number>();
    const wrong: string[] = [];
    const note = (code: string, ms: number) => { slowest.set(code, Math.max(slowest.get(code) ?? 0, ms)); };
    const referenceOf = async (d: IndicatorDefinition, grain: Grain) => {
      const q = referenceQuery(d, { grain, timeZone: TIME_ZONE, path: hospital.path, from, to });
      const r = await timed(() => t.db.query<{ bucket: Date; v: number }>(q.sql, q.params));
      reference.push(r.ms);
      return new Map(r.result.rows.map((row) => [row.bucket.getTime(), row.v]));
    };
    // One untimed pass first, as a running server is warm: the calendar of a year of days (zone
    // arithmetic, memoised per process), parsed definitions, plans and the buffer cache, for both
    // the product and the reference.
    for (const d of chosen) {
      await ind.queries.series(d.code, hospital, 'month', from, to);
      await ind.queries.series(d.code, hospital, 'day', from, to);
      await ind.queries.breakdown(d.code, hospital, 'month', BREAKDOWN_MONTH);
      await referenceOf(d, 'month');
      await referenceOf(d, 'day');
    }
    reference.length = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const d of chosen) {
        const m = await timed(() => ind.queries.series(d.code, hospital, 'month', from, to));
        month.push(m.ms);
        const dd = await timed(() => ind.queries.series(d.code, hospital, 'day', from, to));
        day.push(dd.ms);
        note(`${d.code} day`, dd.ms);
        const b = await timed(() => ind.queries.breakdown(d.code, hospital, 'month', BREAKDOWN_MONTH));
        breakdown.push(b.ms);
        note(`${d.code} breakdown`, b.ms);
        const monthRef = await referenceOf(d, 'month');
        await referenceOf(d, 'day');
        if (round === 0) wrong.push(...mismatches(d, m.result.points, monthRef));
      }
    }
    const top = [...slowest.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([c, ms]) => `${c} ${ms.toFixed(0)} ms`);
    log(`${backend}: slowest: ${top.join(', ')}`);
    if (wrong.length > 0) log(`${backend}: ${String(wrong.length)} month values differ from the SQL reference, e.g. ${wrong.slice(0, 5).join('; ')}`);
    const all = [...month, ...day];
    return {
      seriesP50Ms: percentile(all, 0.5), seriesP95Ms: percentile(all, 0.95), breakdownP95Ms: percentile(breakdown, 0.95), sqlReferenceP95Ms: percentile(reference, 0.95),
      monthSeriesP95Ms: percentile(month, 0.95), daySeriesP95Ms: percentile(day, 0.95), breakdownP50Ms: percentile(breakdown, 0.5), sqlReferenceP50Ms: percentile(reference, 0.5),
      events: load.accepted, rejected: load.rejected, loadSeconds: Math.round(load.seconds), eventsPerSec: Math.round(load.accepted / load.seconds),
      referenceMismatches: wrong.length, loadAverage: loadAverage(),
    };
  } finally {
    if (KEEP && t.url !== undefined) {
      await t.db.close();
      log(`${backend}: kept the loaded database for profiling: ${t.url.replace(/\/\/[^@]*@/, '//')}`);
    } else await t.drop();
  }
}

const results: Record<string, Figures> = {};
if (BACKEND !== 'pglite' && process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== '') {
  results['postgres'] = await run('postgres');
  process.stdout.write(`postgres: ${JSON.stringify(results['postgres'])}\n`);
}
if (BACKEND !== 'postgres') {
  results['pglite'] = await run('pglite');
  process.stdout.write(`pglite: ${JSON.stringify(results['pglite'])}\n`);
}
process.stdout.write(`${JSON.stringify(results)}\n`);

/**
 * Event-to-alert latency under sustained ingest: 5,000 events/s (batches of 500 every 100 ms) into
 * a group of 4 hospitals × 10 departments, 200 active threshold rules (20 indicators × 10 bounds,
 * each evaluated for the department and its ancestors), on PostgreSQL (DATABASE_URL, a fresh
 * database) and on PGlite (in memory).
 *
 * Latency is measured from the commit acknowledgement of the batch whose events push a series over
 * a rule's bound to the commit of the transaction that stores the alert as firing. Beside it, the
 * latency the same firings would have had under Prometheus + Alertmanager defaults (rules evaluated
 * every minute at a fixed phase per rule group, then a 30 s group wait): (phase − t) mod 60 s + 30 s.
 *
 * The events are stored by a bulk insert in one transaction per batch and handed to the engine's
 * commit consumer directly (the ingest HTTP pipeline is not wired into the engine yet); indicator
 * roll-ups are kept in memory by an in-memory SeriesReader updated with each committed batch.
 *
 *   npm run bench:alerts -- [--seconds 20] [--rate 5000] [--backend postgres|pglite|both]
 */
import { performance } from 'node:perf_hooks';
import type { AlertTransitionEvent } from '../src/alerts/index.ts';
import { createOrgsService } from '../src/orgs/index.ts';
import { createRuleEngine } from '../src/rules/engine.ts';
import { createMemorySeriesReader } from '../src/rules/engine-memory-series.ts';
import { countIndicator, ruleJson, systemCtx } from '../src/rules/engine-support.test-data.ts';
import { createTestSource, insertTestEvents, type TestEvent } from '../src/rules/engine-test-repo.ts';
import { createRulesService } from '../src/rules/rules-service.ts';
import { systemClock, type Grain } from '../src/shared/index.ts';
import type { Backend } from '../src/store/index.ts';
import { createTestDb } from '../test/support/test-db.ts';

interface Options {
  readonly seconds: number;
  readonly rate: number;
  readonly backends: readonly Backend[];
}

function options(argv: readonly string[]): Options {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const backend = get('--backend') ?? 'both';
  const wanted: Backend[] = backend === 'both' ? ['postgres', 'pglite'] : [backend === 'pglite' ? 'pglite' : 'postgres'];
  const hasPostgres = (process.env.DATABASE_URL ?? '') !== '';
  if (wanted.includes('postgres') && !hasPostgres) console.error('DATABASE_URL is not set: skipping PostgreSQL');
  return { seconds: Number(get('--seconds') ?? 20), rate: Number(get('--rate') ?? 5000), backends: wanted.filter((b) => b !== 'postgres' || hasPostgres) };
}

const INDICATORS = 20;
const BOUNDS = 10;
const HOSPITALS = 4;
const DEPARTMENTS = 10;
const BATCH_MS = 100;
const GRAIN: Grain = 'hour';

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? 0;
}

/** A small deterministic generator so runs are comparable. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Result {
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly eventsPerSec: number;
  readonly rules: number;
  readonly firings: number;
  readonly baselineP50Ms: number;
  readonly baselineP99Ms: number;
}

async function run(backend: Backend, o: Options): Promise<Result> {
  const t = await createTestDb(backend);
  try {
    const ctx = systemCtx(new Date());
    const orgsService = createOrgsService({ db: t.db });
    const group = await orgsService.create(ctx, { code: 'GROUP', name: '集团', kind: 'group' });
    const departments: { code: string; id: number; chain: number[] }[] = [];
    for (let h = 0; h < HOSPITALS; h++) {
      const hospital = await orgsService.create(ctx, { code: `H${String(h)}`, name: `医院${String(h)}`, kind: 'hospital', parentCode: 'GROUP' });
      for (let d = 0; d < DEPARTMENTS; d++) {
        const dept = await orgsService.create(ctx, { code: `H${String(h)}-D${String(d)}`, name: `科室${String(d)}`, kind: 'department', parentCode: hospital.code });
        departments.push({ code: dept.code, id: dept.id, chain: [group.id, hospital.id, dept.id] });
      }
    }
    const types = Array.from({ length: INDICATORS }, (_, i) => `bench_${String(i)}`);
    const indicators = types.map((type, i) => countIndicator(`ind_${String(i)}`, type));
    const rulesService = createRulesService({ db: t.db });
    for (let i = 0; i < INDICATORS; i++) {
      for (let k = 0; k < BOUNDS; k++) {
        await rulesService.create(ctx, ruleJson({
          code: `bench_${String(i)}_${String(k)}`, kind: 'threshold', indicator: `ind_${String(i)}`, grain: GRAIN, op: '>', bound: 5 * 2 ** k,
          evaluateOpenPeriod: true, category: `c${String(i)}`, scope: { orgUnit: 'GROUP', includeDescendants: true },
        }));
      }
    }
    const source = await createTestSource(t.db, group.id, 'bench', types);
    const series = createMemorySeriesReader(systemClock);
    let currentAck = 0;
    const latencies: number[] = [];
    const firingAcks: { rule: string; at: number }[] = [];
    const engine = createRuleEngine({
      db: t.db, clock: systemClock, seriesReader: series, indicatorDefinitions: () => indicators,
      onCommitted: (events: readonly AlertTransitionEvent[]) => {
        const stored = performance.now();
        for (const e of events) {
          if (e.to !== 'firing') continue;
          latencies.push(stored - currentAck);
          firingAcks.push({ rule: e.ruleCode, at: currentAck });
        }
      },
    });
    const random = rng(42);
    const perBatch = Math.round((o.rate * BATCH_MS) / 1000);
    const start = performance.now();
    let sent = 0;
    let insertMs = 0;
    let engineMs = 0;
    for (let batch = 0; performance.now() - start < o.seconds * 1000; batch++) {
      const due = start + batch * BATCH_MS;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const now = new Date();
      const events: TestEvent[] = [];
      const picks: { type: number; dept: (typeof departments)[number] }[] = [];
      for (let n = 0; n < perBatch; n++) {
        const type = Math.floor(random() * INDICATORS);
        const dept = departments[Math.floor(random() * departments.length)] ?? departments[0];
        if (!dept) throw new Error('no departments');
        picks.push({ type, dept });
        events.push({ sourceId: source, type: types[type] ?? 'bench_0', orgCode: dept.code, occurredAt: now });
      }
      const insertStart = performance.now();
      const stored = await insertTestEvents(t.db, events);
      insertMs += performance.now() - insertStart;
      // Roll-ups are committed with the events: the series moves before the commit is acknowledged.
      for (const p of picks) for (const id of p.dept.chain) series.add(`ind_${String(p.type)}`, id, GRAIN, now, 1);
      currentAck = performance.now();
      sent += stored.length;
      await engine.consumer.afterCommit?.(stored);
      engineMs += performance.now() - currentAck;
    }
    console.error(`${backend}: ${String(Math.round(insertMs))} ms storing events, ${String(Math.round(engineMs))} ms in the rule engine`);
    const elapsed = (performance.now() - start) / 1000;
    // Prometheus: each rule group is evaluated every 60 s at its own fixed phase, then Alertmanager waits 30 s.
    const phase = new Map<string, number>();
    const baseline = firingAcks.map((f) => {
      let p = phase.get(f.rule);
      if (p === undefined) {
        p = random() * 60_000;
        phase.set(f.rule, p);
      }
      return ((((p - (f.at - start)) % 60_000) + 60_000) % 60_000) + 30_000;
    });
    const sorted = [...latencies].sort((a, b) => a - b);
    const sortedBaseline = [...baseline].sort((a, b) => a - b);
    return {
      latencyP50Ms: Math.round(percentile(sorted, 0.5)), latencyP99Ms: Math.round(percentile(sorted, 0.99)), eventsPerSec: Math.round(sent / elapsed),
      rules: INDICATORS * BOUNDS, firings: latencies.length,
      baselineP50Ms: Math.round(percentile(sortedBaseline, 0.5)), baselineP99Ms: Math.round(percentile(sortedBaseline, 0.99)),
    };
  } finally {
    await t.drop();
  }
}

const o = options(process.argv.slice(2));
const results: Record<string, Result> = {};
for (const backend of o.backends) {
  const r = await run(backend, o);
  results[backend] = r;
  console.log(
    `${backend}: ${String(r.eventsPerSec)} events/s (target ${String(o.rate)}), ${String(r.rules)} rules, ${String(r.firings)} firings; ` +
    `event-to-alert p50 ${String(r.latencyP50Ms)} ms, p99 ${String(r.latencyP99Ms)} ms; ` +
    `1-min evaluation + 30 s group wait would give p50 ${String(r.baselineP50Ms)} ms, p99 ${String(r.baselineP99Ms)} ms`,
  );
}
console.log(JSON.stringify(results));

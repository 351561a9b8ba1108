/**
 * Scorecard benchmark (`npm run bench:scorecards`).
 *
 * Load: one group, one hospital and BENCH_UNITS departments (default 500) under it; 20 manual
 * indicators (alternately higher- and lower-is-better) with a value for every department and every
 * month of 2026 (BENCH_MONTHS, default 12), entered through the indicators module's upload path
 * (roll-ups written as in production). One scheme of 20 scored items (4 categories; linear, bands
 * and deduction methods; plus a veto and a downgrade item) applied to every department.
 *
 * Timed: the recomputation of every result of the year from scratch (`refresh({ force })`: values
 * read through the indicators query service, 20 × 12 breakdowns, scoring, writing), then the
 * loading of one period's results for the whole group (`GET …/results` as the service answers it:
 * ranking and movement included), 30 rounds over the months; p95 reported (target ≤ 200 ms).
 * PGlite unless YUNJIAN_TEST_BACKEND=postgres with DATABASE_URL. The last line is one JSON object:
 * {"recomputeMs":…,"resultsP95Ms":…}.
 */
import { performance } from 'node:perf_hooks';
import { createTestDb } from '../test/support/test-db.ts';
import type { ActionContext } from '../src/audit/index.ts';
import { createIndicatorServices } from '../src/indicators/indicators-service.ts';
import { createOrgsService, type OrgUnit } from '../src/orgs/index.ts';
import { createScorecardServices, type SchemeDefinitionInput } from '../src/scorecards/index.ts';
import { createFakeClock } from '../src/shared/index.ts';

const UNITS = Number(process.env.BENCH_UNITS ?? 500);
const MONTHS = Number(process.env.BENCH_MONTHS ?? 12);
const ITEMS = 20;
const SH = 'Asia/Shanghai';
const clock = createFakeClock('2027-01-10T08:00:00+08:00');
const ctx = (): ActionContext => ({ actor: { kind: 'system', id: null, name: 'bench' }, now: clock.now() });
const month = (m: number) => `2026-${String(m).padStart(2, '0')}`;

function p95(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? 0;
}

/** A deterministic value in [0, 100) for indicator i, unit u, month m. */
function value(i: number, u: number, m: number): number {
  const x = Math.sin(i * 12.9898 + u * 78.233 + m * 37.719) * 43758.5453;
  return Math.round((x - Math.floor(x)) * 10000) / 100;
}

function scheme(): SchemeDefinitionInput {
  const categories = [0, 1, 2, 3].map((c) => ({ key: `c${String(c)}`, nameZh: `类别${String(c)}`, nameEn: `Category ${String(c)}`, weight: 25 }));
  const items: SchemeDefinitionInput['items'] = Array.from({ length: ITEMS }, (_, i) => {
    const indicator = `bench_i${String(i)}`;
    const higher = i % 2 === 0;
    const direction = higher ? 'higher_better' as const : 'lower_better' as const;
    const method = i % 3 === 0 ? { kind: 'deduction' as const, perOccurrence: 0.1, cap: 5 }
      : i % 3 === 1 ? { kind: 'linear' as const, direction, floor: higher ? 20 : 80, target: higher ? 80 : 20 }
        : { kind: 'bands' as const, direction, bands: [{ bound: higher ? 30 : 70, points: 60 }, { bound: higher ? 60 : 40, points: 85 }, { bound: higher ? 90 : 10, points: 100 }] };
    return { key: `item${String(i)}`, nameZh: `考评项${String(i)}`, nameEn: `Item ${String(i)}`, indicator, role: 'scored' as const, category: `c${String(i % 4)}`, weight: 5, method };
  });
  items.push({ key: 'veto', nameZh: '否决', nameEn: 'Veto', indicator: 'bench_i1', role: 'veto', when: { op: 'gt', value: 99.5 } });
  items.push({ key: 'downgrade', nameZh: '降级', nameEn: 'Downgrade', indicator: 'bench_i3', role: 'downgrade', when: { op: 'gt', value: 95 }, levels: 1 });
  return { code: 'bench', nameZh: '基准考评', nameEn: 'Benchmark scheme', grain: 'month', settleDays: 3, categories, items };
}

async function main(): Promise<void> {
  const t = await createTestDb();
  try {
    const orgs = createOrgsService({ db: t.db });
    const indicators = createIndicatorServices({ db: t.db, orgs, clock });
    const started = performance.now();
    await orgs.create(ctx(), { code: 'G', name: '集团', kind: 'group' });
    await orgs.create(ctx(), { code: 'H', name: '医院', kind: 'hospital', parentCode: 'G' });
    const units: OrgUnit[] = [];
    for (let u = 0; u < UNITS; u += 1) units.push(await orgs.create(ctx(), { code: `D${String(u).padStart(3, '0')}`, name: `科室${String(u)}`, kind: 'department', parentCode: 'H' }));
    for (let i = 0; i < ITEMS; i += 1) {
      const code = `bench_i${String(i)}`;
      await indicators.definitions.create(ctx(), {
        code, version: 1, nameZh: code, nameEn: code, unit: 'x', direction: i % 2 === 0 ? 'higher_better' : 'lower_better', category: 'other',
        description: code, formula: 'manual', measure: { kind: 'manual', rollup: 'avg' },
      });
      const rows = units.flatMap((unit, u) => Array.from({ length: MONTHS }, (_, m) => ({ row: u * MONTHS + m + 2, org: unit.code, period: month(m + 1), value: String(value(i, u, m)) })));
      const r = await indicators.manualValues.upload(ctx(), code, rows, () => true);
      if (r.rejected > 0) throw new Error(`${code}: ${String(r.rejected)} rows rejected`);
    }
    process.stdout.write(`loaded ${String(UNITS)} units × ${String(MONTHS)} months × ${String(ITEMS)} indicators in ${String(Math.round(performance.now() - started))} ms (${t.db.backend})\n`);

    const sc = createScorecardServices({
      db: t.db, clock, timeZone: () => Promise.resolve(SH), orgs,
      indicators: {
        series: (...a) => indicators.queries.series(...a), breakdown: (...a) => indicators.queries.breakdown(...a),
        exists: async (code) => (await indicators.catalog.get(t.db, code)) !== null,
      },
    });
    await sc.scorecards.save(ctx(), 'bench', { definition: scheme(), units: units.map((u) => u.code) }, false, () => true);
    const loaded = await sc.scorecards.load('bench');
    const periods = await Promise.all(Array.from({ length: MONTHS }, (_, m) => sc.results.periodOf(loaded, month(m + 1))));
    const t0 = performance.now();
    const { computed } = await sc.scorecards.refresh('bench', { periods, force: true });
    const recomputeMs = Math.round(performance.now() - t0);
    process.stdout.write(`recomputed ${String(computed)} results in ${String(recomputeMs)} ms\n`);

    const times: number[] = [];
    for (let round = 0; round < 30; round += 1) {
      const s = performance.now();
      const { results } = await sc.results.results('bench', month((round % MONTHS) + 1), ['/']);
      times.push(performance.now() - s);
      if (results.rows.length !== UNITS) throw new Error(`expected ${String(UNITS)} results, got ${String(results.rows.length)}`);
    }
    const resultsP95Ms = Math.round(p95(times) * 10) / 10;
    process.stdout.write(`one period's results for the group (${String(UNITS)} units): p95 ${String(resultsP95Ms)} ms over ${String(times.length)} loads\n`);
    process.stdout.write(`${JSON.stringify({ recomputeMs, resultsP95Ms })}\n`);
  } finally {
    await t.drop();
  }
}

await main();

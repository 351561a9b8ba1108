/**
 * How far the alerts can be trusted, scored against the simulator's ground truth.
 *
 * The demo installation (`yunjian demo`: the simulated group, its sources, budgets, targets,
 * routing, rule packs and incident plan) runs in this process on a fake clock, through the real
 * ingest service, roll-ups, rule engine, alert pipeline, work-order consumer and scheduled jobs:
 * - history: `--days` days before `now`, received at `now` (as the demo's backfill sends them),
 *   a day at a time, then the scheduler's jobs until they have nothing left to do, then the demo's
 *   deferred monthly and anomaly rules are switched on;
 * - live: `--live-hours` hours after `now`, the clock moving five minutes at a time, each source
 *   sending its records of that step (or an empty heartbeat batch, unless its scheduled outage
 *   keeps it quiet), and the scheduler's jobs run when due, as `yunjian serve` runs them.
 *
 * Then every stored alert is compared with the incident labels (`demo-incident-labels.json`):
 * - an alert is true when its period overlaps a label's window and its org unit is the label's
 *   unit, one of its ancestors or one of its descendants (an incident of the internet hospital is
 *   the incident of its departments); precision = true alerts / alerts;
 * - recall = labels with at least one such alert / labels that reach into the live horizon (the
 *   current or previous period of the label's grain at `now` or later: older incidents are history,
 *   findings rather than news, and are listed but not scored);
 * - delay = periods from the period holding the label's start to the period of its first alert
 *   (0: the first period of the incident fired), median over detected labels;
 * - history alerts: alerts whose period lies before the live horizon (the current and the previous
 *   period of its grain) at the moment the alert was created; with the work orders opened for them
 *   and the notifications those orders sent.
 *
 *   npm run eval:alerts -- [--days 36] [--scale 0.25] [--live-hours 6] [--backend pglite|postgres|both]
 *
 * With DATABASE_URL set, both backends run (each in a database of its own, dropped afterwards).
 * The last line is one JSON object: {"pglite":{precision,recall,delayPeriodsP50,alerts,historyAlerts,historyWorkOrders,historyNotifications},"postgres":{…}}.
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { installCatalogues, systemContext } from '../src/cli/bootstrap.ts';
import { loadConfig } from '../src/config/index.ts';
import { HEARTBEAT_MS } from '../src/demo/demo-feed.ts';
import { silentAt } from '../src/demo/demo-schedule.ts';
import { demoSeed, seedDemoOrganisation } from '../src/demo/demo-seed.ts';
import { enableDeferredRules, ensureDemoSources, prepareDemo } from '../src/demo/demo-setup.ts';
import { buildRuntime } from '../src/main.ts';
import { generateEvents, incidentLabels, toNdjsonLine, type IncidentLabel, type SimulatedRecord } from '../src/simulator/index.ts';
import { bucketStart, createFakeClock, parsePeriodKey, periodEnd, previousPeriod, type Grain } from '../src/shared/index.ts';
import { migrate, openPgliteDb, openPostgresDb, type Db } from '../src/store/index.ts';
import { withThrowawayDatabase } from './throwaway-database.ts';

const DAY_MS = 86_400_000;
const TIME_ZONE = 'Asia/Shanghai';
/**
 * A fixed moment, so that every run judges the same days: a Wednesday morning early in a month, so
 * that a short history holds the whole last closed month (the budget overrun and the drug-share
 * drift are judged on it).
 */
const NOW = '2026-12-02T10:00:00+08:00';
/** The live clock's step: the demo's sources send at least this often, and the silence bound is five minutes. */
const STEP_MS = 5 * 60_000;
const BATCH = 1000;

/** The grain an incident kind is judged at (its indicator's rule grain in the packs). */
const LABEL_GRAIN: Readonly<Record<IncidentLabel['kind'], Grain>> = {
  wait_surge: 'day', review_lapse: 'day', source_silent: 'hour', source_malformed: 'day', abandon_spike: 'day',
  delivery_late: 'day', drug_share_drift: 'month', expense_overrun: 'month', unregistered_practice: 'day',
};

export interface Score {
  readonly precision: number;
  readonly recall: number;
  readonly delayPeriodsP50: number | null;
  readonly alerts: number;
  readonly historyAlerts: number;
  readonly historyWorkOrders: number;
  readonly historyNotifications: number;
}

function arg(argv: readonly string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

interface StoredAlert {
  id: number; rule_code: string; org_code: string; period_key: string; period_start: Date | string | null; created_at: Date | string;
}

/** The span an alert is about: its calendar period, or an instant (a compliance event), or from its start on (a live source window). */
function alertSpan(a: StoredAlert, endOfRun: number): { start: number; end: number; grain: Grain } | null {
  if (a.period_start === null) return null;
  const start = new Date(a.period_start);
  const parsed = parsePeriodKey(a.period_key, TIME_ZONE);
  if (parsed !== null) return { start: start.getTime(), end: periodEnd(start, parsed.grain, TIME_ZONE).getTime(), grain: parsed.grain };
  if (a.period_key === 'live') return { start: start.getTime(), end: endOfRun, grain: 'hour' };
  return { start: start.getTime(), end: start.getTime() + 1, grain: 'day' };
}

/** Whether the period starting at `start` (of `grain`) is older than the live horizon at `at`: before the previous period. */
function beforeHorizon(start: number, grain: Grain, at: Date): boolean {
  return start < previousPeriod(bucketStart(at, grain, TIME_ZONE), grain, TIME_ZONE).getTime();
}

async function score(db: Db, labels: readonly IncidentLabel[], now: Date, endOfRun: number, log: (line: string) => void): Promise<Score> {
  const orgs = (await db.query<{ id: number; code: string; parent_id: number | null }>('SELECT id::int AS id, code, parent_id::int AS parent_id FROM org_unit')).rows;
  const byId = new Map(orgs.map((o) => [o.id, o]));
  const ancestors = new Map<string, Set<string>>();
  for (const o of orgs) {
    const set = new Set<string>([o.code]);
    for (let p = o.parent_id; p !== null; p = byId.get(p)?.parent_id ?? null) set.add(byId.get(p)?.code ?? '');
    ancestors.set(o.code, set);
  }
  /** Same unit, an ancestor or a descendant. */
  const related = (a: string, b: string) => (ancestors.get(a)?.has(b) ?? false) || (ancestors.get(b)?.has(a) ?? false);
  const alerts = (await db.query<StoredAlert>(
    `SELECT a.id::int AS id, a.rule_code, o.code AS org_code, a.period_key, a.period_start, a.created_at FROM alert a JOIN org_unit o ON o.id = a.org_unit_id ORDER BY a.id`,
  )).rows;
  const scoredLabels = labels.filter((l) => Date.parse(l.to) > previousPeriod(bucketStart(now, LABEL_GRAIN[l.kind], TIME_ZONE), LABEL_GRAIN[l.kind], TIME_ZONE).getTime());
  const matches = (a: StoredAlert, l: IncidentLabel) => {
    const span = alertSpan(a, endOfRun);
    return span !== null && related(a.org_code, l.orgUnit) && span.start < Date.parse(l.to) && span.end > Date.parse(l.from);
  };
  let truePositives = 0;
  const falseByRule = new Map<string, number>();
  const history: number[] = [];
  for (const a of alerts) {
    if (labels.some((l) => matches(a, l))) truePositives += 1;
    else falseByRule.set(a.rule_code, (falseByRule.get(a.rule_code) ?? 0) + 1);
    const span = alertSpan(a, endOfRun);
    if (span !== null && beforeHorizon(span.start, span.grain, new Date(a.created_at))) history.push(a.id);
  }
  const delays: number[] = [];
  let detected = 0;
  for (const l of scoredLabels) {
    const first = alerts.map((a) => ({ a, span: alertSpan(a, endOfRun) })).filter(({ a }) => matches(a, l))
      .sort((x, y) => (x.span?.start ?? 0) - (y.span?.start ?? 0))[0];
    log(`label ${l.kind} ${l.orgUnit} ${l.from} → ${l.to}: ${first ? `first alert ${first.a.rule_code} on ${first.a.org_code} ${first.a.period_key}` : 'NOT DETECTED'}`);
    if (!first?.span) continue;
    detected += 1;
    const grain = first.span.grain;
    let periods = 0;
    for (let t = bucketStart(new Date(l.from), grain, TIME_ZONE); t.getTime() < bucketStart(new Date(first.span.start), grain, TIME_ZONE).getTime(); t = periodEnd(t, grain, TIME_ZONE)) periods += 1;
    delays.push(periods);
  }
  for (const l of labels.filter((x) => !scoredLabels.includes(x))) log(`history label (not scored) ${l.kind} ${l.orgUnit} ${l.from} → ${l.to}`);
  log(`false alerts by rule: ${[...falseByRule].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${String(n)}`).join(', ') || 'none'}`);
  const ids = history.map(String);
  const orders = ids.length === 0 ? [] : (await db.query<{ order_id: number }>('SELECT DISTINCT order_id::int AS order_id FROM work_order_alert WHERE alert_id = ANY($1::text[])', [ids])).rows.map((r) => r.order_id);
  const notifications = orders.length === 0 ? 0 : (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notify_outbox WHERE order_id = ANY($1::bigint[])', [orders])).rows[0]?.n ?? 0;
  return {
    precision: alerts.length === 0 ? 1 : round3(truePositives / alerts.length),
    recall: scoredLabels.length === 0 ? 1 : round3(detected / scoredLabels.length),
    delayPeriodsP50: median(delays),
    alerts: alerts.length,
    historyAlerts: history.length,
    historyWorkOrders: orders.length,
    historyNotifications: notifications,
  };
}

async function runOnce(db: Db, o: { days: number; scale: number; liveHours: number }, log: (line: string) => void): Promise<Score> {
  await migrate(db);
  const clock = createFakeClock(NOW);
  const config = loadConfig({ LOG_LEVEL: 'error', YUNJIAN_DATA: '/tmp/yunjian-eval-alerts-unused' });
  const runtime = buildRuntime(db, config, clock, pino({ level: 'error' }, pino.destination(2)));
  const services = runtime.services;
  const now = clock.now();
  const deps = () => ({ db, runtime, services, ctx: systemContext(clock.now()) });
  await seedDemoOrganisation(services, now);
  await installCatalogues(services, runtime);
  const plan = await prepareDemo(deps(), { days: o.days, scale: o.scale });
  const sources = await ensureDemoSources(deps());
  const labels = incidentLabels(plan.schedule);

  const lastSent = new Map<string, number>();
  const buffers = new Map<string, string[]>();
  let events = 0;
  const send = async (code: string, lines: readonly string[]) => {
    const source = sources.get(code);
    if (!source) return;
    await runtime.ingest.ingestEvents(source, 'ndjson', lines, clock.now());
    lastSent.set(code, clock.now().getTime());
    events += lines.length;
  };
  const flush = async () => {
    for (const [code, lines] of buffers) {
      if (lines.length > 0) await send(code, lines);
      buffers.set(code, []);
    }
    await runtime.rules.engine.settled();
  };
  const buffer = async (r: SimulatedRecord) => {
    const lines = buffers.get(r.source) ?? [];
    lines.push(toNdjsonLine(r));
    buffers.set(r.source, lines);
    if (lines.length >= BATCH) {
      await send(r.source, lines);
      buffers.set(r.source, []);
    }
  };
  const nextRun = new Map<string, number>();
  const runDueJobs = async () => {
    for (const job of runtime.jobs) {
      const t = clock.now().getTime();
      if (t < (nextRun.get(job.name) ?? 0)) continue;
      nextRun.set(job.name, t + job.everyMs);
      await job.run(clock.now());
    }
  };

  const started = performance.now();
  const records = generateEvents({ seed: demoSeed, from: new Date(plan.from), scale: o.scale, schedule: plan.schedule })[Symbol.iterator]();
  let pending = records.next();
  // History: received at `now`, a day at a time.
  for (let dayEnd = Date.parse(plan.from) + DAY_MS; !pending.done && pending.value.atMs < now.getTime(); dayEnd += DAY_MS) {
    while (!pending.done && pending.value.atMs < Math.min(dayEnd, now.getTime())) {
      await buffer(pending.value);
      pending = records.next();
    }
    await flush();
  }
  // The scheduler's catch-up after the backfill (re-checks come in batches per run).
  for (let i = 0; i < 20; i++) {
    nextRun.clear();
    await runDueJobs();
  }
  await enableDeferredRules(deps());
  nextRun.clear();
  await runDueJobs();
  log(`history: ${String(events)} events in ${String(Math.round((performance.now() - started) / 1000))} s`);

  // Live: a step at a time.
  const liveStarted = performance.now();
  const end = now.getTime() + o.liveHours * 3_600_000;
  for (let t = now.getTime() + STEP_MS; t <= end; t += STEP_MS) {
    clock.set(new Date(t));
    while (!pending.done && pending.value.atMs < t) {
      await buffer(pending.value);
      pending = records.next();
    }
    await flush();
    for (const code of sources.keys()) {
      if (t - (lastSent.get(code) ?? 0) >= HEARTBEAT_MS && !silentAt(plan.schedule, code, t)) await send(code, []);
    }
    await runtime.rules.engine.settled();
    await runDueJobs();
  }
  log(`live: ${String(o.liveHours)} h in ${String(Math.round((performance.now() - liveStarted) / 1000))} s (${String(events)} events in all)`);
  return score(db, labels, now, end, log);
}

async function main(argv: readonly string[]): Promise<void> {
  const o = { days: Number(arg(argv, 'days', '36')), scale: Number(arg(argv, 'scale', '0.25')), liveHours: Number(arg(argv, 'live-hours', '6')) };
  const backend = arg(argv, 'backend', 'both');
  const hasPostgres = (process.env.DATABASE_URL ?? '') !== '';
  const wanted = (backend === 'both' ? ['pglite', 'postgres'] : [backend]).filter((b) => b !== 'postgres' || hasPostgres);
  if (backend !== 'pglite' && !hasPostgres) console.error('DATABASE_URL is not set: skipping PostgreSQL');
  const results: Record<string, Score> = {};
  for (const b of wanted) {
    const log = (line: string) => { console.log(`${b}: ${line}`); };
    const started = performance.now();
    if (b === 'postgres') {
      results[b] = await withThrowawayDatabase('yj_eval_alerts', async (url) => {
        const db = openPostgresDb(url);
        try {
          return await runOnce(db, o, log);
        } finally {
          await db.close();
        }
      });
    } else {
      const db = await openPgliteDb(undefined);
      try {
        results[b] = await runOnce(db, o, log);
      } finally {
        await db.close();
      }
    }
    log(`${JSON.stringify(results[b])} in ${String(Math.round((performance.now() - started) / 1000))} s`);
  }
  console.log(JSON.stringify(results));
}

await main(process.argv.slice(2));

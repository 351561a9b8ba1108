import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/cli/bootstrap.ts';
import { loadConfig } from '../../src/config/index.ts';
import { startDemoFeed } from '../../src/demo/demo-feed.ts';
import { demoSeed, seedDemoOrganisation } from '../../src/demo/demo-seed.ts';
import { prepareDemo, type DemoPlan } from '../../src/demo/demo-setup.ts';
import { buildHttpApp, type Runtime, type Services } from '../../src/main.ts';
import { createFakeClock, nextPeriod, parsePeriodKey } from '../../src/shared/index.ts';
import { readSetting } from '../../src/store/index.ts';
import { incidentLabels, INCIDENT_KINDS, simulatedGroup, type IncidentKind, type IncidentLabel } from '../../src/simulator/index.ts';
import { createTestDb, type TestDb } from '../support/test-db.ts';

/**
 * A shortened `npm run demo`: the demo installation on a fresh database, five weeks of history at
 * a twentieth of the demo's volume fed through the real ingest path, with the scheduled jobs run
 * while it is fed, a minute apart, as the scheduler would (one run per simulated day fed), then
 * eight minutes of live feed in which the delivery app stays silent. Every incident kind
 * of the plan must have produced a firing alert of the rule that watches it on the incident's
 * branch of the tree (its unit, a roll-up above it or a part of it; for source incidents: on the
 * source), and one such alert must be on a work order routed to a person. (A hospital or group
 * alert inhibits the same category's alerts below it, so the order may be the roll-up's, routed to
 * the monitoring center.) The silent source sends its history first, so its silence must be on a
 * work order while the other sources are still backfilling.
 *
 * The clock is fixed on the fourth of a month so that the history holds a closed month (February)
 * and part of the one before (January): the drug-share 环比 and the budget rules judge months.
 */
const NOW = '2026-03-04T10:00:00+08:00';
const DAYS = 36;
const SCALE = 0.05;

const WATCHED_BY: Readonly<Record<IncidentKind, readonly string[]>> = {
  wait_surge: ['wait_time_high'],
  review_lapse: ['pharmacist_review_rate_low', 'cp_online_rx_unreviewed_30m'],
  abandon_spike: ['call_abandon_high'],
  delivery_late: ['delivery_on_time_below_target'],
  drug_share_drift: ['drug_share_mom_rise'],
  expense_overrun: ['budget_month_deviation', 'budget_3m_avg_deviation', 'budget_half_year_cumulative'],
  source_malformed: ['dq_source_invalid_share', 'dq_source_success_rate'],
  source_silent: ['dq_source_silent'],
  unregistered_practice: ['cp_unregistered_doctor_online'],
};

/**
 * How long after its window an incident still shows: an order placed late is delivered (and
 * counted) up to two days later; a prescription is dispensed hours after its consultation.
 */
const LAG_MS: Partial<Record<IncidentKind, number>> = { delivery_late: 3 * 86_400_000, unregistered_practice: 86_400_000 };

interface FiredAlert {
  readonly id: string;
  readonly ruleCode: string;
  readonly orgCode: string;
  readonly orgPathCodes: readonly string[];
  readonly seriesKey: string;
  readonly periodKey: string;
  readonly firedAt: readonly Date[];
  readonly assignees: readonly string[] | null;
  /** Why notification was held back at each firing (null when it went out). */
  readonly heldBy: readonly (string | null)[];
}

let t: TestDb;
let plan: DemoPlan;
let fired: FiredAlert[];
let findings: FiredAlert[];

async function runJobs(runtime: Runtime, at: Date): Promise<void> {
  for (const job of runtime.jobs) await job.run(at);
}

async function firedAlerts(db: TestDb['db']): Promise<FiredAlert[]> {
  const r = await db.query<{ id: number; rule_code: string; code: string; path_codes: string[]; series_key: string; period_key: string; fired_at: Date[]; assignees: string[] | null; held_by: (string | null)[] }>(
    `SELECT a.id, a.rule_code, o.code, a.series_key, a.period_key,
            (SELECT array_agg(p.code ORDER BY length(p.path)) FROM org_unit p WHERE o.path LIKE p.path || '%') AS path_codes,
            (SELECT array_agg(h.at ORDER BY h.id) FROM alert_history h WHERE h.alert_id = a.id AND h.to_state = 'firing') AS fired_at,
            (SELECT array_agg(coalesce(h.suppressed_by || ' ' || (SELECT string_agg(i.rule_code || '@' || io.code || ':' || i.period_key, ',') FROM alert i JOIN org_unit io ON io.id = i.org_unit_id
                      WHERE i.fingerprint IN (SELECT jsonb_array_elements_text(h.suppressed_refs))), h.suppressed_by) ORDER BY h.id)
               FROM alert_history h WHERE h.alert_id = a.id AND h.to_state = 'firing') AS held_by,
            (SELECT w.assignees FROM work_order_alert l JOIN work_order w ON w.id = l.order_id WHERE l.alert_id = a.id::text ORDER BY w.id LIMIT 1) AS assignees
       FROM alert a JOIN org_unit o ON o.id = a.org_unit_id
      WHERE EXISTS (SELECT 1 FROM alert_history h WHERE h.alert_id = a.id AND h.to_state = 'firing')`,
  );
  return r.rows.map((x) => ({
    id: String(x.id), ruleCode: x.rule_code, orgCode: x.code, orgPathCodes: x.path_codes, seriesKey: x.series_key, periodKey: x.period_key,
    firedAt: x.fired_at, assignees: x.assignees, heldBy: x.held_by,
  }));
}

/** Breaches judged on periods older than their rule's live horizon: findings, not alerts. */
async function historyFindings(db: TestDb['db']): Promise<FiredAlert[]> {
  const r = await db.query<{ id: number; rule_code: string; code: string; path_codes: string[]; series_key: string; period_key: string }>(
    `SELECT f.id, f.rule_code, o.code, f.series_key, f.period_key,
            (SELECT array_agg(p.code ORDER BY length(p.path)) FROM org_unit p WHERE o.path LIKE p.path || '%') AS path_codes
       FROM rule_finding f JOIN org_unit o ON o.id = f.org_unit_id WHERE f.kind = 'breach'`,
  );
  return r.rows.map((x) => ({
    id: `finding-${String(x.id)}`, ruleCode: x.rule_code, orgCode: x.code, orgPathCodes: x.path_codes, seriesKey: x.series_key, periodKey: x.period_key,
    firedAt: [], assignees: null, heldBy: [],
  }));
}

/**
 * An incident that ended (with its lag) more than two weeks before the start lies wholly before
 * every daily and weekly rule's live horizon: loading it is history, not news. A source's data
 * quality is judged by when records are received (the whole backfill is received now), so a
 * source incident is news whenever it happened.
 */
const HISTORY_BEFORE_MS = Date.parse(NOW) - 14 * 86_400_000;
function isHistory(label: IncidentLabel): boolean {
  return label.source === undefined && Date.parse(label.to) + (LAG_MS[label.kind] ?? 0) < HISTORY_BEFORE_MS;
}

/** The alert's unit is the incident's, an ancestor (a roll-up that holds it) or a descendant (a part of it). */
const parentOf = new Map(simulatedGroup(demoSeed).nodes.map((n) => [n.code, n.parentCode]));
function onBranch(alert: FiredAlert, orgUnit: string): boolean {
  const lineage: string[] = [];
  for (let u: string | null | undefined = orgUnit; u; u = parentOf.get(u)) lineage.push(u);
  return alert.orgPathCodes.includes(orgUnit) || lineage.includes(alert.orgCode);
}

/** Whether the alert is about the incident: its rule watches the kind, at the right place and time. */
function detects(alert: FiredAlert, label: IncidentLabel): boolean {
  if (!WATCHED_BY[label.kind].includes(alert.ruleCode)) return false;
  const from = Date.parse(label.from);
  const to = Date.parse(label.to);
  if (label.source !== undefined) {
    if (alert.seriesKey !== `source:${label.source}`) return false;
    // Silence is measured in wall-clock time, so the alert fires inside the outage. Validation
    // failures count by the day they are received, and the whole backfill is received today.
    return label.kind !== 'source_silent' || alert.firedAt.some((at) => at.getTime() >= from && at.getTime() < to);
  }
  if (!onBranch(alert, label.orgUnit)) return false;
  // An event's alert (a compliance rule's) is keyed by the event's instant.
  if (alert.seriesKey.startsWith('event:')) {
    const at = Date.parse(alert.periodKey);
    return at >= from && at < to + (LAG_MS[label.kind] ?? 0);
  }
  const period = parsePeriodKey(alert.periodKey);
  if (!period) return false;
  return period.start.getTime() < to + (LAG_MS[label.kind] ?? 0) && nextPeriod(period.start, period.grain).getTime() > from;
}

/** What the feed reported (its progress, and why it stopped if it failed). */
const feedLog: string[] = [];
/** The moment the silent source's alert was first seen on a routed work order, and how far the backfill had come. */
let silentOrdered: { at: Date; cursor: string | null; backfillRunning: boolean } | null = null;

async function silentSourceOrdered(db: TestDb['db'], source: string): Promise<boolean> {
  const r = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM alert a
       JOIN work_order_alert l ON l.alert_id = a.id::text JOIN work_order w ON w.id = l.order_id
      WHERE a.rule_code = 'dq_source_silent' AND a.series_key = $1 AND a.state = 'firing' AND NOT ('unassigned' = ANY (w.assignees))`,
    [`source:${source}`],
  );
  return (r.rows[0]?.n ?? 0) > 0;
}

beforeAll(async () => {
  t = await createTestDb();
  const clock = createFakeClock(NOW);
  const config = loadConfig({ YUNJIAN_DATA: mkdtempSync(join(tmpdir(), 'yj-demo-')), YUNJIAN_PSEUDONYM_KEY: 'demo-incidents-pseudonym-key-0123456789', LOG_LEVEL: 'silent' });
  const { runtime, services } = await buildHttpApp(t.db, config, clock, pino({ level: 'silent' }));
  const feed = (s: Services) => startDemoFeed({ db: t.db, clock, runtime, services: s, ctx: systemContext(clock.now()) }, { days: DAYS, scale: SCALE, log: (line) => { feedLog.push(line); }, backfillOnly: true }).done;
  await seedDemoOrganisation(services, clock.now());
  // The catalogues as `installCatalogues` installs them, stamped with the test's clock: the engine
  // notices a rule switched on by its newer stamp (the monthly rules at the end of the backfill).
  await runtime.indicators.definitions.installLibrary(systemContext(clock.now()));
  await runtime.rules.rules.installRulePacks(systemContext(clock.now()), 'YJ');
  plan = await prepareDemo({ db: t.db, runtime, services, ctx: systemContext(clock.now()) }, { days: DAYS, scale: SCALE, horizonDays: 3 });
  const silentSource = plan.schedule.find((s) => s.kind === 'source_silent')?.source ?? '';
  // The backfill, with the scheduler's runs in between: one a minute, one per simulated day fed.
  let backfillRunning = true;
  const backfill = feed(services).finally(() => { backfillRunning = false; });
  let cursor: string | null = null;
  while (backfillRunning) {
    const next = await readSetting<string>(t.db, 'demo_feed_cursor');
    if (next === cursor) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    cursor = next;
    clock.advance(60_000);
    await runJobs(runtime, clock.now());
    if (silentOrdered === null && (await silentSourceOrdered(t.db, silentSource))) silentOrdered = { at: clock.now(), cursor, backfillRunning };
  }
  await backfill;
  // The scheduler's next two runs: settled history, closed periods, the rules switched on at the end of the backfill.
  for (let minute = 1; minute <= 2; minute++) {
    clock.advance(60_000);
    await runJobs(runtime, clock.now());
  }
  // Live feed: every source sends (or beats) except the silent one.
  clock.advance(6 * 60_000);
  await feed(services);
  await runJobs(runtime, clock.now());
  fired = await firedAlerts(t.db);
  findings = await historyFindings(t.db);
}, 240_000);

afterAll(async () => {
  await t.drop();
});

describe('the demo detects every injected incident kind', () => {
  it('plans one incident or more of every kind', () => {
    expect(new Set(plan.schedule.map((s) => s.kind))).toEqual(new Set(INCIDENT_KINDS));
  });

  const historyKinds = () => INCIDENT_KINDS.filter((k) => incidentLabels(plan.schedule).filter((l) => l.kind === k).every(isHistory));

  it('knows which incident kinds lie wholly in the history (the demo places two there)', () => {
    expect(historyKinds().sort()).toEqual(['delivery_late', 'unregistered_practice']);
  });

  it.each(INCIDENT_KINDS.map((k) => [k]))('%s: a finding when it lies wholly in the history, else a firing alert on a work order routed to a person', (kind) => {
    const labels = incidentLabels(plan.schedule).filter((l) => l.kind === kind);
    if (labels.every(isHistory)) {
      // History is not news: the breach is a finding of its rule, and no alert or work order of it.
      const found = findings.filter((f) => labels.some((l) => detects(f, l)));
      expect(found.map((f) => `${f.ruleCode} ${f.orgCode} ${f.periodKey}`), `findings for ${kind}`).not.toEqual([]);
      expect(fired.filter((a) => labels.some((l) => detects(a, l))).map((a) => `${a.ruleCode} ${a.orgCode} ${a.periodKey}`)).toEqual([]);
      return;
    }
    const hits = fired.filter((a) => labels.some((l) => detects(a, l)));
    const watching = fired.filter((a) => WATCHED_BY[kind].includes(a.ruleCode)).map((a) => `${a.ruleCode} ${a.orgCode} ${a.periodKey}`);
    expect(hits.map((a) => `${a.ruleCode} ${a.orgCode} ${a.periodKey}`), `alerts for ${kind} (all of its rules: ${watching.join('; ')})`).not.toEqual([]);
    const why = hits.map((a) => `${a.ruleCode} ${a.orgCode} ${a.periodKey} held by ${a.heldBy.join('/')}`).join('; ')
      + ` | firing roll-ups: ${fired.filter((a) => a.orgPathCodes.length <= 2).map((a) => `${a.ruleCode} ${a.orgCode} ${a.periodKey}`).join('; ')}`;
    const ordered = hits.filter((a) => a.assignees !== null && !a.assignees.includes('unassigned'));
    expect(ordered.map((a) => `${a.ruleCode} ${a.orgCode} → ${(a.assignees ?? []).join(',')}`), `work orders for ${kind} (${why})`).not.toEqual([]);
  });

  it('feeds the silent source\'s history first and the rest without failing', () => {
    expect(feedLog.filter((line) => line.includes('stopped'))).toEqual([]);
    const silent = plan.schedule.find((s) => s.kind === 'source_silent')?.source ?? 'none';
    expect(feedLog.findIndex((line) => line.includes(`history of ${silent} sent first`))).toBe(1);
    expect(feedLog.some((line) => line.includes('caught up with now'))).toBe(true);
  });

  it('puts the silent source on a work order while the other sources are still backfilling', () => {
    expect(silentOrdered, 'no routed work order for the silent source during the backfill').not.toBeNull();
    expect(silentOrdered?.backfillRunning).toBe(true);
    // The cursor: every record before it was sent. Most of the history was still to come.
    const fedDays = (Date.parse(silentOrdered?.cursor ?? plan.now) - Date.parse(plan.from)) / 86_400_000;
    expect(fedDays).toBeLessThan(DAYS / 2);
    // Silence shows after five quiet minutes; the scheduler judges it at its next run.
    expect((silentOrdered?.at.getTime() ?? 0) - Date.parse(NOW)).toBeLessThanOrEqual(7 * 60_000);
  });
});

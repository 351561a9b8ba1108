import type { ActionContext } from '../audit/index.ts';
import type { Source } from '../ingest/source-repo.ts';
import type { Runtime, Services } from '../main.ts';
import { simulatedSources, type IncidentSpec } from '../simulator/index.ts';
import { readSetting, writeSetting, type Db } from '../store/index.ts';
import { demoSchedule, localDayStart, localIso } from './demo-schedule.ts';
import { approveDemoBudgets, prepareDemoBudgets } from './demo-budgets.ts';
import { prepareDemoQualityCosts } from './demo-quality-costs.ts';
import { demoRoutes } from './demo-seed.ts';

/**
 * The demo installation beyond its org tree and accounts, made once on the first start (before
 * the scheduler runs): the sources, the incident plan, the budget ledger (demo-budgets.ts), the
 * delivery commitment's daily target, routing to the demo liaisons, and the rule settings a group
 * of this size needs. Monthly rules and the budgets' approval wait for the backfill (see
 * `enableDeferredRules`).
 */
const DAY_MS = 86_400_000;
const PLAN_KEY = 'demo_plan';
const DEFERRED_KEY = 'demo_deferred_rules';

export interface DemoPlan {
  readonly from: string;
  readonly now: string;
  readonly scale: number;
  readonly schedule: readonly IncidentSpec[];
}

interface Deps {
  readonly db: Db;
  readonly runtime: Runtime;
  readonly services: Services;
  readonly ctx: ActionContext;
}

/** The delivery service's first-level commitment (§7): 95 % of orders delivered by the promised time. */
const DELIVERY_TARGET = { indicator: 'delivery_on_time_rate', orgUnit: 'H1-ONL-DLV', value: 95 } as const;

/**
 * Rule settings for the demo. Its departments see a few dozen patients a day, so a monthly drug
 * share wanders by ±3 points: the 环比 bound is 6 points. Its sources send a batch at least every
 * 30 seconds (an empty one when there is nothing new), so five quiet minutes mean a source is down.
 * Malformed records should show the day they arrive, not after midnight: the validation rules
 * judge the open day.
 */
const TUNING: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  drug_share_mom_rise: { bound: 6 },
  dq_source_silent: { bound: 5 },
  dq_source_invalid_share: { evaluateOpenPeriod: true },
  dq_source_success_rate: { evaluateOpenPeriod: true },
};

/**
 * Rules switched on after the backfill. Monthly rules: while a month is being backfilled its
 * partial values (spending of a few days against a month's budget, a drug share of a few bills)
 * would be judged as if final; switched on afterwards, each judges the last closed month once.
 * The anomaly rule: its detector would judge the first days of the history with nothing learned
 * yet; switched on afterwards, it learns from the history before it judges the last closed day.
 */
export const DEFERRED_RULES = ['drug_share_mom_rise', 'outpatient_visits_anomaly'] as const;

export async function readDemoPlan(db: Db): Promise<DemoPlan | null> {
  return readSetting<DemoPlan>(db, PLAN_KEY);
}

/** The demo's sources, registered once with a daytime cadence, each with a first (empty) batch. */
export async function ensureDemoSources(deps: Deps): Promise<Map<string, Source>> {
  const existing = new Map((await deps.runtime.sources.list(['/'])).map((s) => [s.name, s]));
  for (const spec of simulatedSources()) {
    if (existing.has(spec.code)) continue;
    const org = await deps.services.orgs.require(spec.orgUnit);
    const { source } = await deps.runtime.sources.register(deps.ctx, org, {
      name: spec.code, allowedTypes: spec.eventTypes, cadence: { kind: 'batches', everyMinutes: 60, from: '08:00', to: '18:00' },
    }, null);
    // Silence is measured from the last batch: a source that never sent one would count as silent.
    await deps.runtime.ingest.ingestEvents(source, 'ndjson', [], deps.ctx.now);
    existing.set(spec.code, source);
  }
  return existing;
}

/** The delivery target per day. */
async function enterTargets(deps: Deps, plan: DemoPlan, horizonDays: number): Promise<void> {
  const targets = deps.runtime.indicators.targets;
  const from = Date.parse(plan.from);
  const until = Date.parse(plan.now) + horizonDays * DAY_MS;
  const delivery = await deps.services.orgs.require(DELIVERY_TARGET.orgUnit);
  for (let day = from; day < until; day += DAY_MS) {
    await targets.setTarget(deps.ctx, DELIVERY_TARGET.indicator, { org: delivery, periodKey: localIso(day).slice(0, 10), value: DELIVERY_TARGET.value });
  }
}

async function tuneRules(deps: Deps): Promise<void> {
  const rules = deps.runtime.rules.rules;
  for (const [code, change] of Object.entries(TUNING)) {
    const rule = await rules.get(code);
    if (rule) await rules.update(deps.ctx, code, { ...rule.definition, ...change });
  }
  const deferred: string[] = [];
  for (const code of DEFERRED_RULES) {
    const rule = await rules.get(code);
    if (!rule) continue;
    if (rule.enabled) await rules.setEnabled(deps.ctx, code, false);
    deferred.push(code);
  }
  await deps.db.transaction((tx) => writeSetting(tx, DEFERRED_KEY, deferred, deps.ctx.now));
}

async function routeToLiaisons(deps: Deps): Promise<void> {
  const config = deps.runtime.workorderConfig;
  for (const route of demoRoutes) {
    const ids: string[] = [];
    for (const username of route.usernames) {
      const user = await deps.services.accounts.findUserByUsername(username);
      if (user) ids.push(String(user.id));
    }
    if (ids.length > 0) await config.setRoute(deps.ctx, await deps.services.orgs.require(route.orgUnit), route.category, ids);
  }
}

/**
 * Everything the demo needs besides its org tree and accounts (which `seedDemoOrganisation`
 * makes) and the shipped catalogues (`installCatalogues`). Run once, on an empty installation,
 * before the scheduler starts. `horizonDays`: how far past `now` budgets and daily targets go.
 */
export async function prepareDemo(deps: Deps, options: { days: number; scale: number; horizonDays?: number }): Promise<DemoPlan> {
  const now = deps.ctx.now;
  // Whole days: a first day fed from mid-morning would look like a day with half its patients.
  const from = new Date(localDayStart(now.getTime() - options.days * DAY_MS));
  const plan: DemoPlan = { from: from.toISOString(), now: now.toISOString(), scale: options.scale, schedule: demoSchedule(from, now) };
  await deps.db.transaction((tx) => writeSetting(tx, PLAN_KEY, plan, now));
  await ensureDemoSources(deps);
  await prepareDemoBudgets({ ...deps, budgets: deps.runtime.budgets }, { from: from.getTime(), now: now.getTime(), scale: options.scale });
  await prepareDemoQualityCosts({ ...deps, qualityCosts: deps.runtime.qualityCosts }, { from: from.getTime(), now: now.getTime(), scale: options.scale });
  await enterTargets(deps, plan, options.horizonDays ?? 365);
  await routeToLiaisons(deps);
  await tuneRules(deps);
  return plan;
}

/** Switches on the monthly rules held back during the backfill (once; a rule switched off later stays off). */
export async function enableDeferredRules(deps: Deps): Promise<readonly string[]> {
  const pending = (await readSetting<string[]>(deps.db, DEFERRED_KEY)) ?? [];
  const rules = deps.runtime.rules.rules;
  for (const code of pending) {
    const rule = await rules.get(code);
    if (rule && !rule.enabled) await rules.setEnabled(deps.ctx, code, true);
  }
  if (pending.length > 0) await deps.db.transaction((tx) => writeSetting(tx, DEFERRED_KEY, [], deps.ctx.now));
  // The year's budgets count from now on: the months backfilled are complete.
  await approveDemoBudgets({ ...deps, budgets: deps.runtime.budgets });
  return pending;
}

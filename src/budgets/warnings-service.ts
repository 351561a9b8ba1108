import { DateTime } from 'luxon';
import type { ActionContext } from '../audit/index.ts';
import type { ScheduledJob } from '../scheduler/index.ts';
import { DEFAULT_TIME_ZONE } from '../shared/index.ts';
import type { BudgetAlertRecorder, BudgetLineJudgement } from './budget-alerts.ts';
import type { OrgRef } from './budgets-repo.ts';
import { monthStart, type ExecutionService } from './execution-service.ts';
import { evaluateBudgetLine, type WarningBounds } from './warnings.ts';

/**
 * Judges every approved budget line of the current fiscal year (and, in January, of the year
 * just closed) with the §8 warnings and records the outcomes as alerts. Lines are judged on their
 * approved (or adjusted) budget, before carry-forward: DOMAIN §8's deviation rate is against the
 * budget.
 */
export interface WarningsPass {
  readonly lines: number;
  readonly judged: number;
  readonly breaches: number;
  readonly transitions: number;
}

const SYSTEM: ActionContext['actor'] = { kind: 'system', id: null, name: 'yunjian-budgets' };

export function createBudgetWarningsService(deps: {
  execution: Pick<ExecutionService, 'yearFigures'>;
  recorder: BudgetAlertRecorder;
  root: () => Promise<{ code: string } | null>;
  timeZone?: () => Promise<string>;
}) {
  async function judgeYear(fiscalYear: number, now: Date, bounds: () => Promise<WarningBounds>, tz: string): Promise<{ lines: number; judgements: BudgetLineJudgement[] }> {
    const y = await deps.execution.yearFigures(fiscalYear, null, now, { budgetedOnly: true });
    const orgs = new Map<number, OrgRef>(y.orgs.map((o) => [o.id, o]));
    const items = new Map(y.items.map((i) => [i.id, i]));
    const judgements: BudgetLineJudgement[] = [];
    let lines = 0;
    for (const line of y.lines) {
      const org = orgs.get(line.orgUnitId);
      const item = items.get(line.itemId);
      if (!org || !item || line.budget.every((b) => b === 0)) continue;
      lines++;
      for (const o of evaluateBudgetLine(line.budget, line.actual, y.closedMonths, await bounds())) {
        judgements.push({
          kind: o.kind, org, item, periodKey: `${String(fiscalYear)}-${String(o.month).padStart(2, '0')}`, periodStart: monthStart(fiscalYear, o.month, tz),
          breach: o.breach, value: o.value, bound: o.bound, budget: o.budget, actual: o.actual,
        });
      }
    }
    return { lines, judgements };
  }

  async function evaluate(now: Date): Promise<WarningsPass> {
    const root = await deps.root();
    if (!root) return { lines: 0, judged: 0, breaches: 0, transitions: 0 };
    const tz = deps.timeZone ? await deps.timeZone() : DEFAULT_TIME_ZONE;
    // The warning rules (and their bounds) are read once a pass, and only when there is a line to judge.
    let read: WarningBounds | null = null;
    const bounds = async () => (read ??= await deps.recorder.bounds({ actor: SYSTEM, now }, root.code));
    const local = DateTime.fromJSDate(now, { zone: tz });
    const years = local.month === 1 ? [local.year - 1, local.year] : [local.year];
    let lines = 0;
    const all: BudgetLineJudgement[] = [];
    for (const year of years) {
      const r = await judgeYear(year, now, bounds, tz);
      lines += r.lines;
      all.push(...r.judgements);
    }
    const transitions = await deps.recorder.record(all, now);
    return { lines, judged: all.length, breaches: all.filter((j) => j.breach).length, transitions };
  }

  return { evaluate };
}

export type BudgetWarningsService = ReturnType<typeof createBudgetWarningsService>;

/** Judges the budget lines every hour (actuals arrive all the time; a month closes at midnight). */
export function createBudgetWarningsJob(warnings: Pick<BudgetWarningsService, 'evaluate'>): ScheduledJob {
  return { name: 'budget-warnings', everyMs: 3_600_000, run: async (now) => { await warnings.evaluate(now); } };
}

import { createAlertRecorder, type AlertTransitionConsumer } from '../alerts/index.ts';
import type { ActionContext } from '../audit/index.ts';
import { recordingRule, type JudgedOutcome } from '../rules/engine-alerts.ts';
import type { RuleDefinition, RuleOutcome } from '../rules/index.ts';
import type { RulesService } from '../rules/rules-service.ts';
import type { Db } from '../store/index.ts';
import type { BudgetWarningKind, WarningBounds } from './warnings.ts';
import { budgetWarningRules } from './warning-rules.ts';

/**
 * The one adapter between budget warnings and alert storage: it makes sure the three warning
 * rules exist (warning-rules.ts), reads their bounds, and records judged budget lines as rule
 * outcomes through the alerts module's recorder (alerts/recorder.ts) — so each warning steps its alert through the
 * alert state machine, the notification pipeline and the transition consumers (work orders for
 * the budget owner), in one transaction.
 */
export interface BudgetLineJudgement {
  readonly kind: BudgetWarningKind;
  readonly org: { readonly id: number; readonly code: string; readonly name: string; readonly kind: string; readonly path: string };
  /** The line's item, named in the alert (its series key is `item:<code>`). */
  readonly item: { readonly code: string; readonly nameZh: string };
  readonly periodKey: string;
  readonly periodStart: Date;
  readonly breach: boolean;
  readonly value: number;
  readonly bound: number;
  readonly budget: number;
  readonly actual: number;
}

export interface BudgetAlertRecorder {
  /** The bounds the stored warning rules hold (installing them first when missing). */
  bounds(ctx: ActionContext, rootCode: string): Promise<WarningBounds>;
  record(judgements: readonly BudgetLineJudgement[], now: Date): Promise<number>;
}

export function createBudgetAlertRecorder(deps: {
  db: Db;
  rules: Pick<RulesService, 'get' | 'create'>;
  consumers: readonly AlertTransitionConsumer[];
  timeZone?: () => Promise<string>;
}): BudgetAlertRecorder {
  const stored = new Map<BudgetWarningKind, { id: number; def: RuleDefinition }>();

  async function ensure(ctx: ActionContext, rootCode: string): Promise<void> {
    for (const [kind, def] of Object.entries(budgetWarningRules(rootCode)) as [BudgetWarningKind, RuleDefinition][]) {
      const rule = (await deps.rules.get(def.code)) ?? (await deps.rules.create(ctx, def));
      stored.set(kind, { id: rule.id, def: rule.definition });
    }
  }

  function outcomeOf(j: BudgetLineJudgement, def: RuleDefinition, now: Date): RuleOutcome {
    return {
      ruleCode: def.code, ruleVersion: def.version, orgUnit: j.org.code, seriesKey: `item:${j.item.code}`, periodKey: j.periodKey,
      periodStart: j.periodStart.toISOString(), closed: true, kind: j.breach ? 'breach' : 'ok', value: j.value, bound: j.bound, recovered: true,
      evaluatedAt: now.toISOString(), detail: { values: { actual: j.actual }, baseline: { budget: j.budget } },
    };
  }

  return {
    async bounds(ctx, rootCode) {
      await ensure(ctx, rootCode);
      const bound = (kind: BudgetWarningKind, fallback: number) => {
        const def = stored.get(kind)?.def;
        return def && 'bound' in def && typeof def.bound === 'number' ? def.bound : fallback;
      };
      return { month_deviation: bound('month_deviation', 0.5), three_month_average: bound('three_month_average', 0.2), half_year_cumulative: bound('half_year_cumulative', 0.2) };
    },

    async record(judgements, now) {
      if (judgements.length === 0) return 0;
      const timeZone = deps.timeZone ? await deps.timeZone() : undefined;
      const recorder = createAlertRecorder({ consumers: deps.consumers, isHoliday: () => false, ...(timeZone !== undefined ? { timeZone } : {}) });
      const inputs = await recorder.loadInputs(deps.db, now);
      const work = [...stored].map(([kind, rule]) => ({
        // A warning pass judges the year's approved lines: months of this year and the last are live (not history).
        rule: { ...recordingRule(rule), livePeriods: 24 },
        judged: judgements.filter((j) => j.kind === kind).map((j): JudgedOutcome => ({
          // The alert names the budget line: org unit and item.
          outcome: outcomeOf(j, rule.def, now), org: { ...j.org, name: `${j.org.name} · ${j.item.nameZh}` }, trigger: 'schedule',
        })),
      })).filter((w) => w.judged.length > 0);
      return deps.db.transaction(async (tx) => (await recorder.record(tx, work, inputs, now)).events.length);
    },
  };
}

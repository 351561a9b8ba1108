import type { ActionContext } from '../audit/index.ts';
import type { BudgetsService, OrgRef } from '../budgets/index.ts';
import type { Services } from '../main.ts';
import { simulatedBudgets, simulatedGroup } from '../simulator/index.ts';
import { readSetting, writeSetting, type Db } from '../store/index.ts';
import { localIso, localMonthStart } from './demo-schedule.ts';
import { demoSeed } from './demo-seed.ts';

/**
 * The demo's budget ledger: an item tree (cost: consumables, utilities, maintenance; revenue by
 * charge category) mapped to the simulator's `expense` and `charge` events, and the group's
 * budget of the year — each unit's monthly lines for every month from the first whole month of
 * the feed to December (months before the feed have no budget and are not judged). The budgets
 * are entered and submitted by the finance department at preparation and approved once the
 * backfill is done (`approveDemoBudgets`): a budget counts only once approved, so the months
 * still being backfilled are never judged on partial actuals.
 */
const PENDING_KEY = 'demo_pending_budgets';
const FINANCE: ActionContext['actor'] = { kind: 'system', id: null, name: 'demo finance (财务科)' };

const ITEMS = [
  { code: 'cost', nameZh: '支出', nameEn: 'Cost', kind: 'cost' },
  { code: 'cost.consumables', nameZh: '医用耗材', nameEn: 'Medical consumables', kind: 'cost', parent: 'cost' },
  { code: 'cost.utilities', nameZh: '水电费', nameEn: 'Utilities', kind: 'cost', parent: 'cost' },
  { code: 'cost.maintenance', nameZh: '维修费', nameEn: 'Maintenance', kind: 'cost', parent: 'cost' },
  { code: 'revenue', nameZh: '医疗收入', nameEn: 'Revenue', kind: 'revenue' },
  { code: 'revenue.drug', nameZh: '药品收入', nameEn: 'Drug revenue', kind: 'revenue', parent: 'revenue' },
  { code: 'revenue.consumable', nameZh: '卫生材料收入', nameEn: 'Consumables revenue', kind: 'revenue', parent: 'revenue' },
  { code: 'revenue.exam', nameZh: '检查收入', nameEn: 'Examination revenue', kind: 'revenue', parent: 'revenue' },
  { code: 'revenue.lab', nameZh: '化验收入', nameEn: 'Laboratory revenue', kind: 'revenue', parent: 'revenue' },
  { code: 'revenue.service', nameZh: '医疗服务收入', nameEn: 'Medical service revenue', kind: 'revenue', parent: 'revenue' },
  { code: 'revenue.other', nameZh: '其他收入', nameEn: 'Other revenue', kind: 'revenue', parent: 'revenue' },
] as const;

/** expense.item → cost items; charge.category → revenue items. */
const MAPPINGS: readonly { eventType: 'expense' | 'charge'; match: string; item: string }[] = [
  { eventType: 'expense', match: 'medical_consumables', item: 'cost.consumables' },
  { eventType: 'expense', match: 'utilities', item: 'cost.utilities' },
  { eventType: 'expense', match: 'maintenance', item: 'cost.maintenance' },
  ...['drug', 'consumable', 'exam', 'lab', 'service', 'other'].map((c) => ({ eventType: 'charge' as const, match: c, item: `revenue.${c}` })),
];

const ITEM_OF: Readonly<Record<string, string>> = { medical_consumables: 'cost.consumables', utilities: 'cost.utilities', maintenance: 'cost.maintenance' };

interface Deps {
  readonly db: Db;
  readonly budgets: BudgetsService;
  readonly services: Pick<Services, 'orgs'>;
  readonly ctx: ActionContext;
}

/** Items, mapping and the submitted budgets of the year(s) the feed covers (`from` and `now`: the feed's span). */
export async function prepareDemoBudgets(deps: Deps, span: { from: number; now: number; scale: number }): Promise<void> {
  const root = (await deps.services.orgs.listRoots())[0];
  if (!root) return;
  const known = new Set((await deps.budgets.items()).map((i) => i.code));
  for (const item of ITEMS) if (!known.has(item.code)) await deps.budgets.createItem(deps.ctx, item, root.id);
  await deps.budgets.setMappings(deps.ctx, MAPPINGS, root.id);
  const finance = { ...deps.ctx, actor: FINANCE };
  const firstMonth = localMonthStart(span.from, span.from === localMonthStart(span.from) ? 0 : 1);
  const lastMonth = localMonthStart(Date.parse(`${localIso(span.now).slice(0, 4)}-12-01T00:00:00+08:00`));
  // Per year and unit: each line's monthly amount for the months budgeted.
  const byYearOrg = new Map<string, { year: number; org: string; lines: { item: string; month: number; amount: number }[] }>();
  for (const line of simulatedBudgets(simulatedGroup(demoSeed), span.scale)) {
    for (let m = firstMonth; m <= lastMonth; m = localMonthStart(m, 1)) {
      const [year, month] = localIso(m).slice(0, 7).split('-').map(Number) as [number, number];
      const key = `${String(year)}:${line.orgUnit}`;
      const entry = byYearOrg.get(key) ?? { year, org: line.orgUnit, lines: [] };
      entry.lines.push({ item: ITEM_OF[line.item] ?? 'cost.consumables', month, amount: line.monthlyAmount });
      byYearOrg.set(key, entry);
    }
  }
  const pending: { year: number; org: string }[] = [];
  for (const { year, org, lines } of byYearOrg.values()) {
    const unit: OrgRef = await deps.services.orgs.require(org);
    await deps.budgets.saveLines(finance, year, unit, { lines, carryRule: 'within_quarter' });
    await deps.budgets.transition(finance, year, unit, 'submit');
    pending.push({ year, org });
  }
  await deps.db.transaction((tx) => writeSetting(tx, PENDING_KEY, pending, deps.ctx.now));
}

/** Approves the budgets submitted at preparation (once); returns how many. */
export async function approveDemoBudgets(deps: Deps): Promise<number> {
  const pending = (await readSetting<{ year: number; org: string }[]>(deps.db, PENDING_KEY)) ?? [];
  for (const { year, org } of pending) {
    const unit: OrgRef = await deps.services.orgs.require(org);
    if ((await deps.budgets.view(year, unit)).status === 'submitted') await deps.budgets.transition(deps.ctx, year, unit, 'approve');
  }
  if (pending.length > 0) await deps.db.transaction((tx) => writeSetting(tx, PENDING_KEY, [], deps.ctx.now));
  return pending.length;
}

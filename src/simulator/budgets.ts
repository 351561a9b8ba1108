/**
 * Expense postings the generator makes and the monthly budget lines they should meet: each
 * clinical department's medical consumables, and each hospital's utilities and maintenance.
 */
import { HOSPITALS, type SimulatedGroup } from './org.ts';
import type { ExpensePlan } from './operations.ts';

export interface BudgetLine {
  readonly orgUnit: string;
  readonly item: string;
  /** Budget per calendar month (CNY) at the given scale. */
  readonly monthlyAmount: number;
}

const WORKING_DAYS_PER_MONTH = 21.75;
const DAYS_PER_MONTH = 30.44;

export function expensePlans(group: SimulatedGroup): readonly ExpensePlan[] {
  const plans: ExpensePlan[] = [];
  for (const h of HOSPITALS) {
    const size = h.dailyVisits / 620;
    for (const d of group.departments) {
      if (d.hospital !== h.code || d.channel !== 'offline') continue;
      plans.push({ orgUnit: d.code, item: 'medical_consumables', dailyAmount: Math.round(3000 * d.weight * size), workingDaysOnly: true });
    }
    plans.push({ orgUnit: h.code, item: 'utilities', dailyAmount: Math.round(18000 * size), workingDaysOnly: false });
    plans.push({ orgUnit: h.code, item: 'maintenance', dailyAmount: Math.round(6000 * size), workingDaysOnly: true });
  }
  return plans;
}

/** Monthly budgets equal to the expected spend without incidents. */
export function simulatedBudgets(group: SimulatedGroup, scale = 1): readonly BudgetLine[] {
  return expensePlans(group).map((p) => ({
    orgUnit: p.orgUnit,
    item: p.item,
    monthlyAmount: Math.round(p.dailyAmount * scale * (p.workingDaysOnly ? WORKING_DAYS_PER_MONTH : DAYS_PER_MONTH)),
  }));
}

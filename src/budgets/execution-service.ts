import { DateTime } from 'luxon';
import { DEFAULT_TIME_ZONE } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import * as repo from './budgets-repo.ts';
import { carryForward } from './carry-forward.ts';
import { executionGrid, type ExecutionGrain, type ExecutionRow, type LineFigures } from './execution.ts';
import { itemNotFound } from './errors.ts';
import { childItems, type BudgetItem } from './items.ts';

/**
 * The execution view and what the warnings judge: approved budget lines of a year with their
 * actuals (from mapped `expense`/`charge` events and the ledger of entered and imported actuals),
 * carried forward by each budget's rule, summed along both trees.
 */
export interface YearFigures {
  readonly lines: readonly LineFigures[];
  readonly orgs: readonly repo.OrgRef[];
  readonly items: readonly BudgetItem[];
  /** Months of the year that are over at `now` (0–12). */
  readonly closedMonths: number;
}

/** The instant a local month starts (month 13 = January of the next year). */
export function monthStart(year: number, month: number, timeZone: string): Date {
  return DateTime.fromObject({ year, month: 1, day: 1 }, { zone: timeZone }).plus({ months: month - 1 }).toJSDate();
}

/** How many months of `year` are over at `now` in the zone. */
export function closedMonthsAt(year: number, now: Date, timeZone: string): number {
  let closed = 0;
  while (closed < 12 && monthStart(year, closed + 2, timeZone).getTime() <= now.getTime()) closed++;
  return closed;
}

export function createExecutionService(deps: { db: Db; timeZone?: () => Promise<string> }) {
  const { db } = deps;
  const zone = async () => (deps.timeZone ? deps.timeZone() : DEFAULT_TIME_ZONE);

  /** Every approved line of the year in the subtrees, and every actual there, as twelve-month figures. */
  async function yearFigures(fiscalYear: number, paths: readonly string[] | null, now: Date, options: { budgetedOnly?: boolean } = {}): Promise<YearFigures> {
    const tz = await zone();
    const budgets = await repo.listBudgets(db, fiscalYear, paths);
    const closedMonths = closedMonthsAt(fiscalYear, now, tz);
    // The warnings judge budgeted lines only: without an approved budget the actuals need not be summed.
    if (options.budgetedOnly === true && !budgets.some((b) => b.status === 'approved')) return { lines: [], orgs: [], items: [], closedMonths };
    const [lines, ledger, events, orgs, itemRows, exceptions] = await Promise.all([
      repo.listLines(db, fiscalYear, paths, true), repo.sumLedgerActuals(db, fiscalYear, paths),
      repo.sumEventActuals(db, monthStart(fiscalYear, 1, tz), monthStart(fiscalYear, 13, tz), tz, paths), repo.listOrgsInScope(db, paths), repo.listItems(db),
      repo.sumApprovedExceptions(db, fiscalYear, paths),
    ]);
    const rule = new Map(budgets.filter((b) => b.status === 'approved').map((b) => [b.orgUnitId, b.carryRule]));
    const acc = new Map<string, { orgUnitId: number; itemId: number; budget: number[]; actual: number[]; original: number[]; outOfBudget: number[] | null; adjusted: boolean }>();
    const at = (orgUnitId: number, itemId: number) => {
      const key = `${String(orgUnitId)}:${String(itemId)}`;
      let a = acc.get(key);
      if (!a) acc.set(key, (a = { orgUnitId, itemId, budget: Array<number>(12).fill(0), actual: Array<number>(12).fill(0), original: Array<number>(12).fill(0), outOfBudget: null, adjusted: false }));
      return a;
    };
    for (const l of lines) {
      const a = at(l.orgUnitId, l.itemId);
      a.budget[l.month - 1] = l.amount;
      // An adjusted line keeps its approved amount beside it (a month the adjustment left alone had the same).
      a.original[l.month - 1] = l.originalAmount ?? l.amount;
      if (l.originalAmount !== null) a.adjusted = true;
    }
    for (const r of [...ledger, ...events]) {
      const a = at(r.orgUnitId, r.itemId);
      a.actual[r.month - 1] = (a.actual[r.month - 1] ?? 0) + r.amount;
    }
    for (const x of exceptions) {
      const a = at(x.orgUnitId, x.itemId);
      a.outOfBudget ??= Array<number>(12).fill(0);
      a.outOfBudget[x.month - 1] = (a.outOfBudget[x.month - 1] ?? 0) + x.amount;
    }
    const figures: LineFigures[] = [...acc.values()].map((a) => ({
      orgUnitId: a.orgUnitId, itemId: a.itemId, budget: a.budget, actual: a.actual,
      effective: carryForward(a.budget, a.actual, rule.get(a.orgUnitId) ?? 'none', closedMonths).effective,
      ...(a.adjusted ? { original: a.original } : {}),
      ...(a.outOfBudget ? { outOfBudget: a.outOfBudget } : {}),
    }));
    return { lines: figures, orgs, items: itemRows, closedMonths };
  }

  return {
    yearFigures,

    /** Where one line's actuals of a month come from: its events (the first `limit`), entries and import batches. */
    async sources(q: { orgUnitId: number; item: string; fiscalYear: number; month: number; limit?: number }): Promise<repo.ActualSource[]> {
      const tz = await zone();
      const item = (await repo.listItems(db)).find((i) => i.code === q.item);
      if (!item) throw itemNotFound(q.item, '/query/item');
      return repo.listActualSources(db, {
        orgUnitId: q.orgUnitId, itemId: item.id, fiscalYear: q.fiscalYear, month: q.month,
        from: monthStart(q.fiscalYear, q.month, tz), to: monthStart(q.fiscalYear, q.month + 1, tz), timeZone: tz, limit: q.limit ?? 500,
      });
    },

    /** The grid for an org node and its children × an item node and its children (no item: the root items — revenue and cost are never summed together). */
    async grid(q: { fiscalYear: number; org: repo.OrgRef; item: BudgetItem | null; grain: ExecutionGrain; paths: readonly string[] | null; now: Date }) {
      const y = await yearFigures(q.fiscalYear, q.paths, q.now);
      const childOrgs = y.orgs.filter((o) => o.parentId === q.org.id);
      const childItemRows = childItems(y.items, q.item?.id ?? null);
      const orgRows = [q.org, ...childOrgs];
      const itemRows = q.item ? [q.item, ...childItemRows] : childItemRows;
      const rows: ExecutionRow[] = executionGrid({ lines: y.lines, orgs: y.orgs, items: y.items, orgRows: orgRows.map((o) => o.id), itemRows: itemRows.map((i) => i.id), grain: q.grain });
      return { rows, orgRows, itemRows, items: y.items, closedMonths: y.closedMonths };
    },
  };
}

export type ExecutionService = ReturnType<typeof createExecutionService>;

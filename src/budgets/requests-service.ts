import { appendAudit, type ActionContext } from '../audit/index.ts';
import { AppError } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { checkLevels, DEFAULT_APPROVAL_LEVELS, levelFor, mayApprove, type ApprovalLevel, type ApproverRole } from './approval.ts';
import * as repo from './budgets-repo.ts';
import { budgetNotFound, invalidTransition, itemNotFound } from './errors.ts';
import { leafItems } from './items.ts';
import * as requests from './requests-repo.ts';

/**
 * What changes an approved budget, each through an approval with its reason and audited:
 * - the adjustment (预算调整): at most once a year per unit (a pending or approved adjustment
 *   blocks another — a partial unique index holds it), decided by a budget.approve holder other
 *   than the requester; approved lines keep their approved amount beside the adjusted one;
 * - out-of-budget spending (预算外支出): a request approved at the level its amount falls in
 *   (configurable levels; the approver holds that level's role or a higher one on the unit).
 */
export interface AdjustmentView extends Omit<requests.AdjustmentRow, 'lines'> {
  /** Original (approved) and adjusted lines side by side. */
  readonly lines: readonly { item: string; month: number; original: number; adjusted: number }[];
}

export type Decision = 'approve' | 'reject';

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === '23505';
}

export function createBudgetRequestsService(deps: { db: Db }) {
  const { db } = deps;

  async function levels(): Promise<ApprovalLevel[]> {
    const stored = await requests.listApprovalLevels(db);
    return stored.length > 0 ? stored : [...DEFAULT_APPROVAL_LEVELS];
  }

  async function leafIds(): Promise<Map<string, number>> {
    return new Map(leafItems(await repo.listItems(db)).map((i) => [i.code, i.id]));
  }

  /** The adjustment's lines beside the budget's lines as approved (before any adjustment). */
  async function adjustmentView(a: requests.AdjustmentRow): Promise<AdjustmentView> {
    const items = new Map((await repo.listItems(db)).map((i) => [i.id, i.code]));
    const current = new Map((await repo.listLines(db, a.fiscalYear, null, false, a.budgetId)).map((l) => [`${items.get(l.itemId) ?? ''}:${String(l.month)}`, l]));
    return {
      ...a,
      lines: a.lines.map((l) => {
        const line = current.get(`${l.item}:${String(l.month)}`);
        return { item: l.item, month: l.month, original: line ? (line.originalAmount ?? line.amount) : 0, adjusted: l.amount };
      }),
    };
  }

  return {
    levels,
    findAdjustment: (id: number) => requests.findAdjustment(db, id),
    findException: (id: number) => requests.findException(db, id),

    async setLevels(ctx: ActionContext, input: readonly ApprovalLevel[], rootOrgId: number): Promise<ApprovalLevel[]> {
      const problem = checkLevels(input);
      if (problem !== null) throw new AppError('BUDGET_LEVELS_INVALID', `The approval levels are invalid: ${problem}.`, { field: '/body/levels' });
      await db.transaction(async (tx) => {
        await requests.replaceApprovalLevels(tx, input);
        await appendAudit(tx, ctx.actor, { action: 'budget_levels.replaced', targetKind: 'budget_levels', targetId: null, orgUnitId: rootOrgId, summary: { levels: input.map((l) => ({ ...l })) } }, ctx.now);
      });
      return levels();
    },

    async listAdjustments(fiscalYear: number, paths: readonly string[] | null): Promise<AdjustmentView[]> {
      return Promise.all((await requests.listAdjustments(db, fiscalYear, paths)).map(adjustmentView));
    },

    listExceptions: (fiscalYear: number, paths: readonly string[] | null) => requests.listExceptions(db, fiscalYear, paths),

    /** Proposes the year's adjustment of an approved budget (lines it changes, with the reason). */
    async requestAdjustment(ctx: ActionContext, fiscalYear: number, org: repo.OrgRef, input: { reason: string; lines: readonly { item: string; month: number; amount: number }[] }): Promise<AdjustmentView> {
      const leaves = await leafIds();
      input.lines.forEach((l, i) => { if (!leaves.has(l.item)) throw itemNotFound(l.item, `/body/lines/${String(i)}/item`); });
      const id = await db.transaction(async (tx) => {
        const budget = await repo.findBudget(tx, fiscalYear, org.id, true);
        if (!budget) throw budgetNotFound(`${String(fiscalYear)} for ${org.code}`);
        if (budget.status !== 'approved') throw invalidTransition('Only an approved budget is adjusted (a draft is edited directly).');
        let newId: number;
        try {
          newId = await requests.insertAdjustment(tx, { budgetId: budget.id, reason: input.reason, lines: input.lines.map((l) => ({ ...l })), by: ctx.actor.name, at: ctx.now });
        } catch (e) {
          if (isUniqueViolation(e)) throw new AppError('BUDGET_ADJUSTMENT_CONFLICT', `The ${String(fiscalYear)} budget of ${org.code} has already been adjusted (or an adjustment awaits a decision): at most once a year.`);
          throw e;
        }
        await appendAudit(tx, ctx.actor, { action: 'budget.adjustment_requested', targetKind: 'budget_adjustment', targetId: String(newId), orgUnitId: org.id, summary: { fiscalYear, reason: input.reason, lines: input.lines.length } }, ctx.now);
        return newId;
      });
      const row = await requests.findAdjustment(db, id);
      if (!row) throw new Error('adjustment vanished');
      return adjustmentView(row);
    },

    async decideAdjustment(ctx: ActionContext, id: number, decision: Decision, note: string | null): Promise<AdjustmentView> {
      const leaves = await leafIds();
      await db.transaction(async (tx) => {
        const a = await requests.findAdjustment(tx, id, true);
        if (!a) throw new AppError('BUDGET_ADJUSTMENT_NOT_FOUND', `No adjustment ${String(id)}.`, { field: '/params/id' });
        if (a.requestedBy === ctx.actor.name) throw new AppError('BUDGET_APPROVER_IS_SUBMITTER', 'An adjustment is decided by someone other than who requested it.');
        if (!(await requests.decideRequest(tx, 'budget_adjustment', id, decision === 'approve' ? 'approved' : 'rejected', ctx.actor.name, note, ctx.now))) throw invalidTransition(`Adjustment ${String(id)} is already ${a.status}.`);
        if (decision === 'approve') await repo.adjustLines(tx, a.budgetId, a.lines.map((l) => ({ itemId: leaves.get(l.item) ?? 0, month: l.month, amount: l.amount })));
        await appendAudit(tx, ctx.actor, { action: `budget.adjustment_${decision === 'approve' ? 'approved' : 'rejected'}`, targetKind: 'budget_adjustment', targetId: String(id), orgUnitId: a.orgUnitId, summary: { fiscalYear: a.fiscalYear, note } }, ctx.now);
      });
      const row = await requests.findAdjustment(db, id);
      if (!row) throw new Error('adjustment vanished');
      return adjustmentView(row);
    },

    /** Requests out-of-budget spending; its approval level follows from the amount. */
    async requestException(ctx: ActionContext, org: repo.OrgRef, input: { fiscalYear: number; month: number; item: string; amount: number; reason: string }): Promise<requests.ExceptionRow> {
      const itemId = (await leafIds()).get(input.item);
      if (itemId === undefined) throw itemNotFound(input.item, '/body/item');
      const level = levelFor(await levels(), input.amount);
      const id = await db.transaction(async (tx) => {
        const newId = await requests.insertException(tx, { orgUnitId: org.id, itemId, fiscalYear: input.fiscalYear, month: input.month, amount: input.amount, reason: input.reason, level: level.code, by: ctx.actor.name, at: ctx.now });
        await appendAudit(tx, ctx.actor, { action: 'budget.exception_requested', targetKind: 'budget_exception', targetId: String(newId), orgUnitId: org.id, summary: { ...input, level: level.code } }, ctx.now);
        return newId;
      });
      const row = await requests.findException(db, id);
      if (!row) throw new Error('exception vanished');
      return row;
    },

    /** `roles`: the decider's roles on the requesting unit (grants covering it). */
    async decideException(ctx: ActionContext, id: number, roles: readonly ApproverRole[], decision: Decision, note: string | null): Promise<requests.ExceptionRow> {
      const all = await levels();
      await db.transaction(async (tx) => {
        const e = await requests.findException(tx, id, true);
        if (!e) throw new AppError('BUDGET_EXCEPTION_NOT_FOUND', `No out-of-budget request ${String(id)}.`, { field: '/params/id' });
        const level = all.find((l) => l.code === e.level) ?? levelFor(all, e.amount);
        if (!mayApprove(level, roles)) throw new AppError('BUDGET_APPROVER_LEVEL', `A request of ${String(e.amount)} is decided at the ${level.nameEn} level (${level.approverRole} or higher).`, { level: level.code });
        if (e.requestedBy === ctx.actor.name) throw new AppError('BUDGET_APPROVER_IS_SUBMITTER', 'A request is decided by someone other than who made it.');
        if (!(await requests.decideRequest(tx, 'budget_exception', id, decision === 'approve' ? 'approved' : 'rejected', ctx.actor.name, note, ctx.now))) throw invalidTransition(`Request ${String(id)} is already ${e.status}.`);
        await appendAudit(tx, ctx.actor, { action: `budget.exception_${decision === 'approve' ? 'approved' : 'rejected'}`, targetKind: 'budget_exception', targetId: String(id), orgUnitId: e.orgUnitId, summary: { amount: e.amount, level: level.code, note } }, ctx.now);
      });
      const row = await requests.findException(db, id);
      if (!row) throw new Error('exception vanished');
      return row;
    },
  };
}

export type BudgetRequestsService = ReturnType<typeof createBudgetRequestsService>;

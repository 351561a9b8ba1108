import { appendAudit, type ActionContext } from '../audit/index.ts';
import { closedMonthsAt, monthStart, type OrgRef } from '../budgets/index.ts';
import { DEFAULT_TIME_ZONE } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { pafReport, type CostAmount, type CostCategory, type PafReport } from './paf.ts';
import * as repo from './quality-costs-repo.ts';

/**
 * The quality-cost ledger (品质成本): entries by hand per org unit and month beside the costs that
 * `quality_event` events carry, and the PAF report of an org unit's subtree for a year with its
 * children ranked. Entries are audited.
 */
/** The failure-cost target where none is set: down 10 % a year. */
export const DEFAULT_FAILURE_GOAL = -0.1;

export function createQualityCostsService(deps: { db: Db; timeZone?: () => Promise<string>; orgsInScope: (paths: readonly string[] | null) => Promise<readonly OrgRef[]> }) {
  const { db } = deps;
  const zone = async () => (deps.timeZone ? deps.timeZone() : DEFAULT_TIME_ZONE);

  /** The target that applies to `org` in a year (its own or its nearest ancestor's), or the default −10 %. */
  async function target(year: number, org: OrgRef): Promise<{ failureChange: number; setOn: number | null }> {
    const row = await repo.findTarget(db, year, org.path);
    return row ? { failureChange: row.failureChange, setOn: row.orgUnitId } : { failureChange: DEFAULT_FAILURE_GOAL, setOn: null };
  }

  return {
    async addEntry(ctx: ActionContext, org: OrgRef, input: { month: string; category: CostCategory; amount: number; description: string }): Promise<number> {
      return db.transaction(async (tx) => {
        const id = await repo.insertEntry(tx, { orgUnitId: org.id, periodMonth: `${input.month}-01`, category: input.category, amount: input.amount, description: input.description, by: ctx.actor.name, at: ctx.now });
        await appendAudit(tx, ctx.actor, { action: 'quality_cost.entered', targetKind: 'quality_cost_entry', targetId: String(id), orgUnitId: org.id, summary: { ...input } }, ctx.now);
        return id;
      });
    },

    /** Sets the failure-cost target of `org`'s subtree for a year (e.g. −0.1: failure cost down 10 % against the year before). */
    async setTarget(ctx: ActionContext, org: OrgRef, input: { year: number; failureChange: number }): Promise<void> {
      await db.transaction(async (tx) => {
        // Stored to four decimals (0.01 %), as numeric(6, 4) keeps it.
        await repo.upsertTarget(tx, { orgUnitId: org.id, fiscalYear: input.year, failureChange: Math.round(input.failureChange * 10_000) / 10_000, by: ctx.actor.name, at: ctx.now });
        await appendAudit(tx, ctx.actor, { action: 'quality_cost.target_set', targetKind: 'quality_cost_target', targetId: `${String(org.id)}:${String(input.year)}`, orgUnitId: org.id, summary: { ...input } }, ctx.now);
      });
    },

    target,

    listEntries: (year: number, paths: readonly string[] | null) => repo.listEntries(db, `${String(year)}-01-01`, `${String(year + 1)}-01-01`, paths),

    /**
     * The PAF report of `org`'s subtree for `year`, its children ranked; `failureGoal` e.g. −0.1.
     * The caller may read `org` (the route checked it), so its whole subtree is in scope.
     */
    async report(q: { year: number; org: OrgRef; now: Date; failureGoal?: number }): Promise<PafReport & { readonly children: readonly OrgRef[] }> {
      const tz = await zone();
      const failureGoal = q.failureGoal ?? (await target(q.year, q.org)).failureChange;
      const scope = [q.org.path];
      const from = monthStart(q.year - 1, 1, tz);
      const to = monthStart(q.year + 1, 1, tz);
      const [entries, events, revenue, orgs] = await Promise.all([
        repo.sumEntries(db, `${String(q.year - 1)}-01-01`, `${String(q.year + 1)}-01-01`, scope), repo.sumQualityEvents(db, from, to, tz, scope),
        repo.sumRevenue(db, monthStart(q.year, 1, tz), to, tz, scope), deps.orgsInScope(scope),
      ]);
      const monthOf = (r: repo.AmountByMonth) => (r.year === q.year ? r.month : 0);
      const costs: CostAmount[] = [...entries, ...events].map((r) => ({ orgUnitId: r.orgUnitId, month: monthOf(r), category: r.category, amount: r.amount }));
      const children = orgs.filter((o) => o.parentId === q.org.id);
      const childOf = new Map<number, number>();
      for (const o of orgs) {
        const child = children.find((c) => o.path.startsWith(c.path));
        if (child) childOf.set(o.id, child.id);
      }
      const report = pafReport({
        costs, revenue: revenue.map((r) => ({ ...r, month: monthOf(r) })), units: children.map((c) => c.id), unitOf: (id) => childOf.get(id) ?? null,
        failureGoal, closedMonths: closedMonthsAt(q.year, q.now, tz),
      });
      return { ...report, children };
    },
  };
}

export type QualityCostsService = ReturnType<typeof createQualityCostsService>;

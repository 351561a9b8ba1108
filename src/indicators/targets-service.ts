import { appendAudit, type ActionContext } from '../audit/index.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { AppError, nextPeriod, periodKey, periodsBetween, type Grain } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { reportingTimeZone, type IndicatorCatalog } from './catalog-service.ts';
import { indicatorNotFound } from './definitions-service.ts';
import { listTargets, upsertTarget } from './indicator-repo.ts';
import { resolveTarget } from './targets.ts';
import { parsePeriodKey } from '../shared/index.ts';

/**
 * Targets per indicator × org unit × period. A unit without its own target for a period inherits
 * its nearest ancestor's; reading them says which unit a target comes from.
 */
export interface ResolvedTargetView {
  readonly periodKey: string;
  readonly periodStart: Date;
  readonly value: number | null;
  /** Code of the org unit that set it (the unit itself or an ancestor). */
  readonly fromOrg: string | null;
  readonly inherited: boolean;
}

export function createIndicatorTargetsService(deps: { db: Db; catalog: IndicatorCatalog; orgs: { listByIds(ids: readonly number[]): Promise<OrgUnit[]> } }) {
  const { db, catalog } = deps;

  async function requireIndicator(code: string): Promise<void> {
    if (!(await catalog.get(db, code))) throw indicatorNotFound(code);
  }

  return {
    async setTarget(ctx: ActionContext, code: string, input: { org: OrgUnit; periodKey: string; value: number }): Promise<{ before: number | null }> {
      await requireIndicator(code);
      const period = parsePeriodKey(input.periodKey, await reportingTimeZone(db));
      if (!period) throw new AppError('INDICATOR_PERIOD_INVALID', `"${input.periodKey}" is not a period key (2026-11-23, 2026-W48, 2026-11, 2026-Q4, 2026).`, { field: '/body/period' });
      return db.transaction(async (tx) => {
        const before = await upsertTarget(tx, {
          indicator: code, orgUnitId: input.org.id, grain: period.grain, periodStart: period.start, value: input.value, setBy: ctx.actor.name, setAt: ctx.now,
        });
        await appendAudit(tx, ctx.actor, {
          action: 'indicator.targetSet', targetKind: 'indicator', targetId: code, orgUnitId: input.org.id,
          summary: { period: input.periodKey, before, after: input.value },
        }, ctx.now);
        return { before };
      });
    },

    /** The target that applies to `org` in each period of [from, to), own or inherited. */
    async resolvedTargets(code: string, org: OrgUnit, grain: Grain, from: Date, to: Date): Promise<ResolvedTargetView[]> {
      await requireIndicator(code);
      const timeZone = await reportingTimeZone(db);
      let periods: readonly Date[];
      try {
        periods = periodsBetween(from, to, grain, timeZone, 1500);
      } catch {
        throw new AppError('INDICATOR_RANGE_TOO_LARGE', `At most 1500 ${grain} periods per request.`, { field: '/query/from' });
      }
      const last = periods.at(-1);
      const ancestry = org.path.split('/').filter((s) => s !== '').reverse();
      const ids = ancestry.map(Number);
      const rows = !last ? [] : await listTargets(db, { indicator: code, grain, from: periods[0] ?? from, to: nextPeriod(last, grain, timeZone), orgUnitIds: ids });
      const codes = new Map((await deps.orgs.listByIds(ids)).map((o) => [String(o.id), o.code]));
      const targets = rows.map((t) => ({ indicator: code, orgUnit: String(t.orgUnitId), grain, periodStart: t.periodStart, value: t.value }));
      return periods.map((start) => {
        const r = resolveTarget(targets, code, ancestry, grain, start);
        return {
          periodKey: periodKey(start, grain, timeZone), periodStart: start, value: r?.value ?? null,
          fromOrg: r ? (codes.get(r.fromOrgUnit) ?? null) : null, inherited: r?.inherited ?? false,
        };
      });
    },
  };
}

export type IndicatorTargetsService = ReturnType<typeof createIndicatorTargetsService>;

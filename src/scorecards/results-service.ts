import { appendAudit, type ActionContext } from '../audit/index.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { AppError, isPeriodOpen, parsePeriodKey, periodKey, previousPeriod, type Clock } from '../shared/index.ts';
import type { Db, Queryable } from '../store/index.ts';
import { buildBoards, rankUnits, type Boards, type PeriodStanding } from './boards.ts';
import { resultState, type ResultState } from './periods.ts';
import type { Scheme } from './scheme.ts';
import * as repo from './scorecards-repo.ts';
import type { LoadedScheme, ScorecardsService } from './scorecards-service.ts';
import type { ScoreResult } from './scoring.ts';

/**
 * Reading, publishing and contesting results. What a period shows is its published copy once
 * published, else the current computation (provisional or final by the clock). Adjustments and
 * appeal decisions are audited in the transaction that records them, then the period is
 * recomputed; after publishing they (like late data) appear as a pending revision until the
 * period is published again. Rankings and boards are computed over all the scheme's units and
 * then cut to the caller's scope, so a liaison sees their own unit with its true rank.
 */
export interface ResultRow {
  readonly unit: Pick<OrgUnit, 'id' | 'code' | 'name' | 'nameEn'>;
  readonly score: number;
  readonly grade: string;
  readonly state: ResultState;
  readonly complete: boolean;
  readonly pendingRevision: boolean;
  /** The recomputed score and grade waiting to be published (pending revisions only). */
  readonly revision: { readonly score: number; readonly grade: string } | null;
  readonly rank: number | null;
  readonly previousRank: number | null;
  readonly movement: number | null;
  readonly previousScore: number | null;
}

export interface PeriodResults {
  readonly periodKey: string;
  readonly periodStart: Date;
  readonly published: { readonly at: Date; readonly by: string } | null;
  readonly rows: readonly ResultRow[];
}

export interface ResultDetail {
  readonly unit: Pick<OrgUnit, 'id' | 'code' | 'name' | 'nameEn'>;
  readonly periodKey: string;
  readonly state: ResultState;
  readonly shown: ScoreResult;
  readonly revision: ScoreResult | null;
  readonly schemeVersion: number;
  readonly computedAt: Date;
  readonly adjustments: readonly repo.StoredAdjustment[];
  readonly appeals: readonly repo.StoredAppeal[];
}

function inScope(path: string, scopePaths: readonly string[]): boolean {
  return scopePaths.some((p) => path.startsWith(p));
}

const unitView = (u: OrgUnit) => ({ id: u.id, code: u.code, name: u.name, nameEn: u.nameEn });

export function createScorecardResultsService(deps: { db: Db; clock: Clock; timeZone: () => Promise<string>; scorecards: ScorecardsService }) {
  const { db, clock, scorecards } = deps;

  async function periodOf(loaded: LoadedScheme, key: string): Promise<Date> {
    const parsed = parsePeriodKey(key, await deps.timeZone());
    if (parsed?.grain !== loaded.scheme.grain) {
      throw new AppError('SCORECARD_PERIOD_INVALID', `"${key}" is not a ${loaded.scheme.grain} period key.`, { field: '/query/period' });
    }
    return parsed.start;
  }

  /** Every unit's shown score and grade in the periods (all units of the scheme, unfiltered). */
  async function standings(loaded: LoadedScheme, periods: readonly Date[]) {
    const rows = await repo.listResults(db, { schemeId: loaded.stored.id, periodStarts: periods, scopePaths: ['/'] });
    const units = new Set(loaded.units.map((u) => u.id));
    return rows.filter((r) => units.has(r.orgUnitId));
  }

  const shownScore = (r: repo.StoredResult) => r.publishedScore ?? r.score;
  const shownGrade = (r: repo.StoredResult) => r.publishedGrade ?? r.grade;

  async function periodResults(loaded: LoadedScheme, start: Date, scopePaths: readonly string[]): Promise<PeriodResults> {
    const timeZone = await deps.timeZone();
    const before = previousPeriod(start, loaded.scheme.grain, timeZone);
    const rows = await standings(loaded, [before, start]);
    const published = await repo.publishedPeriods(db, loaded.stored.id);
    const current = rows.filter((r) => r.periodStart.getTime() === start.getTime());
    const previous = rows.filter((r) => r.periodStart.getTime() === before.getTime());
    const ranked = new Map(rankUnits(current.map((r) => ({ unitId: r.orgUnitId, value: shownScore(r) })), previous.map((r) => ({ unitId: r.orgUnitId, value: shownScore(r) }))).map((r) => [r.unitId, r]));
    const byId = new Map(loaded.units.map((u) => [u.id, u]));
    const isPublished = published.has(start.getTime());
    const out: ResultRow[] = [];
    for (const r of current) {
      const unit = byId.get(r.orgUnitId);
      if (!unit || !inScope(unit.path, scopePaths)) continue;
      const rank = ranked.get(r.orgUnitId);
      out.push({
        unit: unitView(unit), score: shownScore(r), grade: shownGrade(r), complete: r.complete, pendingRevision: r.pendingRevision,
        state: resultState(start, loaded.scheme.grain, loaded.scheme.settleDays, timeZone, clock.now(), isPublished),
        revision: r.pendingRevision ? { score: r.score, grade: r.grade } : null,
        rank: rank?.rank ?? null, previousRank: rank?.previousRank ?? null, movement: rank?.movement ?? null, previousScore: rank?.previousValue ?? null,
      });
    }
    out.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.unit.code.localeCompare(b.unit.code));
    return { periodKey: periodKey(start, loaded.scheme.grain, timeZone), periodStart: start, published: published.get(start.getTime()) ?? null, rows: out };
  }

  async function audit(tx: Queryable, ctx: ActionContext, action: string, loaded: LoadedScheme, orgUnitId: number | null, summary: Record<string, unknown>) {
    await appendAudit(tx, ctx.actor, { action, targetKind: 'scorecard_scheme', targetId: loaded.stored.code, orgUnitId, summary }, ctx.now);
  }

  async function requireResult(loaded: LoadedScheme, unit: OrgUnit, start: Date): Promise<repo.StoredResultDetail> {
    const found = loaded.units.some((u) => u.id === unit.id) ? await repo.findResult(db, loaded.stored.id, unit.id, start) : null;
    if (!found) throw new AppError('SCORECARD_RESULT_NOT_FOUND', `No result of "${loaded.stored.code}" for ${unit.code} in this period.`, { field: '/params/unit' });
    return found;
  }

  return {
    periodOf,

    async results(code: string, key: string, scopePaths: readonly string[]): Promise<{ loaded: LoadedScheme; results: PeriodResults }> {
      const loaded = await scorecards.load(code);
      return { loaded, results: await periodResults(loaded, await periodOf(loaded, key), scopePaths) };
    },

    async detail(code: string, unit: OrgUnit, key: string): Promise<{ loaded: LoadedScheme; detail: ResultDetail }> {
      const loaded = await scorecards.load(code);
      const start = await periodOf(loaded, key);
      const r = await requireResult(loaded, unit, start);
      const published = (await repo.publishedPeriods(db, loaded.stored.id)).has(start.getTime());
      const timeZone = await deps.timeZone();
      const current = r.current as ScoreResult;
      return {
        loaded,
        detail: {
          unit: unitView(unit), periodKey: key, state: resultState(start, loaded.scheme.grain, loaded.scheme.settleDays, timeZone, clock.now(), published),
          shown: (r.published ?? current) as ScoreResult, revision: r.pendingRevision ? current : null, schemeVersion: r.schemeVersion, computedAt: r.computedAt,
          adjustments: await repo.listAdjustments(db, loaded.stored.id, [start], unit.id),
          appeals: await repo.listAppeals(db, { schemeId: loaded.stored.id, orgUnitId: unit.id, periodStarts: [start], scopePaths: ['/'] }),
        },
      };
    },

    /** The honour board and watch list of a period under the scheme's rules, cut to the scope. */
    async boards(code: string, key: string, scopePaths: readonly string[]): Promise<{ loaded: LoadedScheme; boards: Boards | null }> {
      const loaded = await scorecards.load(code);
      const start = await periodOf(loaded, key);
      const timeZone = await deps.timeZone();
      const rules = loaded.scheme.boards;
      const depth = Math.max(2, ...rules.honour.map((r) => (r.kind === 'grade_streak' ? r.periods : 1)), ...rules.watch.map((r) => (r.kind === 'worsening' ? r.periods + 1 : 1)));
      const periods = [start];
      while (periods.length < depth) periods.unshift(previousPeriod(periods[0] ?? start, loaded.scheme.grain, timeZone));
      const rows = await standings(loaded, periods);
      const history: PeriodStanding[] = periods
        .map((p) => ({ periodKey: periodKey(p, loaded.scheme.grain, timeZone), units: rows.filter((r) => r.periodStart.getTime() === p.getTime()).map((r) => ({ unitId: r.orgUnitId, score: shownScore(r), grade: shownGrade(r) })) }))
        .filter((p, i) => p.units.length > 0 || i === periods.length - 1);
      const boards = buildBoards(history, rules);
      if (!boards) return { loaded, boards: null };
      const visible = new Set(loaded.units.filter((u) => inScope(u.path, scopePaths)).map((u) => u.id));
      const cut = (entries: Boards['honour']) => entries.filter((e) => visible.has(e.unitId));
      const redFlag = boards.redFlag ? { holders: boards.redFlag.holders.filter((id) => visible.has(id)), previousHolders: boards.redFlag.previousHolders.filter((id) => visible.has(id)) } : null;
      return { loaded, boards: { ...boards, honour: cut(boards.honour), watch: cut(boards.watch), redFlag } };
    },

    /** A manual adjustment with its reason (audited), then the period is recomputed. */
    async adjust(ctx: ActionContext, code: string, unit: OrgUnit, key: string, input: { points: number; reason: string }): Promise<void> {
      const loaded = await scorecards.load(code);
      const start = await periodOf(loaded, key);
      await requireResult(loaded, unit, start);
      await db.transaction(async (tx) => {
        const id = await repo.insertAdjustment(tx, { schemeId: loaded.stored.id, orgUnitId: unit.id, periodStart: start, points: input.points, reason: input.reason, appealId: null, now: ctx.now, by: ctx.actor.name });
        await audit(tx, ctx, 'scorecard.adjusted', loaded, unit.id, { adjustment: id, period: key, unit: unit.code, points: input.points, reason: input.reason });
      });
      await scorecards.refresh(code, { periods: [start] });
    },

    /** Freezes a closed period's results (also publishing any pending revisions), audited. */
    async publish(ctx: ActionContext, code: string, key: string): Promise<{ published: number }> {
      const loaded = await scorecards.load(code);
      const start = await periodOf(loaded, key);
      const timeZone = await deps.timeZone();
      if (isPeriodOpen(start, loaded.scheme.grain, timeZone, clock.now())) {
        throw new AppError('SCORECARD_PERIOD_OPEN', `Period ${key} has not ended; its results cannot be published yet.`, { field: '/params/period' });
      }
      await scorecards.refresh(code, { periods: [start] });
      return db.transaction(async (tx) => {
        const previously = (await repo.publishedPeriods(tx, loaded.stored.id)).get(start.getTime());
        const published = await repo.publishResults(tx, loaded.stored.id, start, ctx.actor.name, ctx.now);
        await audit(tx, ctx, previously ? 'scorecard.republished' : 'scorecard.published', loaded, null, { period: key, results: published, schemeVersion: loaded.stored.version });
        return { published };
      });
    },

    /** An appeal (申诉) against a unit's result, audited. */
    async appeal(ctx: ActionContext, code: string, unit: OrgUnit, key: string, input: { reason: string; itemKey: string | null }): Promise<repo.StoredAppeal> {
      const loaded = await scorecards.load(code);
      const start = await periodOf(loaded, key);
      await requireResult(loaded, unit, start);
      if (input.itemKey !== null && !loaded.scheme.items.some((i) => i.key === input.itemKey)) {
        throw new AppError('SCORECARD_ITEM_NOT_FOUND', `Scheme "${code}" has no item "${input.itemKey}".`, { field: '/body/itemKey' });
      }
      const id = await db.transaction(async (tx) => {
        const created = await repo.insertAppeal(tx, { schemeId: loaded.stored.id, orgUnitId: unit.id, periodStart: start, itemKey: input.itemKey, reason: input.reason, now: ctx.now, by: ctx.actor.name });
        await audit(tx, ctx, 'scorecard.appealed', loaded, unit.id, { appeal: created, period: key, unit: unit.code, item: input.itemKey, reason: input.reason });
        return created;
      });
      const appeal = await repo.findAppeal(db, id);
      if (!appeal) throw new Error('appeal vanished after insert');
      return appeal;
    },

    findAppeal: (id: number) => repo.findAppeal(db, id),
    listAppeals: (scopePaths: readonly string[], schemeId?: number) => repo.listAppeals(db, { ...(schemeId === undefined ? {} : { schemeId }), scopePaths }),

    /** Upholds (optionally with an adjustment) or rejects a pending appeal, audited; the period is recomputed. */
    async decide(ctx: ActionContext, appeal: repo.StoredAppeal, input: { decision: 'upheld' | 'rejected'; note: string; points?: number }): Promise<repo.StoredAppeal> {
      if (input.decision === 'rejected' && input.points !== undefined) {
        throw new AppError('SCORECARD_APPEAL_INVALID', 'A rejected appeal adjusts nothing.', { field: '/body/points' });
      }
      await db.transaction(async (tx) => {
        const locked = await repo.findAppeal(tx, appeal.id, true);
        if (locked?.state !== 'pending') throw new AppError('SCORECARD_APPEAL_CONFLICT', `Appeal ${String(appeal.id)} was already decided.`, { field: '/params/id' });
        await repo.decideAppeal(tx, { id: appeal.id, state: input.decision, decision: input.note, now: ctx.now, by: ctx.actor.name });
        if (input.points !== undefined) {
          await repo.insertAdjustment(tx, {
            schemeId: appeal.schemeId, orgUnitId: appeal.orgUnitId, periodStart: appeal.periodStart, points: input.points, reason: `申诉 #${String(appeal.id)}: ${input.note}`.slice(0, 1000),
            appealId: appeal.id, now: ctx.now, by: ctx.actor.name,
          });
        }
        await appendAudit(tx, ctx.actor, {
          action: 'scorecard.appealDecided', targetKind: 'scorecard_appeal', targetId: String(appeal.id), orgUnitId: appeal.orgUnitId,
          summary: { scheme: appeal.schemeCode, decision: input.decision, note: input.note, points: input.points ?? null },
        }, ctx.now);
      });
      await scorecards.refresh(appeal.schemeCode, { periods: [appeal.periodStart] });
      const decided = await repo.findAppeal(db, appeal.id);
      if (!decided) throw new Error('appeal vanished');
      return decided;
    },
  };
}

export type ScorecardResultsService = ReturnType<typeof createScorecardResultsService>;

/** The scheme's item names, for explanations and exports. */
export function itemNames(scheme: Scheme): Map<string, { nameZh: string; nameEn: string }> {
  return new Map(scheme.items.map((i) => [i.key, { nameZh: i.nameZh, nameEn: i.nameEn }]));
}

import { isDeepStrictEqual } from 'node:util';
import { appendAudit, type ActionContext } from '../audit/index.ts';
import type { OrgUnit } from '../orgs/index.ts';
import { AppError, nextPeriod, periodKey, previousPeriod, type Clock, type Grain } from '../shared/index.ts';
import { rankUnits } from './boards.ts';
import type { Db, Queryable } from '../store/index.ts';
import { livePeriods } from './periods.ts';
import { indicatorsOf, parseScheme, type Scheme } from './scheme.ts';
import * as repo from './scorecards-repo.ts';
import { scoreUnit, type ScoreResult } from './scoring.ts';

/**
 * Schemes and their results. A scheme is saved as a new version (validated, audited) with the
 * org units it applies to; its results are computed from indicator values read through the
 * indicators module's query service (never from the roll-up tables), with the manual
 * adjustments of each unit and period. `refresh` recomputes the live periods and writes only the
 * results whose trace changed (incremental); `refresh({ force })` rewrites every one. Published
 * copies are never touched here: a changed result of a published period is a pending revision.
 */
export interface IndicatorReads {
  /** An indicator's series for one org unit (periods in [from, to)). */
  series(code: string, org: OrgUnit, grain: Grain, from: Date, to: Date): Promise<{ points: readonly { periodStart: Date; value: number | null }[] }>;
  /** An indicator's value for each child of `org` in one period. */
  breakdown(code: string, org: OrgUnit, grain: Grain, start: Date): Promise<{
    meta: { direction: 'higher_better' | 'lower_better' | 'neutral' };
    breakdown: { periodKey: string; open: boolean; children: readonly { org: { id: number; code: string; name: string; nameEn: string | null }; value: number | null }[] };
  }>;
  exists(code: string): Promise<boolean>;
}

export interface ScorecardOrgs {
  findById(id: number): Promise<OrgUnit | null>;
  findByCode(code: string): Promise<OrgUnit | null>;
  listByIds(ids: readonly number[]): Promise<OrgUnit[]>;
}

export interface ScorecardDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly timeZone: () => Promise<string>;
  readonly orgs: ScorecardOrgs;
  readonly indicators: IndicatorReads;
}

export interface LoadedScheme {
  readonly stored: repo.StoredScheme;
  readonly scheme: Scheme;
  readonly units: readonly OrgUnit[];
}

export interface ComputedResult {
  readonly orgUnitId: number;
  readonly periodStart: Date;
  readonly result: ScoreResult;
}

export function schemeNotFound(code: string): AppError {
  return new AppError('SCORECARD_SCHEME_NOT_FOUND', `No scorecard scheme "${code}".`, { field: '/params/code' });
}

function parseOrThrow(json: unknown, prefix: string): Scheme {
  const parsed = parseScheme(json);
  if (parsed.ok) return parsed.scheme;
  const [first] = parsed.errors;
  throw new AppError('SCORECARD_SCHEME_INVALID', `${first?.path ?? '/'} ${first?.message ?? 'is invalid'}.`, {
    field: `${prefix}${first?.path === '/' ? '' : (first?.path ?? '')}`,
    errors: parsed.errors.map((e) => ({ field: `${prefix}${e.path === '/' ? '' : e.path}`, message: e.message })),
  });
}

/** Reads a stored definition back (it was valid when saved; a failure here is a bug, not a user error). */
export function storedScheme(stored: repo.StoredScheme): Scheme {
  const parsed = parseScheme(stored.definition);
  if (!parsed.ok) throw new Error(`stored scheme ${stored.code} v${String(stored.version)} no longer parses`);
  return parsed.scheme;
}

export function createScorecardsService(deps: ScorecardDeps) {
  const { db, clock, orgs, indicators } = deps;

  async function load(code: string): Promise<LoadedScheme> {
    const stored = await repo.findScheme(db, code);
    if (!stored) throw schemeNotFound(code);
    return { stored, scheme: storedScheme(stored), units: await orgs.listByIds(stored.unitIds) };
  }

  /**
   * Each unit's value of `code` in each period. Units that share a parent are read with one
   * breakdown per period (one query for all siblings); a lone unit reads its own series. An
   * indicator that no longer exists is no data.
   */
  async function readValues(code: string, units: readonly OrgUnit[], grain: Grain, periods: readonly Date[]): Promise<Map<number, Map<number, number | null>>> {
    const out = new Map<number, Map<number, number | null>>(units.map((u) => [u.id, new Map()]));
    const first = periods[0];
    const last = periods.at(-1);
    if (!first || !last || !(await indicators.exists(code))) return out;
    const timeZone = await deps.timeZone();
    const byParent = new Map<number | null, OrgUnit[]>();
    for (const u of units) byParent.set(u.parentId, [...(byParent.get(u.parentId) ?? []), u]);
    for (const [parentId, siblings] of byParent) {
      const parent = parentId === null || siblings.length < 2 ? null : await orgs.findById(parentId);
      if (parent) {
        for (const start of periods) {
          const { breakdown } = await indicators.breakdown(code, parent, grain, start);
          for (const child of breakdown.children) out.get(child.org.id)?.set(start.getTime(), child.value);
        }
        continue;
      }
      for (const unit of siblings) {
        const { points } = await indicators.series(code, unit, grain, first, nextPeriod(last, grain, timeZone));
        const values = out.get(unit.id);
        for (const p of points) values?.set(p.periodStart.getTime(), p.value);
      }
    }
    return out;
  }

  /** Every unit's result in every period, from the data and the adjustments (nothing written). */
  async function compute(loaded: LoadedScheme, periods: readonly Date[], q: Queryable = db): Promise<ComputedResult[]> {
    const { scheme, units } = loaded;
    const byIndicator = new Map<string, Map<number, Map<number, number | null>>>();
    for (const code of indicatorsOf(scheme)) byIndicator.set(code, await readValues(code, units, scheme.grain, periods));
    const adjustments = await repo.listAdjustments(q, loaded.stored.id, periods);
    const out: ComputedResult[] = [];
    for (const start of periods) {
      for (const unit of units) {
        const values = new Map<string, number | null>();
        for (const [code, byUnit] of byIndicator) values.set(code, byUnit.get(unit.id)?.get(start.getTime()) ?? null);
        const own = adjustments.filter((a) => a.orgUnitId === unit.id && a.periodStart.getTime() === start.getTime());
        out.push({ orgUnitId: unit.id, periodStart: start, result: scoreUnit(scheme, values, own.map((a) => ({ points: a.points, reason: a.reason }))) });
      }
    }
    return out;
  }

  /**
   * Recomputes the periods (default: the live ones) and writes the results that changed (all of
   * them with `force`). Returns how many were computed and written.
   */
  async function refresh(code: string, options: { periods?: readonly Date[]; force?: boolean } = {}): Promise<{ computed: number; written: number }> {
    const loaded = await load(code);
    const periods = options.periods ?? livePeriods(clock.now(), loaded.scheme.grain, await deps.timeZone());
    const computed = await compute(loaded, periods);
    const stored = options.force ? new Map<string, { version: number; current: unknown }>() : await repo.currentTraces(db, loaded.stored.id, periods);
    const changed = computed.filter((c) => {
      const before = stored.get(repo.resultKey(c.orgUnitId, c.periodStart));
      return !before || before.version !== loaded.stored.version || !isDeepStrictEqual(before.current, c.result);
    });
    if (changed.length > 0) {
      await db.transaction((tx) => repo.upsertResults(tx, loaded.stored.id, changed.map((c) => ({
        orgUnitId: c.orgUnitId, periodStart: c.periodStart, schemeVersion: loaded.stored.version, score: c.result.score, grade: c.result.grade,
        complete: c.result.complete, current: c.result,
      })), clock.now()));
    }
    return { computed: computed.length, written: changed.length };
  }

  async function unitsOf(codes: readonly string[], mayManage: (org: OrgUnit) => boolean): Promise<OrgUnit[]> {
    const units: OrgUnit[] = [];
    for (const [i, c] of codes.entries()) {
      const org = await orgs.findByCode(c);
      if (!org || !mayManage(org)) throw new AppError('SCORECARD_UNIT_NOT_FOUND', `No org unit "${c}".`, { field: `/body/units/${String(i)}` });
      units.push(org);
    }
    return units;
  }

  async function checkIndicators(scheme: Scheme): Promise<void> {
    for (const [i, item] of scheme.items.entries()) {
      if (!(await indicators.exists(item.indicator))) {
        throw new AppError('SCORECARD_SCHEME_INVALID', `Item "${item.key}" reads indicator "${item.indicator}", which does not exist.`, { field: `/body/definition/items/${String(i)}/indicator` });
      }
    }
  }

  return {
    load,
    compute,
    refresh,
    list: () => repo.listSchemes(db),
    versions: (schemeId: number) => repo.schemeVersions(db, schemeId),

    /** Checks a definition without saving it (the editor's validation). */
    validate: async (definition: unknown): Promise<Scheme> => {
      const scheme = parseOrThrow(definition, '/body/definition');
      await checkIndicators(scheme);
      return scheme;
    },

    /** Results of an unsaved definition over the given units in one period (the editor's preview). */
    async preview(definition: unknown, unitCodes: readonly string[], start: Date, mayManage: (org: OrgUnit) => boolean): Promise<{ scheme: Scheme; units: OrgUnit[]; computed: ComputedResult[] }> {
      const scheme = parseOrThrow(definition, '/body/definition');
      await checkIndicators(scheme);
      const units = await unitsOf(unitCodes, mayManage);
      const stored: repo.StoredScheme = { id: 0, code: scheme.code, version: 0, definition, createdAt: clock.now(), updatedAt: clock.now(), updatedBy: '', unitIds: units.map((u) => u.id) };
      return { scheme, units, computed: await compute({ stored, scheme, units }, [start]) };
    },

    /** Saves a new version (or creates the scheme), audited, then recomputes its live periods. */
    async save(ctx: ActionContext, code: string, input: { definition: unknown; units: readonly string[] }, expectExisting: boolean, mayManage: (org: OrgUnit) => boolean): Promise<LoadedScheme> {
      const scheme = parseOrThrow(input.definition, '/body/definition');
      if (scheme.code !== code) throw new AppError('SCORECARD_CODE_MISMATCH', 'The code in the definition must match the URL.', { field: '/body/definition/code' });
      await checkIndicators(scheme);
      const units = await unitsOf(input.units, mayManage);
      await db.transaction(async (tx) => {
        const existing = await repo.findScheme(tx, code, true);
        if (expectExisting && !existing) throw schemeNotFound(code);
        if (!expectExisting && existing) throw new AppError('SCORECARD_CODE_TAKEN', `Scheme "${code}" already exists.`, { field: '/body/definition/code' });
        const schemeId = existing?.id ?? (await repo.insertScheme(tx, code, ctx.now));
        const version = (existing?.version ?? 0) + 1;
        await repo.insertSchemeVersion(tx, { schemeId, version, definition: input.definition, now: ctx.now, by: ctx.actor.name });
        await repo.replaceSchemeUnits(tx, schemeId, units.map((u) => u.id));
        await appendAudit(tx, ctx.actor, {
          action: existing ? 'scorecard.schemeChanged' : 'scorecard.schemeCreated', targetKind: 'scorecard_scheme', targetId: code,
          summary: { version, units: units.map((u) => u.code), items: scheme.items.length, previousVersion: existing?.version ?? null },
        }, ctx.now);
      });
      await refresh(code);
      return load(code);
    },

    /** The children of `parent` ranked on any indicator in one period, with movement against the previous one. */
    async indicatorRanking(code: string, parent: OrgUnit, grain: Grain, start: Date) {
      if (!(await indicators.exists(code))) throw new AppError('INDICATOR_NOT_FOUND', `No indicator "${code}".`, { field: '/query/indicator' });
      const now = await indicators.breakdown(code, parent, grain, start);
      const before = await indicators.breakdown(code, parent, grain, previousPeriod(start, grain, await deps.timeZone()));
      const direction = now.meta.direction === 'lower_better' ? 'lower_better' as const : 'higher_better' as const;
      const values = (b: typeof now) => b.breakdown.children.map((c) => ({ unitId: c.org.id, value: c.value }));
      return {
        periodKey: now.breakdown.periodKey, open: now.breakdown.open, direction,
        units: new Map(now.breakdown.children.map((c) => [c.org.id, c.org])),
        ranked: rankUnits(values(now), values(before), direction),
      };
    },

    periodKeyOf: async (start: Date, grain: Grain) => periodKey(start, grain, await deps.timeZone()),
  };
}

export type ScorecardsService = ReturnType<typeof createScorecardsService>;

/** Recomputes every scheme's live periods as data arrives (writes only what changed). */
export function createScorecardRefreshJob(deps: { scorecards: Pick<ScorecardsService, 'list' | 'refresh'>; everyMs?: number }): { name: string; everyMs: number; run(now: Date): Promise<void> } {
  return {
    name: 'scorecards.refresh',
    everyMs: deps.everyMs ?? 600_000,
    run: async () => {
      for (const scheme of await deps.scorecards.list()) await deps.scorecards.refresh(scheme.code);
    },
  };
}

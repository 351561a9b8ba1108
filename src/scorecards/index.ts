/**
 * Scorecards (考评): schemes written by administrators (categories with weights, items bound to
 * indicators and scored linearly, by bands or by deductions; observed, veto and downgrade items;
 * grade bands), results per org unit and period computed from indicator values with a full trace,
 * adjustments, publishing with pending revisions for late changes, appeals, and the standing
 * rankings, honour board and watch list built from them. Scoring, boards and period states are
 * pure; the services do the I/O and read indicator values only through the indicators module's
 * query service.
 */
import type { ScorecardDeps } from './scorecards-service.ts';
import { createScorecardsService } from './scorecards-service.ts';
import { createScorecardResultsService } from './results-service.ts';

export { buildBoards, rankUnits, type BoardEntry, type Boards, type PeriodStanding, type RankedUnit, type RankDirection } from './boards.ts';
export { livePeriods, resultState, LIVE_PERIODS, type ResultState } from './periods.ts';
export { DEFAULT_GRADES, defaultBoards, indicatorsOf, parseScheme, type Category, type GradeBand, type HonourRule, type Scheme, type SchemeError, type SchemeItem, type ScoringMethod, type WatchRule } from './scheme.ts';
export { SchemeDefinitionSchema, type SchemeDefinitionInput } from './scheme-schema.ts';
export { gradeOf, scoreUnit, type Adjustment, type ItemTrace, type ScoreResult } from './scoring.ts';
export { itemNames, type PeriodResults, type ResultDetail, type ResultRow, type ScorecardResultsService } from './results-service.ts';
export { createScorecardRefreshJob, schemeNotFound, type ComputedResult, type IndicatorReads, type LoadedScheme, type ScorecardDeps, type ScorecardsService } from './scorecards-service.ts';
export type { StoredAdjustment, StoredAppeal, StoredScheme } from './scorecards-repo.ts';

/** Both scorecard services over the same dependencies (what main.ts wires). */
export function createScorecardServices(deps: ScorecardDeps) {
  const scorecards = createScorecardsService(deps);
  return { scorecards, results: createScorecardResultsService({ db: deps.db, clock: deps.clock, timeZone: deps.timeZone, scorecards }) };
}

export type ScorecardServices = ReturnType<typeof createScorecardServices>;

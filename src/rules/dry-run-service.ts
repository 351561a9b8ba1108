import type { WorkingCalendar } from '../calendar/index.ts';
import type { SeriesReader } from '../indicators/index.ts';
import { AppError, DEFAULT_TIME_ZONE, nextPeriod, periodsBetween, previousPeriod, type Grain } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { createDetector, type DetectorConfig } from './anomaly/index.ts';
import type { RuleDefinition } from './definition.ts';
import { dryRun, type DryRunData, type DryRunResult } from './dry-run.ts';
import {
  readPoints, replayDetector, SERIES_KEY, SOURCE_GRAIN, holidaysOf, toRuleEvent, warmStartFrom, watchesSource, type ReadSourceQuality, type SourceRef,
} from './engine-evaluate.ts';
import { listEventsInRange, listOrgsByIds, listSubtreeOrgs, type EngineOrg } from './engine-repo.ts';
import { inScope } from './engine-touch.ts';
import type { AnomalyInput, SeriesInput, SourceQualityInput } from './outcome.ts';

/**
 * "How many times would this rule have fired last quarter?": the data a dry run replays, read the
 * way the engine reads it (series through the SeriesReader for every org unit in the rule's
 * scope, events from the event table, source counts per day), handed to the pure `dryRun`.
 */
export interface DryRunServiceDeps {
  readonly db: Db;
  readonly seriesReader: SeriesReader;
  readonly listSources?: () => Promise<readonly SourceRef[]>;
  readonly readSourceQuality?: ReadSourceQuality;
  readonly timeZone?: string;
  readonly anomalyConfig?: Partial<DetectorConfig>;
  /** The working calendar of an org unit's group, as the engine's anomaly baselines see it. */
  readonly workingCalendar?: (org: EngineOrg) => Promise<WorkingCalendar>;
}

const MAX_ORGS = 500;
const MAX_PERIODS = 10_000;
const MAX_EVENTS = 200_000;

export function createDryRunService(deps: DryRunServiceDeps) {
  const tz = deps.timeZone ?? DEFAULT_TIME_ZONE;
  const ctx = { seriesReader: deps.seriesReader, timeZone: tz };

  async function scopedOrgs(rule: RuleDefinition, scopePath: string): Promise<EngineOrg[]> {
    const orgs = await listSubtreeOrgs(deps.db, scopePath);
    const scoped = rule.scope.includeDescendants ? orgs : orgs.filter((o) => o.path === scopePath);
    if (scoped.length > MAX_ORGS) throw new AppError('RULE_DRY_RUN_TOO_LARGE', `The scope has more than ${String(MAX_ORGS)} org units; narrow it.`);
    return scoped;
  }

  function checkRange(from: Date, to: Date, grain: Grain): void {
    if (to.getTime() <= from.getTime()) throw new AppError('RULE_DRY_RUN_RANGE', 'The range must end after it starts.', { field: '/body/to' });
    if (periodsBetween(from, to, grain, tz, MAX_PERIODS + 1).length > MAX_PERIODS) throw new AppError('RULE_DRY_RUN_TOO_LARGE', 'Too many periods; shorten the range.', { field: '/body/from' });
  }

  async function seriesData(rule: Extract<RuleDefinition, { indicator: string }>, orgs: readonly EngineOrg[], from: Date, to: Date, now: Date): Promise<DryRunData> {
    checkRange(from, to, rule.grain);
    const last = previousPeriod(nextPeriod(new Date(to.getTime() - 1), rule.grain, tz), rule.grain, tz);
    const historyPeriods = rule.kind === 'consecutive' || rule.kind === 'window' ? rule.periods : 0;
    let start = from;
    for (let i = 0; i < historyPeriods; i++) start = previousPeriod(start, rule.grain, tz);
    if (rule.kind !== 'anomaly') {
      const series: SeriesInput[] = [];
      for (const org of orgs) series.push({ orgUnit: org.code, seriesKey: SERIES_KEY, points: await readPoints(ctx, rule.indicator, rule.grain, org.id, start, last, now) });
      return { series };
    }
    // As if the rule had been created at `from`: the detector warm-starts on the history before it, as the engine's does.
    const anomaly: AnomalyInput[] = [];
    for (const org of orgs) {
      const points = await readPoints(ctx, rule.indicator, rule.grain, org.id, warmStartFrom(rule.grain, from, tz), last, now);
      const holidayOf = deps.workingCalendar ? holidaysOf(await deps.workingCalendar(org)) : undefined;
      for (const { point: p, verdict } of replayDetector(createDetector(deps.anomalyConfig ?? {}), points, rule.grain, holidayOf).replayed) {
        if (Date.parse(p.periodStart) < from.getTime()) continue;
        anomaly.push({ orgUnit: org.code, seriesKey: SERIES_KEY, periodKey: p.periodKey, periodStart: p.periodStart, closed: p.closed, verdict });
      }
    }
    return { anomaly };
  }

  async function sourceData(rule: Extract<RuleDefinition, { kind: 'source_quality' }>, scopePath: string, from: Date, to: Date, now: Date): Promise<DryRunData> {
    if (!deps.listSources || !deps.readSourceQuality) return { sourceQuality: [] };
    checkRange(from, to, SOURCE_GRAIN);
    const sources = await deps.listSources();
    const orgs = new Map((await listOrgsByIds(deps.db, sources.map((s) => s.orgUnitId))).map((o) => [o.id, o]));
    const out: SourceQualityInput[] = [];
    for (const source of sources) {
      const org = orgs.get(source.orgUnitId);
      if (!org || !inScope(org.path, scopePath, rule.scope.includeDescendants) || !watchesSource(rule, source)) continue;
      for (const day of periodsBetween(from, to, SOURCE_GRAIN, tz)) {
        const end = nextPeriod(day, SOURCE_GRAIN, tz);
        const c = await deps.readSourceQuality(source.id, day, end);
        out.push({
          orgUnit: org.code, sourceId: source.code, periodKey: day.toISOString(), periodStart: day.toISOString(), closed: end.getTime() <= now.getTime(),
          lastReceivedAt: c.lastReceivedAt?.toISOString() ?? null, received: c.received, accepted: c.accepted, invalid: c.invalid, onTime: c.onTime,
        });
      }
    }
    return { sourceQuality: out };
  }

  return {
    async run(rule: RuleDefinition, scopePath: string, range: { from: Date; to: Date }, now: Date): Promise<DryRunResult> {
      const options = { from: range.from.toISOString(), to: range.to.toISOString() };
      switch (rule.kind) {
        case 'compliance': {
          if (range.to.getTime() <= range.from.getTime()) throw new AppError('RULE_DRY_RUN_RANGE', 'The range must end after it starts.', { field: '/body/to' });
          const events = await listEventsInRange(deps.db, { types: rule.eventTypes, path: scopePath, from: range.from, to: range.to, limit: MAX_EVENTS });
          const scoped = rule.scope.includeDescendants ? events : events.filter((e) => e.orgPath === scopePath);
          return dryRun(rule, { events: scoped.map(toRuleEvent) }, now, options);
        }
        case 'source_quality':
          return dryRun(rule, await sourceData(rule, scopePath, range.from, range.to, now), now, options);
        case 'threshold':
        case 'target_deviation':
        case 'change':
        case 'consecutive':
        case 'window':
        case 'anomaly':
          return dryRun(rule, await seriesData(rule, await scopedOrgs(rule, scopePath), range.from, range.to, now), now, options);
      }
    },
  };
}

export type DryRunService = ReturnType<typeof createDryRunService>;

import type { AppModule } from '../app.ts';
import { createRulesModule } from '../api/rules.routes.ts';
import type { AlertTransitionConsumer } from '../alerts/index.ts';
import type { IndicatorCatalog } from '../indicators/catalog-service.ts';
import type { SeriesReader } from '../indicators/index.ts';
import type { SourceQuality } from '../ingest/quality-service.ts';
import type { IngestCommitConsumer } from '../ingest/index.ts';
import type { ScheduledJob } from '../scheduler/index.ts';
import type { Clock } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import { readCalendar, rootIdOf } from '../workorders/workorder-config-service.ts';
import { createDryRunService } from './dry-run-service.ts';
import type { SourceQualityCounts, SourceRef } from './engine-evaluate.ts';
import { createRuleSchedulerJob } from './engine-scheduler.ts';
import { createRuleEngine } from './engine.ts';
import { createSeriesBatchReader } from './engine-series-batch.ts';
import { createRulesService } from './rules-service.ts';

/**
 * The rule engine and its surroundings, composed: the rules service, the engine fed by ingest
 * commits (recording alerts through the alerts module's recorder), its scheduler job, and the rules
 * HTTP module (the alerts' own modules are composed in main.ts). Source quality comes from ingest's
 * bookkeeping, adapted to the counts the source-quality rules judge.
 */
export function createRuleRuntime(deps: {
  db: Db;
  clock: Clock;
  series: SeriesReader;
  catalog: IndicatorCatalog;
  readSourceQuality: (sourceId: number, from: Date, to: Date) => Promise<SourceQuality | null>;
  alertConsumers: readonly AlertTransitionConsumer[];
  /** Where a failed evaluation pass is reported (its commits stay queued and are evaluated by the scheduler). */
  log?: { error(obj: object, msg: string): void; debug?(obj: object, msg: string): void };
  /** False in a process without the `engine` role: its commits are left queued for an engine process. */
  evaluateAfterCommit?: boolean;
}) {
  const { db, clock } = deps;
  const listSources = async (): Promise<readonly SourceRef[]> =>
    (await db.query<{ id: number; name: string; org_unit_id: number; created_at: Date }>('SELECT id, name, org_unit_id, created_at FROM source WHERE active')).rows
      .map((r) => ({ id: r.id, code: r.name, orgUnitId: r.org_unit_id, registeredAt: new Date(r.created_at) }));
  const readSourceQuality = async (sourceId: number, from: Date, to: Date): Promise<SourceQualityCounts> => {
    const q = await deps.readSourceQuality(sourceId, from, to);
    return {
      lastReceivedAt: q?.lastSeenAt ?? null, received: q?.received ?? 0, accepted: q?.accepted ?? 0,
      invalid: (q?.rejected ?? 0) + (q?.conflicts ?? 0), onTime: q?.onTime ?? 0,
    };
  };
  // Anomaly baselines know the group's public holidays and make-up days (China's by default, or the calendar the group loaded).
  const workingCalendar = (org: { readonly path: string }) => readCalendar(db, rootIdOf(org.path));
  const rules = createRulesService({ db });
  const indicatorDefinitions = () => deps.catalog.all(db);
  // Ingest acknowledges a batch once it is durable; its evaluation follows right behind, coalesced with the batches around it.
  const engine = createRuleEngine({
    db, clock, seriesReader: deps.series, indicatorDefinitions, listSources, readSourceQuality, transitionConsumers: deps.alertConsumers,
    seriesBatch: createSeriesBatchReader({ db, clock, definitions: indicatorDefinitions }), evaluateInBackground: true,
    evaluateAfterCommit: deps.evaluateAfterCommit ?? true, workingCalendar,
    onPassError: (error) => { deps.log?.error({ err: error }, 'rule evaluation pass failed; its commits stay queued'); },
    onPass: (report) => { deps.log?.debug?.({ pass: report }, 'rule evaluation pass'); },
  });
  const dryRun = createDryRunService({ db, seriesReader: deps.series, listSources, readSourceQuality, workingCalendar });
  const ingestConsumer: IngestCommitConsumer = engine.consumer;
  const modules: AppModule[] = [createRulesModule({ rules, dryRun, clock })];
  const jobs: ScheduledJob[] = [createRuleSchedulerJob({ engine })];
  return { rules, engine, dryRun, ingestConsumer, modules, jobs };
}

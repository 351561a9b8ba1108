import pino from 'pino';
import { listAnomalyTransitions } from './alerts/anomaly-marks-repo.ts';
import { createAlertsService } from './alerts/alerts-service.ts';
import { createMuteWindowsService } from './alerts/mute-windows-service.ts';
import { createAlertsModule } from './api/alerts.routes.ts';
import { createBudgetsModule } from './api/budgets.routes.ts';
import { createMuteWindowsModule } from './api/mute-windows.routes.ts';
import { createIndicatorsModule } from './api/indicators.routes.ts';
import { createIngestModule } from './api/ingest.routes.ts';
import { createLiveModules } from './api/live.routes.ts';
import { createNotificationsModule } from './api/notifications.routes.ts';
import { createProblemsModule } from './api/problems.routes.ts';
import { createSettingsModule } from './api/settings.routes.ts';
import { createQualityCostsModule } from './api/quality-costs.routes.ts';
import { createReportsModule } from './api/reports.routes.ts';
import { createScorecardsModule } from './api/scorecards.routes.ts';
import { createCommitmentsModule } from './api/commitments.routes.ts';
import { createSourcesModule } from './api/sources.routes.ts';
import { createWorkOrdersModule } from './api/workorders.routes.ts';
import { createApp, type AppModule } from './app.ts';
import { createAccountsService, createAuthService } from './auth/index.ts';
import { createBudgetAlertRecorder, createBudgetRequestsService, createBudgetsService, createBudgetWarningsJob, createBudgetWarningsService, createExecutionService } from './budgets/index.ts';
import type { Config } from './config/index.ts';
import { createAnomalyMarksService } from './indicators/anomaly-marks-service.ts';
import { createIndicatorServices } from './indicators/indicators-service.ts';
import { createIngestService } from './ingest/ingest-service.ts';
import { loadPseudonymKey } from './ingest/pseudonym-key-service.ts';
import { createPseudonymiser } from './ingest/pseudonymise.ts';
import { createQualityService } from './ingest/quality-service.ts';
import { createSourcesService } from './ingest/sources-service.ts';
import { createChannelSenders, createNotificationDispatchJob, createNotifyService } from './notify/index.ts';
import { createOrgsService } from './orgs/index.ts';
import { createQualityCostsService } from './quality-costs/index.ts';
import { createBulletinJob, createGatherService, createReportsService } from './reports/index.ts';
import { createComplianceCasesService } from './rules/compliance-cases-service.ts';
import { createRuleRuntime } from './rules/runtime.ts';
import type { ScheduledJob } from './scheduler/index.ts';
import { createScorecardRefreshJob, createScorecardServices } from './scorecards/index.ts';
import { createCommitmentWarningJob, createCommitmentsService } from './commitments/index.ts';
import { systemClock, type Clock } from './shared/index.ts';
import { migrate, openDb, type Db } from './store/index.ts';
import { createWorkOrderAlertConsumer } from './workorders/alert-consumer-service.ts';
import { createEscalationJob, createRecoveryJob } from './workorders/escalation-service.ts';
import { createWorkOrderFactsJob } from './workorders/indicator-facts-service.ts';
import { createProblemsService } from './workorders/problems-service.ts';
import { createWorkOrderConfigService, readCalendar } from './workorders/workorder-config-service.ts';
import { createWorkOrdersService } from './workorders/workorders-service.ts';

/**
 * The composition root: config → storage → services → the roles this process runs. Services
 * are wired here once, each with the narrow dependencies it needs; downstream modules consume
 * upstream outputs (ingest → roll-ups and rule engine → alerts → work orders and notifications).
 */
export function buildServices(db: Db, config: Pick<Config, 'sessionIdleMinutes' | 'sessionMaxHours'>) {
  const auth = createAuthService({ db, session: { idleMinutes: config.sessionIdleMinutes, maxHours: config.sessionMaxHours } });
  const accounts = createAccountsService({ db, auth });
  const orgs = createOrgsService({ db });
  return { auth, accounts, orgs };
}

export type Services = ReturnType<typeof buildServices>;

export type Logger = pino.Logger;

/** Every domain service, module and scheduled job of one process. */
export function buildRuntime(db: Db, config: Config, clock: Clock, logger: Logger) {
  const services = buildServices(db, config);
  const indicators = createIndicatorServices({ db, orgs: services.orgs, clock });
  const sources = createSourcesService({ db, accounts: services.accounts });
  const quality = createQualityService({ db, clock, timeZone: () => sources.timeZone() });
  const workorders = createWorkOrdersService({ db });
  const workorderConfig = createWorkOrderConfigService({ db, orgs: services.orgs });
  const problems = createProblemsService({ db });
  const notify = createNotifyService({ db });
  const alertConsumers = [createWorkOrderAlertConsumer()];
  const rules = createRuleRuntime({
    db, clock, series: indicators.queries, catalog: indicators.catalog,
    readSourceQuality: (id, from, to) => quality.readSourceQuality(id, from, to), alertConsumers, log: logger,
    // Without the engine role, commits wait in the durable queue for an engine process (rules/engine-poller.ts).
    evaluateAfterCommit: config.roles.includes('engine'),
  });
  const alerts = createAlertsService({ db });
  const ingest = createIngestService({
    db, sources, pseudonymise: createPseudonymiser(loadPseudonymKey(config)), log: logger,
    consumers: [indicators.rollupConsumer, rules.ingestConsumer], limits: { maxBodyBytes: config.bodyLimitBytes },
    // A process that evaluates rules leaves the event loop to its engine between group commits; one that only ingests overlaps two.
    maxConcurrentCommits: config.roles.includes('engine') ? 1 : 2,
    eventTimes: { earliest: config.eventTimeEarliest, aheadMs: config.eventTimeAheadHours * 3_600_000 },
  });
  const timeZone = () => sources.timeZone();
  const budgets = createBudgetsService({ db });
  const qualityCosts = createQualityCostsService({ db, timeZone, orgsInScope: (paths) => budgets.orgsInScope(paths) });
  const budgetExecution = createExecutionService({ db, timeZone });
  const budgetWarnings = createBudgetWarningsService({
    execution: budgetExecution, timeZone, root: async () => (await services.orgs.listRoots())[0] ?? null,
    // Budget warnings are alerts like any other: their work orders go to the budget owner (the unit's liaison).
    recorder: createBudgetAlertRecorder({ db, rules: rules.rules, consumers: alertConsumers, timeZone }),
  });
  const reports = createReportsService({
    db, clock, orgById: (id) => services.orgs.findById(id),
    // The group's working calendar (its root org unit's), as work-order deadlines use it.
    calendarFor: (orgPath) => readCalendar(db, Number(orgPath.split('/')[1])),
    gather: createGatherService({
      timeZone,
      subtree: (root) => services.orgs.listSubtree(root),
      series: (code, org, grain, from, to) => indicators.queries.series(code, org, grain, from, to),
      alerts: (scopePath, from, to) => alerts.list({ paths: [scopePath], from, to, limit: 1000 }),
      orders: async (scopePath, createdTo) => {
        const stored = await workorders.list({ scopePaths: [scopePath], createdTo });
        const clocks = await workorders.clocks(stored, clock.now());
        return stored.map((s, i) => {
          const c = clocks[i];
          const onTime = c === undefined ? null : s.order.resolvedAt !== null ? s.order.resolvedAt <= c.deadlines.resolveBy : c.overdue ? false : null;
          return { ...s.order, onTime };
        });
      },
      orderStats: async (scopePath, period) => workorders.stats([scopePath], period, clock.now(), `/${scopePath.split('/')[1] ?? ''}/`),
      sourceQuality: async (scopePath, from, to) => quality.qualityOf(await sources.list([scopePath]), from, to),
    }),
  });
  // Scorecards read indicator values only through the indicators module's query service.
  const scorecards = createScorecardServices({
    db, clock, timeZone, orgs: services.orgs,
    indicators: {
      series: (...args) => indicators.queries.series(...args), breakdown: (...args) => indicators.queries.breakdown(...args),
      exists: async (code) => (await indicators.catalog.get(db, code)) !== null,
    },
  });
  // Commitment warnings go to the closed loop like alert transitions: work orders routed to the owner.
  const commitments = createCommitmentsService({
    db, clock, timeZone, orgs: services.orgs, consumers: alertConsumers,
    indicators: { series: (...args) => indicators.queries.series(...args), exists: async (code) => (await indicators.catalog.get(db, code)) !== null },
  });
  const modules: AppModule[] = [
    createSourcesModule({ db, sources, ingest, quality, clock }),
    createIngestModule({ sources, ingest, clock }),
    createSettingsModule({ timeZone: indicators.timeZone, clock }),
    createIndicatorsModule({
      services: indicators, clock, anomalies: createAnomalyMarksService({ db, listTransitions: (q) => listAnomalyTransitions(db, q) }),
    }),
    ...rules.modules,
    createAlertsModule({ alerts, rules: rules.rules, cases: createComplianceCasesService({ db }), clock }),
    createMuteWindowsModule({ muteWindows: createMuteWindowsService({ db }), clock }),
    createWorkOrdersModule({ clock, orgs: services.orgs, workorders, config: workorderConfig, problems, notify }),
    createProblemsModule({ clock, problems }),
    createReportsModule({ reports, clock }),
    createNotificationsModule({ clock, notify }),
    createBudgetsModule({ budgets, execution: budgetExecution, warnings: budgetWarnings, requests: createBudgetRequestsService({ db }), orgs: services.orgs, clock }),
    createQualityCostsModule({
      qualityCosts, clock,
      orgCodes: async (ids) => new Map((await services.orgs.listByIds([...new Set(ids)])).map((o) => [o.id, o.code])),
    }),
    createScorecardsModule({ clock, sc: scorecards, timeZone }),
    createCommitmentsModule({ clock, commitments, timeZone }),
    ...createLiveModules({
      db, clock, orgs: services.orgs, alerts, workorders, sources, quality,
      indicators: { list: () => indicators.definitions.list(), series: (...args) => indicators.queries.series(...args) },
    }),
  ];
  const jobs: ScheduledJob[] = [
    ...rules.jobs,
    createEscalationJob({ db }),
    createRecoveryJob({ db }),
    createBudgetWarningsJob(budgetWarnings),
    // Work-order milestones as events of the internal source yunjian-workorders (registered on its first run).
    createWorkOrderFactsJob({ db, sources, ingest, orgs: services.orgs, log: logger }),
    createNotificationDispatchJob({ db, senders: createChannelSenders({ smtpUrl: config.smtpUrl, mailFrom: config.smtpFrom }) }),
    createBulletinJob({ reports, log: logger }),
    createScorecardRefreshJob({ scorecards: scorecards.scorecards }),
    createCommitmentWarningJob({ commitments }),
  ];
  return { services, indicators, sources, quality, ingest, rules, alerts, workorders, workorderConfig, problems, notify, budgets, budgetExecution, budgetWarnings, qualityCosts, reports, scorecards, commitments, modules, jobs };
}

export type Runtime = ReturnType<typeof buildRuntime>;

export async function openStorage(config: Config): Promise<Db> {
  const db = await openDb(config);
  await migrate(db);
  return db;
}

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie', 'password', '*.password', '*.newPassword', '*.currentPassword'] });
}

export async function buildHttpApp(db: Db, config: Config, clock: Clock = systemClock, logger: Logger = createLogger(config)) {
  const runtime = buildRuntime(db, config, clock, logger);
  const app = await createApp({ config, db, clock, ...runtime.services, logger, modules: runtime.modules });
  return { app, runtime, services: runtime.services };
}

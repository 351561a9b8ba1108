import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../config/index.ts';
import { startDemoFeed } from '../demo/demo-feed.ts';
import { seedDemoOrganisation } from '../demo/demo-seed.ts';
import { prepareDemo } from '../demo/demo-setup.ts';
import { incidentLabels, incidentLabelsJson } from '../simulator/index.ts';
import type { Db } from '../store/index.ts';
import { buildHttpApp, createLogger, openStorage, type Runtime, type Services } from '../main.ts';
import { createQueuedEvaluationPoller } from '../rules/engine-poller.ts';
import { createScheduler } from '../scheduler/index.ts';
import { ensureWebBuilt, registerWebApp } from '../web/index.ts';
import { repositoryRoot } from './web-commands.ts';
import { systemClock } from '../shared/index.ts';
import { bootstrapInstallation, installCatalogues, systemContext } from './bootstrap.ts';

type Setup = (services: Services, runtime: Runtime, db: Db) => Promise<string[]>;

/** An empty installation gets the group org unit and one administrator. */
const bootstrapSetup: Setup = async (services) => {
  const boot = await bootstrapInstallation(services, systemClock.now());
  if (!boot.created) return [];
  return [
    '',
    'First start: created the group org unit and an administrator. This password is shown once:',
    `  user name: ${boot.username}`,
    `  password:  ${boot.password}   (you must change it at first sign-in)`,
    '',
  ];
};

/**
 * The demo installation: the simulated hospital group, one account per role, the catalogues, and
 * the demo's sources, budgets, targets, routing and incident plan (labels written to the data folder).
 */
function demoSetup(options: { days: number; scale: number; labelsFile: string }): Setup {
  return async (services, runtime, db) => {
    if ((await services.accounts.countUsers()) > 0) return ['', 'Demo data folder reused; the logins printed at its first start still work (use --reset to start over).'];
    const now = systemClock.now();
    const logins = await seedDemoOrganisation(services, now);
    await installCatalogues(services, runtime);
    const plan = await prepareDemo({ db, runtime, services, ctx: systemContext(now) }, options);
    mkdirSync(join(options.labelsFile, '..'), { recursive: true });
    writeFileSync(options.labelsFile, incidentLabelsJson(plan.schedule));
    const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');
    return [
      '',
      'Demo hospital group 云健医疗集团 created. Logins (shown once; no password change needed in the demo):',
      ...logins.map((l) => `  ${l.username.padEnd(20)} ${l.password.padEnd(18)} ${l.role} of ${l.org}`),
      '',
      `Injected incidents (ground truth in ${options.labelsFile}):`,
      ...incidentLabels(plan.schedule).map((l) => `  ${l.kind.padEnd(21)} ${(l.source ?? l.orgUnit).padEnd(12)} ${day(l.from)} → ${day(l.to)}`),
      '',
    ];
  };
}

type Background = (env: { db: Db; runtime: Runtime; services: Services; log: (line: string) => void }) => { stop(): Promise<void> };

async function serve(config: Config, setup: Setup, background?: Background): Promise<void> {
  const logger = createLogger(config);
  const started = Date.now();
  const api = config.roles.includes('api');
  if (api) {
    await ensureWebBuilt({ root: repositoryRoot, log: (line) => { logger.info(line); } })
      .catch((err: unknown) => { logger.warn({ err }, 'web console build failed; serving the API only'); });
  }
  const db = await openStorage(config);
  const { app, services, runtime } = await buildHttpApp(db, config, systemClock, logger);
  if (api) await registerWebApp(app, { distDir: join(repositoryRoot, 'web', 'dist') });
  const setupLines = await setup(services, runtime, db);
  await installCatalogues(services, runtime);
  const scheduler = config.roles.includes('scheduler')
    ? createScheduler({ db, clock: systemClock, jobs: runtime.jobs, logger })
    : null;
  // An engine process evaluates the commits other processes queued; beside its own ingest, only those that waited.
  const poller = config.roles.includes('engine')
    ? createQueuedEvaluationPoller({ db, engine: runtime.rules.engine, clock: systemClock, minAgeMs: config.roles.includes('ingest') ? 10_000 : 0, log: logger })
    : null;
  await app.listen({ host: config.host, port: config.port });
  scheduler?.start();
  poller?.start();
  const task = background?.({ db, runtime, services, log: (line) => { process.stdout.write(`${line}\n`); } });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  logger.info({ url, backend: db.backend, startupMs: Date.now() - started }, 'yunjian is serving');
  const lines = [`yunjian is serving at ${url}  (API docs: ${url}/api/docs, storage: ${db.backend === 'pglite' ? config.dataDir : 'PostgreSQL'})`];
  lines.push(...setupLines);
  process.stdout.write(`${lines.join('\n')}\n`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    // Fastify stops accepting, lets in-flight requests finish, then we close storage.
    Promise.all([app.close(), scheduler?.stop(), poller?.stop(), task?.stop()]).then(() => db.close()).then(() => process.exit(0), (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.once('SIGTERM', () => { shutdown('SIGTERM'); });
  process.once('SIGINT', () => { shutdown('SIGINT'); });
}

export function registerServeCommands(program: Command): void {
  program.command('serve')
    .description('run the server (API and web console) with the roles in YUNJIAN_ROLES')
    .action(async () => { await serve(loadConfig(), bootstrapSetup); });

  program.command('demo')
    .description('run yunjian on the embedded database with a demo installation')
    .option('--reset', 'delete the demo data folder and start over')
    .option('--days <n>', 'days of history to backfill on the first start', '90')
    .option('--scale <x>', 'event volume (1 = about 6,700 events a day for the group)', '0.25')
    .option('--no-feed', 'serve the demo without feeding simulated events')
    .action(async (opts: { reset?: boolean; days: string; scale: string; feed: boolean }) => {
      // Keep the demo's console readable: request logs only when asked for.
      const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
      if (opts.reset === true && config.databaseUrl === undefined) rmSync(config.dataDir, { recursive: true, force: true });
      const days = Number(opts.days);
      const scale = Number(opts.scale);
      if (!(days > 0 && days <= 400) || !(scale > 0 && scale <= 10)) throw new Error('--days must be 1..400 and --scale above 0 up to 10');
      const setup = demoSetup({ days, scale, labelsFile: join(config.dataDir, 'demo-incident-labels.json') });
      await serve(config, setup, opts.feed ? ({ db, runtime, services, log }) =>
        startDemoFeed({ db, clock: systemClock, runtime, services, ctx: systemContext(systemClock.now()) }, { days, scale, log }) : undefined);
    });

  program.command('migrate')
    .description('apply pending database migrations and exit')
    .action(async () => {
      const config = loadConfig();
      const db = await openStorage(config);
      const r = await db.query<{ version: number; name: string }>('SELECT version, name FROM schema_migration ORDER BY version');
      process.stdout.write(`schema is at version ${r.rows.at(-1)?.version ?? 0} (${r.rows.length} migrations applied)\n`);
      await db.close();
    });
}

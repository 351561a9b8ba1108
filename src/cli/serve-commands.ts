import { rmSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../config/index.ts';
import { seedDemoOrganisation } from '../demo/demo-seed.ts';
import { buildHttpApp, createLogger, openStorage, type Services } from '../main.ts';
import { systemClock } from '../shared/index.ts';
import { bootstrapInstallation } from './bootstrap.ts';

type Setup = (services: Services) => Promise<string[]>;

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

/** The demo installation: the simulated hospital group and one account per role. */
const demoSetup: Setup = async (services) => {
  if ((await services.accounts.countUsers()) > 0) return ['', 'Demo data folder reused; the logins printed at its first start still work (use --reset to start over).'];
  const logins = await seedDemoOrganisation(services, systemClock.now());
  return [
    '',
    'Demo hospital group 云健医疗集团 created. Logins (shown once; no password change needed in the demo):',
    ...logins.map((l) => `  ${l.username.padEnd(20)} ${l.password.padEnd(18)} ${l.role} of ${l.org}`),
    '',
  ];
};

async function serve(config: Config, setup: Setup): Promise<void> {
  const logger = createLogger(config);
  const started = Date.now();
  const db = await openStorage(config);
  const { app, services } = await buildHttpApp(db, config, systemClock, logger);
  const setupLines = await setup(services);
  await app.listen({ host: config.host, port: config.port });
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
    app.close().then(() => db.close()).then(() => process.exit(0), (error: unknown) => {
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
    .action(async (opts: { reset?: boolean }) => {
      // Keep the demo's console readable: request logs only when asked for.
      const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
      if (opts.reset === true && config.databaseUrl === undefined) rmSync(config.dataDir, { recursive: true, force: true });
      await serve(config, demoSetup);
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

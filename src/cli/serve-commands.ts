import { rmSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../config/index.ts';
import { buildHttpApp, createLogger, openStorage } from '../main.ts';
import { systemClock } from '../shared/index.ts';
import { bootstrapInstallation } from './bootstrap.ts';

async function serve(config: Config, options: { banner?: (url: string) => string[] } = {}): Promise<void> {
  const logger = createLogger(config);
  const started = Date.now();
  const db = await openStorage(config);
  const { app, services } = await buildHttpApp(db, config, systemClock, logger);
  const boot = await bootstrapInstallation(services, systemClock.now());
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  logger.info({ url, backend: db.backend, startupMs: Date.now() - started }, 'yunjian is serving');
  const lines = [`yunjian is serving at ${url}  (API docs: ${url}/api/docs, storage: ${db.backend === 'pglite' ? config.dataDir : 'PostgreSQL'})`];
  if (boot.created) {
    lines.push(
      '',
      'First start: created the group org unit and an administrator. This password is shown once:',
      `  user name: ${boot.username}`,
      `  password:  ${boot.password}   (you must change it at first sign-in)`,
      '',
    );
  }
  lines.push(...(options.banner?.(url) ?? []));
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
    .action(async () => { await serve(loadConfig()); });

  program.command('demo')
    .description('run yunjian on the embedded database with a demo installation')
    .option('--reset', 'delete the demo data folder and start over')
    .action(async (opts: { reset?: boolean }) => {
      const config = loadConfig();
      if (opts.reset === true && config.databaseUrl === undefined) rmSync(config.dataDir, { recursive: true, force: true });
      await serve(config);
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

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { installCatalogues, systemContext } from '../../../src/cli/bootstrap.ts';
import { loadConfig } from '../../../src/config/index.ts';
import { startDemoFeed } from '../../../src/demo/demo-feed.ts';
import { seedDemoOrganisation, type DemoLogin } from '../../../src/demo/demo-seed.ts';
import { prepareDemo } from '../../../src/demo/demo-setup.ts';
import { buildHttpApp, type Runtime, type Services } from '../../../src/main.ts';
import { systemClock } from '../../../src/shared/index.ts';
import type { Db } from '../../../src/store/index.ts';
import { ensureWebBuilt, registerWebApp } from '../../../src/web/index.ts';
import { createTestDb, type TestDb } from '../../support/test-db.ts';
import { repoRoot } from './web-server.ts';

/**
 * The whole product as `npm run demo` runs it, over HTTP for browser tests: the simulated
 * hospital group 云健 (YJ → H1/H2/H3 → channels → departments, call center YJ-CC), its sources,
 * the indicator library and rule packs, one account per role (`demoAccounts`, no password change
 * needed), the demo's budgets, targets, routing, rule tuning and incident plan (`prepareDemo`), a
 * short backfill of simulated events through the real ingest path (so indicators, alerts and work
 * orders exist), and one pass of every scheduled job.
 */
export interface DemoWebServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly runtime: Runtime;
  readonly db: Db;
  readonly logins: readonly DemoLogin[];
  /** The password of a demo account (see `demoAccounts` for user names and scopes). */
  passwordOf(username: string): string;
  /** Runs every scheduled job once (rule re-checks, escalation, recovery, notifications). */
  runJobs(): Promise<void>;
  close(): Promise<void>;
}

export async function startDemoWebServer(options: { days?: number; scale?: number } = {}): Promise<DemoWebServer> {
  const { distDir } = await ensureWebBuilt({ root: repoRoot });
  const t: TestDb = await createTestDb();
  const config = loadConfig({
    YUNJIAN_DATA: mkdtempSync(join(tmpdir(), 'yj-e2e-')), YUNJIAN_PSEUDONYM_KEY: 'e2e-pseudonym-key-0123456789abcdef', LOG_LEVEL: 'silent', YUNJIAN_COOKIE_SECURE: 'false',
  });
  const { app, runtime, services } = await buildHttpApp(t.db, config, systemClock, pino({ level: 'silent' }));
  const logins = await seedDemoOrganisation(services, systemClock.now());
  await installCatalogues(services, runtime);
  const days = options.days ?? 3;
  const scale = options.scale ?? 0.1;
  // As `yunjian demo` does on its first start; budgets and daily targets a month ahead.
  await prepareDemo({ db: t.db, runtime, services, ctx: systemContext(systemClock.now()) }, { days, scale, horizonDays: 31 });
  await registerWebApp(app, { distDir });
  const feed = startDemoFeed(
    { db: t.db, clock: systemClock, runtime, services, ctx: systemContext(systemClock.now()) },
    { days, scale, log: () => undefined, backfillOnly: true },
  );
  await feed.done;
  const runJobs = async () => { for (const job of runtime.jobs) await job.run(systemClock.now()); };
  await runJobs();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    services,
    runtime,
    db: t.db,
    logins,
    passwordOf(username) {
      const login = logins.find((l) => l.username === username);
      if (!login) throw new Error(`no demo account ${username}`);
      return login.password;
    },
    runJobs,
    close: async () => { await app.close(); await t.drop(); },
  };
}

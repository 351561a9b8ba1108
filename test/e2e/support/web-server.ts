import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { systemContext } from '../../../src/cli/bootstrap.ts';
import { loadConfig } from '../../../src/config/index.ts';
import { buildHttpApp, type Services } from '../../../src/main.ts';
import { systemClock } from '../../../src/shared/index.ts';
import { ensureWebBuilt, registerWebApp } from '../../../src/web/index.ts';
import { seedUsers, testPassword } from '../../support/test-app.ts';
import { createTestDb, type TestDb } from '../../support/test-db.ts';

/**
 * The whole product over HTTP for browser tests: a fresh database with the test org tree
 * (GROUP → H1 → H1-OFF → DEPT-A, DEPT-B) and one user per role (all with `testPassword`,
 * to be changed at first sign-in), the API, and the built console, listening on 127.0.0.1.
 */
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

export interface WebServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly services: Services;
  close(): Promise<void>;
}

export async function seedTestOrganisation(services: Services): Promise<void> {
  const ctx = systemContext(systemClock.now());
  await services.orgs.create(ctx, { code: 'GROUP', name: '集团', nameEn: 'Group', kind: 'group' });
  await services.orgs.create(ctx, { code: 'H1', name: '第一医院', nameEn: 'First Hospital', kind: 'hospital', parentCode: 'GROUP' });
  await services.orgs.create(ctx, { code: 'H1-OFF', name: '线下', nameEn: 'Offline', kind: 'channel', channel: 'offline', parentCode: 'H1' });
  await services.orgs.create(ctx, { code: 'DEPT-A', name: '心内科', nameEn: 'Cardiology', kind: 'department', parentCode: 'H1-OFF' });
  await services.orgs.create(ctx, { code: 'DEPT-B', name: '儿科', nameEn: 'Paediatrics', kind: 'department', parentCode: 'H1-OFF' });
  for (const seed of seedUsers) {
    const org = await services.orgs.require(seed.org);
    const user = await services.accounts.createUser(ctx, { username: seed.username, displayName: seed.username, orgUnitId: org.id, initialPassword: testPassword });
    await services.accounts.grant(ctx, user.id, seed.role, org);
  }
}

export async function startWebServer(options: { seed?: (services: Services) => Promise<void> } = {}): Promise<WebServer> {
  const { distDir } = await ensureWebBuilt({ root: repoRoot });
  const t: TestDb = await createTestDb();
  // The whole runtime (every domain module), so pages that read the overview or the live feed find their routes.
  const config = loadConfig({
    YUNJIAN_DATA: mkdtempSync(join(tmpdir(), 'yj-web-')), YUNJIAN_PSEUDONYM_KEY: 'e2e-pseudonym-key-0123456789abcdef', LOG_LEVEL: 'silent', YUNJIAN_COOKIE_SECURE: 'false',
  });
  const { app, services } = await buildHttpApp(t.db, config, systemClock, pino({ level: 'silent' }));
  await (options.seed ?? seedTestOrganisation)(services);
  await registerWebApp(app, { distDir });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    services,
    close: async () => { await app.close(); await t.drop(); },
  };
}

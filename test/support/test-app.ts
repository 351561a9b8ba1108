import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createApp, type AppModule } from '../../src/app.ts';
import type { UserRole } from '../../src/auth/index.ts';
import { systemContext } from '../../src/cli/bootstrap.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/index.ts';
import { buildRuntime, buildServices, type Runtime, type Services } from '../../src/main.ts';
import { createFakeClock } from '../../src/shared/index.ts';
import { createTestDb, type TestDb } from './test-db.ts';

export const testPassword = 'Initial2026pass';
export const changedPassword = 'Changed2026pass';

/**
 * A small hospital group with two departments under one hospital, and one user per role:
 * GROUP → H1 → H1-OFF → DEPT-A, DEPT-B. `liaison.a` holds DEPT-A, `liaison.b` DEPT-B.
 */
export interface TestApp {
  readonly t: TestDb;
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly clock: ReturnType<typeof createFakeClock>;
  /** Every domain service of the product (with `fullRuntime` only). */
  readonly runtime: Runtime | null;
  /** Signs in (changing the first-login password) and returns a client that sends cookie and CSRF token. */
  signIn(username: string): Promise<Client>;
  close(): Promise<void>;
}

export interface Client {
  readonly cookie: string;
  readonly csrf: string;
  request(options: InjectOptions & { url: string }): Promise<LightMyRequestResponse>;
}

export const seedUsers: readonly { username: string; role: UserRole; org: string }[] = [
  { username: 'admin', role: 'admin', org: 'GROUP' },
  { username: 'analyst', role: 'analyst', org: 'GROUP' },
  { username: 'exec', role: 'executive', org: 'H1' },
  { username: 'liaison.a', role: 'liaison', org: 'DEPT-A' },
  { username: 'liaison.b', role: 'liaison', org: 'DEPT-B' },
  { username: 'admin.a', role: 'admin', org: 'DEPT-A' },
];

export interface TestAppOptions {
  /** Every domain module of the product, composed by main.ts's buildRuntime. */
  readonly fullRuntime?: boolean;
  /** Extra domain modules, built from the foundation's services (like main.ts does). */
  readonly modules?: (env: { db: TestDb['db']; services: Services; clock: ReturnType<typeof createFakeClock> }) => readonly AppModule[] | Promise<readonly AppModule[]>;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const t = await createTestDb();
  const clock = createFakeClock('2026-11-23T08:00:00+08:00');
  const services = buildServices(t.db, { sessionIdleMinutes: 30, sessionMaxHours: 12 });
  const ctx = systemContext(clock.now());
  const group = await services.orgs.create(ctx, { code: 'GROUP', name: '集团', kind: 'group' });
  await services.orgs.create(ctx, { code: 'H1', name: '第一医院', kind: 'hospital', parentCode: group.code });
  await services.orgs.create(ctx, { code: 'H1-OFF', name: '线下', kind: 'channel', channel: 'offline', parentCode: 'H1' });
  await services.orgs.create(ctx, { code: 'DEPT-A', name: '心内科', nameEn: 'Cardiology', kind: 'department', parentCode: 'H1-OFF' });
  await services.orgs.create(ctx, { code: 'DEPT-B', name: '儿科', nameEn: 'Paediatrics', kind: 'department', parentCode: 'H1-OFF' });
  for (const seed of seedUsers) {
    const org = await services.orgs.require(seed.org);
    const user = await services.accounts.createUser(ctx, { username: seed.username, displayName: seed.username, orgUnitId: org.id, initialPassword: testPassword });
    await services.accounts.grant(ctx, user.id, seed.role, org);
  }
  const modules = options.modules ? [...(await options.modules({ db: t.db, services, clock }))] : [];
  let runtime: Runtime | null = null;
  if (options.fullRuntime === true) {
    const config = loadConfig({ YUNJIAN_DATA: mkdtempSync(join(tmpdir(), 'yj-app-')), YUNJIAN_PSEUDONYM_KEY: 'test-pseudonym-key-0123456789abcdef', LOG_LEVEL: 'silent' });
    runtime = buildRuntime(t.db, config, clock, pino({ level: 'silent' }));
    modules.push(...runtime.modules);
  }
  const app = await createApp({ config: { bodyLimitBytes: 8 * 1024 * 1024, cookieSecure: false, sessionMaxHours: 12 }, db: t.db, clock, ...services, modules });
  await app.ready();

  function client(cookie: string, csrf: string): Client {
    return {
      cookie, csrf,
      request: (options) => app.inject({ ...options, headers: { cookie: `yj_session=${cookie}`, 'x-csrf-token': csrf, ...(options.headers ?? {}) } }),
    };
  }

  async function signIn(username: string): Promise<Client> {
    let password = testPassword;
    let res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    if (res.statusCode === 401) {
      password = changedPassword;
      res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    }
    if (res.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === 'yj_session')?.value ?? '';
    const body = res.json<{ csrfToken: string; passwordChangeRequired: string | null }>();
    const c = client(cookie, body.csrfToken);
    if (body.passwordChangeRequired !== null) {
      const changed = await c.request({ method: 'POST', url: '/api/auth/password', payload: { currentPassword: password, newPassword: changedPassword } });
      if (changed.statusCode !== 200) throw new Error(`password change of ${username} failed: ${changed.body}`);
    }
    return c;
  }

  return { t, app, services, clock, runtime, signIn, close: async () => { await app.close(); await t.drop(); } };
}

import pino from 'pino';
import { createApp } from './app.ts';
import { createAccountsService, createAuthService } from './auth/index.ts';
import type { Config } from './config/index.ts';
import { createOrgsService } from './orgs/index.ts';
import { systemClock, type Clock } from './shared/index.ts';
import { migrate, openDb, type Db } from './store/index.ts';

/**
 * The composition root: config → storage → services → the roles this process runs. Services
 * are wired here once, each with the narrow dependencies it needs.
 */
export function buildServices(db: Db, config: Pick<Config, 'sessionIdleMinutes' | 'sessionMaxHours'>) {
  const auth = createAuthService({ db, session: { idleMinutes: config.sessionIdleMinutes, maxHours: config.sessionMaxHours } });
  const accounts = createAccountsService({ db, auth });
  const orgs = createOrgsService({ db });
  return { auth, accounts, orgs };
}

export type Services = ReturnType<typeof buildServices>;

export async function openStorage(config: Config): Promise<Db> {
  const db = await openDb(config);
  await migrate(db);
  return db;
}

export function createLogger(config: Pick<Config, 'logLevel'>) {
  return pino({ level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie', 'password', '*.password', '*.newPassword', '*.currentPassword'] });
}

export async function buildHttpApp(db: Db, config: Config, clock: Clock = systemClock, logger: ReturnType<typeof createLogger> | false = createLogger(config)) {
  const services = buildServices(db, config);
  const app = await createApp({ config, db, clock, ...services, ...(logger === false ? {} : { logger }) });
  return { app, services };
}

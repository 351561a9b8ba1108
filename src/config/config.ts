import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '../shared/index.ts';

/**
 * Process settings, read once from the environment. Domain configuration (rules, routing,
 * calendars, password policy) lives in the database instead, edited through the API.
 */
export interface Config {
  /** Folder of the embedded PGlite database, used when no DATABASE_URL is given. */
  readonly dataDir: string;
  /** PostgreSQL connection string; when set, PGlite is not used. */
  readonly databaseUrl: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
  /** Send the session cookie with the Secure attribute (set when served over HTTPS). */
  readonly cookieSecure: boolean;
  readonly sessionIdleMinutes: number;
  readonly sessionMaxHours: number;
  /** Key for patient pseudonyms; when absent, a key file in the data folder is created at first start. */
  readonly pseudonymKey: string | undefined;
  /** Largest accepted request body, in bytes. */
  readonly bodyLimitBytes: number;
  /** Comma-separated process roles (api, ingest, engine, scheduler); all by default. */
  readonly roles: readonly ProcessRole[];
  /** SMTP server for e-mail notifications, smtp(s)://user:pass@host:port. */
  readonly smtpUrl: string | undefined;
  readonly smtpFrom: string;
  /** Earliest accepted event time; records about an earlier instant are rejected (INGEST_TIME_OUT_OF_RANGE). */
  readonly eventTimeEarliest: Date;
  /** How many hours past the time of ingest an event time may lie. */
  readonly eventTimeAheadHours: number;
}

export type ProcessRole = 'api' | 'ingest' | 'engine' | 'scheduler';
const allRoles: readonly ProcessRole[] = ['api', 'ingest', 'engine', 'scheduler'];

export interface ConfigVariable {
  readonly name: string;
  readonly default: string;
  readonly description: string;
  readonly secret?: boolean;
}

/** Every variable the process reads, documented once (the README table is generated from it). */
export const configVariables: readonly ConfigVariable[] = [
  { name: 'YUNJIAN_DATA', default: './data', description: 'Folder of the embedded PGlite database (used when DATABASE_URL is not set).' },
  { name: 'DATABASE_URL', default: '(unset)', description: 'PostgreSQL connection string, e.g. postgres://user:pass@host:5432/yunjian. When set, PostgreSQL is used instead of PGlite.', secret: true },
  { name: 'HOST', default: '127.0.0.1', description: 'Address the HTTP server listens on.' },
  { name: 'PORT', default: '8080', description: 'Port the HTTP server listens on.' },
  { name: 'LOG_LEVEL', default: 'info', description: 'pino log level: fatal, error, warn, info, debug, trace or silent.' },
  { name: 'YUNJIAN_COOKIE_SECURE', default: 'false', description: 'Mark the session cookie Secure; set to true when served over HTTPS.' },
  { name: 'YUNJIAN_SESSION_IDLE_MINUTES', default: '30', description: 'A session ends after this many minutes without a request.' },
  { name: 'YUNJIAN_SESSION_MAX_HOURS', default: '12', description: 'A session ends this many hours after login, whatever the activity.' },
  { name: 'YUNJIAN_PSEUDONYM_KEY', default: '(key file in the data folder)', description: 'Secret key of the patient pseudonym HMAC. Keep it stable: changing it changes every pseudonym.', secret: true },
  { name: 'YUNJIAN_BODY_LIMIT_MB', default: '32', description: 'Largest accepted request body in MiB.' },
  { name: 'YUNJIAN_ROLES', default: 'api,ingest,engine,scheduler', description: 'Roles this process runs; several processes can share one PostgreSQL.' },
  { name: 'YUNJIAN_SMTP_URL', default: '(unset)', description: 'SMTP server for e-mail notifications, e.g. smtps://user:pass@mail.example.org:465. Without it e-mail deliveries fail and are retried.', secret: true },
  { name: 'YUNJIAN_SMTP_FROM', default: 'yunjian@localhost', description: 'Sender address of notification e-mails.' },
  { name: 'YUNJIAN_EVENT_TIME_EARLIEST', default: '1990-01-01', description: 'Earliest plausible event time (a date, UTC, or a date-time with offset); an ingested record with an earlier date-time is rejected with INGEST_TIME_OUT_OF_RANGE.' },
  { name: 'YUNJIAN_EVENT_TIME_AHEAD_HOURS', default: '24', description: 'How many hours past the time of ingest an event date-time may lie before the record is rejected with INGEST_TIME_OUT_OF_RANGE.' },
];

type Env = Readonly<Record<string, string | undefined>>;

/** Reads NAME, or the contents of the file named by NAME_FILE (for secrets mounted as files). */
function read(env: Env, name: string): string | undefined {
  const fileName = env[`${name}_FILE`];
  if (fileName !== undefined && fileName !== '') {
    try {
      return readFileSync(fileName, 'utf8').trim();
    } catch (error) {
      throw new AppError('CONFIG_INVALID', `${name}_FILE: cannot read ${fileName}`, { variable: `${name}_FILE`, cause: String(error) });
    }
  }
  const value = env[name];
  return value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new AppError('CONFIG_INVALID', `${name} must be an integer from ${min} to ${max}, got "${raw}"`, { variable: name });
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new AppError('CONFIG_INVALID', `${name} must be true or false, got "${raw}"`, { variable: name });
}

function instant(env: Env, name: string, fallback: string): Date {
  const raw = read(env, name) ?? fallback;
  const text = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw;
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) || !Number.isFinite(ms)) {
    throw new AppError('CONFIG_INVALID', `${name} must be a date (YYYY-MM-DD) or a date-time with offset, got "${raw}"`, { variable: name });
  }
  return new Date(ms);
}

function roles(env: Env): readonly ProcessRole[] {
  const raw = read(env, 'YUNJIAN_ROLES');
  if (raw === undefined) return allRoles;
  const list = raw.split(',').map((r) => r.trim()).filter((r) => r !== '');
  for (const role of list) {
    if (!(allRoles as readonly string[]).includes(role)) {
      throw new AppError('CONFIG_INVALID', `YUNJIAN_ROLES: unknown role "${role}" (allowed: ${allRoles.join(', ')})`, { variable: 'YUNJIAN_ROLES' });
    }
  }
  return list as ProcessRole[];
}

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  return Object.freeze({
    dataDir: resolve(cwd, read(env, 'YUNJIAN_DATA') ?? './data'),
    databaseUrl: read(env, 'DATABASE_URL'),
    host: read(env, 'HOST') ?? '127.0.0.1',
    port: integer(env, 'PORT', 8080, 0, 65535),
    logLevel: read(env, 'LOG_LEVEL') ?? 'info',
    cookieSecure: boolean(env, 'YUNJIAN_COOKIE_SECURE', false),
    sessionIdleMinutes: integer(env, 'YUNJIAN_SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    sessionMaxHours: integer(env, 'YUNJIAN_SESSION_MAX_HOURS', 12, 1, 24 * 30),
    pseudonymKey: read(env, 'YUNJIAN_PSEUDONYM_KEY'),
    bodyLimitBytes: integer(env, 'YUNJIAN_BODY_LIMIT_MB', 32, 1, 1024) * 1024 * 1024,
    roles: roles(env),
    smtpUrl: read(env, 'YUNJIAN_SMTP_URL'),
    smtpFrom: read(env, 'YUNJIAN_SMTP_FROM') ?? 'yunjian@localhost',
    eventTimeEarliest: instant(env, 'YUNJIAN_EVENT_TIME_EARLIEST', '1990-01-01'),
    eventTimeAheadHours: integer(env, 'YUNJIAN_EVENT_TIME_AHEAD_HOURS', 24, 0, 24 * 366),
  });
}

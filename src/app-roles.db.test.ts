import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../test/support/test-db.ts';
import { loadConfig } from './config/index.ts';
import { buildHttpApp } from './main.ts';
import { systemClock } from './shared/index.ts';

/** YUNJIAN_ROLES decide what a process serves: `api` the console's API, `ingest` the ingest endpoints. */
let t: TestDb;

const appWith = async (roles: string) => {
  const config = loadConfig({
    YUNJIAN_DATA: mkdtempSync(join(tmpdir(), 'yj-roles-')), YUNJIAN_PSEUDONYM_KEY: 'roles-pseudonym-key-0123456789abcdef', LOG_LEVEL: 'silent', YUNJIAN_ROLES: roles,
  });
  return (await buildHttpApp(t.db, config, systemClock, pino({ level: 'silent' }))).app;
};

beforeAll(async () => { t = await createTestDb(); }, 60_000);
afterAll(async () => { await t.drop(); });

describe('process roles', () => {
  it('serves only the ingest endpoints (and health) in an ingest process', async () => {
    const app = await appWith('ingest');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    // Reached, and refused for want of a token — not missing.
    expect((await app.inject({ method: 'POST', url: '/api/ingest/events', payload: [] })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/orgs' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'a', password: 'b' } })).statusCode).toBe(404);
    await app.close();
  });

  it('serves the console API but not the ingest endpoints in an api process', async () => {
    const app = await appWith('api,scheduler');
    expect((await app.inject({ method: 'POST', url: '/api/ingest/events', payload: [] })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/orgs' })).statusCode).toBe(401);
    await app.close();
  });
});

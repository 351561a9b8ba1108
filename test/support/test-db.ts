import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, openPgliteDb, openPostgresDb, type Backend, type Db } from '../../src/store/index.ts';

/**
 * The backend under test: YUNJIAN_TEST_BACKEND=postgres runs the suite against the server in
 * DATABASE_URL (each test file gets a fresh database, dropped afterwards); anything else runs
 * it against an in-memory PGlite.
 */
export const testBackend: Backend = process.env.YUNJIAN_TEST_BACKEND === 'postgres' ? 'postgres' : 'pglite';

export interface TestDb {
  readonly db: Db;
  /** Connection string of the fresh database (postgres backend only). */
  readonly url: string | undefined;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === '') throw new Error('YUNJIAN_TEST_BACKEND=postgres needs DATABASE_URL');
  return url;
}

export async function createEmptyTestDb(backend: Backend = testBackend): Promise<TestDb> {
  if (backend === 'pglite') {
    const db = await openPgliteDb(undefined);
    return { db, url: undefined, drop: () => db.close() };
  }
  const name = `yj_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const db = openPostgresDb(url.toString(), { max: 5 });
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.close();
      const dropper = new pg.Client({ connectionString: adminUrl() });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

/** A fresh, migrated database of the backend under test. */
export async function createTestDb(backend: Backend = testBackend): Promise<TestDb> {
  const testDb = await createEmptyTestDb(backend);
  await migrate(testDb.db);
  return testDb;
}

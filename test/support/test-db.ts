import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { migrate, openPgliteDb, openPostgresDb, type Backend, type Db } from '../../src/store/index.ts';
import { createPgliteDb } from '../../src/store/pglite-db.ts';

/**
 * The backend under test: YUNJIAN_TEST_BACKEND=postgres runs the suite against the server in
 * DATABASE_URL (each test file gets a fresh database, dropped afterwards); anything else runs
 * it against an in-memory PGlite.
 *
 * Migrating a fresh database is most of a test file's set-up, so a migrated database is made
 * once per migration set and copied: a PGlite data-dir dump cached under node_modules/.cache,
 * a PostgreSQL template database. Both are keyed by a hash of the migrations, so a changed
 * migration makes a new template.
 */
export const testBackend: Backend = process.env.YUNJIAN_TEST_BACKEND === 'postgres' ? 'postgres' : 'pglite';

export interface TestDb {
  readonly db: Db;
  /** Connection string of the fresh database (postgres backend only). */
  readonly url: string | undefined;
  drop(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const migrationsDir = join(repoRoot, 'src', 'store', 'migrations');

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(migrationsDir).sort()) hash.update(name).update(readFileSync(join(migrationsDir, name)));
  return hash.digest('hex').slice(0, 16);
}

function adminUrl(): string {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === '') throw new Error('YUNJIAN_TEST_BACKEND=postgres needs DATABASE_URL');
  return url;
}

function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function postgresTestDb(name: string): TestDb {
  const db = openPostgresDb(databaseUrl(name), { max: 5 });
  return {
    db,
    url: databaseUrl(name),
    async drop() {
      await db.close();
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

const newName = () => `yj_test_${randomBytes(6).toString('hex')}`;

export async function createEmptyTestDb(backend: Backend = testBackend): Promise<TestDb> {
  if (backend === 'pglite') {
    const db = await openPgliteDb(undefined);
    return { db, url: undefined, drop: () => db.close() };
  }
  const name = newName();
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
  return postgresTestDb(name);
}

let pgliteTemplate: Promise<Blob> | null = null;

/** The migrated PGlite data dir as a tarball, made once per migration set (atomic file swap). */
function migratedPgliteDump(): Promise<Blob> {
  pgliteTemplate ??= (async () => {
    const dir = join(repoRoot, 'node_modules', '.cache', 'yunjian-test');
    const file = join(dir, `pglite-template-${migrationsHash()}.tar`);
    if (existsSync(file)) return new Blob([readFileSync(file)]);
    const instance = await PGlite.create();
    await migrate(createPgliteDb(instance));
    const dump = await instance.dumpDataDir('none');
    await instance.close();
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, file);
    return dump;
  })();
  return pgliteTemplate;
}

/** The migrated template database on the server, made once per migration set. */
async function postgresTemplate(): Promise<string> {
  const template = `yj_template_${migrationsHash()}`;
  await withAdmin(async (admin) => {
    // One test file builds it; the others wait on the lock and find it made.
    await admin.query('SELECT pg_advisory_lock(7042001)');
    try {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (found.rowCount === 0) {
        const building = newName();
        await admin.query(`CREATE DATABASE ${building}`);
        const db = openPostgresDb(databaseUrl(building), { max: 2 });
        await migrate(db);
        await db.close();
        await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
      }
    } finally {
      await admin.query('SELECT pg_advisory_unlock(7042001)');
    }
  });
  return template;
}

/** A fresh, migrated database of the backend under test. */
export async function createTestDb(backend: Backend = testBackend): Promise<TestDb> {
  if (backend === 'pglite') {
    const db = await openPgliteDb(undefined, { loadDataDir: await migratedPgliteDump() });
    await migrate(db);
    return { db, url: undefined, drop: () => db.close() };
  }
  const template = await postgresTemplate();
  const name = newName();
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const testDb = postgresTestDb(name);
  await migrate(testDb.db);
  return testDb;
}

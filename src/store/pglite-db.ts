import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult } from './db.ts';

const execFileAsync = promisify(execFile);

// Same value shapes on both backends: int8 and numeric arrive as JS numbers (counts and money
// in yunjian stay far below 2^53), timestamptz as Date, json/jsonb as parsed values.
const parsers = {
  [types.INT8]: (value: string) => Number(value),
  [types.NUMERIC]: (value: string) => Number(value),
};

function wrap(target: Pick<PGlite, 'query'>): Queryable {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
      const result = await target.query<Row>(sql, params as unknown[]);
      // PGlite reports 0 affected rows for a SELECT; pg reports the rows returned.
      return { rows: result.rows, rowCount: Math.max(result.affectedRows ?? 0, result.rows.length) };
    },
  };
}

/**
 * PGlite's defaults plus a smaller buffer pool. PGlite keeps PostgreSQL's 128 MB shared_buffers
 * inside its WASM heap, on top of the heap's 128 MB minimum; at 32 MB the pool fits in that
 * minimum (measured: about 120 MB less resident memory), and the files stay in the operating
 * system's page cache anyway.
 */
export const PGLITE_START_PARAMS: readonly string[] = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'];

const INITDB_SCRIPT = `const [url, dataDir, params] = process.argv.slice(1);
const { PGlite } = await import(url);
await (await PGlite.create({ dataDir, startParams: JSON.parse(params) })).close();`;

/**
 * Runs initdb for a new data folder in a child process: it needs about 500 MB that would otherwise
 * stay in this process's peak (and, until collected, its resident) memory. Falls back to a
 * throwaway instance in this process if a child cannot be started.
 */
async function initialiseDataDir(dataDir: string, startParams: readonly string[]): Promise<void> {
  try {
    await execFileAsync(process.execPath, ['--input-type=module', '-e', INITDB_SCRIPT, import.meta.resolve('@electric-sql/pglite'), dataDir, JSON.stringify(startParams)]);
  } catch {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await (await PGlite.create({ dataDir, startParams: [...startParams] })).close();
  }
}

/**
 * Opens PGlite in `dataDir`, or in memory when `dataDir` is undefined (tests). `loadDataDir`
 * starts from a dump of another instance (`dumpDataDir`): tests start from a migrated template.
 * A new data folder is initialised in a child process first (initialiseDataDir).
 */
export async function openPgliteDb(dataDir: string | undefined, options: { loadDataDir?: Blob } = {}): Promise<Db> {
  const startParams = [...PGLITE_START_PARAMS];
  if (dataDir !== undefined) {
    mkdirSync(dataDir, { recursive: true });
    if (options.loadDataDir === undefined && !existsSync(join(dataDir, 'PG_VERSION'))) await initialiseDataDir(dataDir, startParams);
  }
  const load = options.loadDataDir === undefined ? {} : { loadDataDir: options.loadDataDir };
  const pg = await PGlite.create(dataDir === undefined ? { parsers, startParams, ...load } : { dataDir, parsers, startParams, ...load });
  return createPgliteDb(pg);
}

export function createPgliteDb(pg: PGlite): Db {
  const base = wrap(pg);
  return {
    backend: 'pglite',
    query: (sql, params) => base.query(sql, params),
    transaction: (work) => pg.transaction((tx) => work(wrap(tx))),
    // PGlite has one connection and one process: advisory locks still work, and the lock
    // serialises with other users of the same instance.
    async withAdvisoryLock(key, work) {
      await pg.query('SELECT pg_advisory_lock($1)', [key]);
      try {
        return await work(base);
      } finally {
        await pg.query('SELECT pg_advisory_unlock($1)', [key]);
      }
    },
    async tryAdvisoryLock(key) {
      const result = await pg.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [key]);
      if (result.rows[0]?.locked !== true) return null;
      return { release: async () => { await pg.query('SELECT pg_advisory_unlock($1)', [key]); } };
    },
    async exec(sql) {
      await pg.exec(sql);
    },
    async close() {
      if (!pg.closed) await pg.close();
    },
  };
}

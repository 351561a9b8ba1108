import { mkdirSync } from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult } from './db.ts';

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
 * Opens PGlite in `dataDir`, or in memory when `dataDir` is undefined (tests). `loadDataDir`
 * starts from a dump of another instance (`dumpDataDir`): tests start from a migrated template.
 */
export async function openPgliteDb(dataDir: string | undefined, options: { loadDataDir?: Blob } = {}): Promise<Db> {
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const load = options.loadDataDir === undefined ? {} : { loadDataDir: options.loadDataDir };
  const pg = await PGlite.create(dataDir === undefined ? { parsers, ...load } : { dataDir, parsers, ...load });
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

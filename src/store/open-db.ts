import type { Config } from '../config/index.ts';
import type { Db } from './db.ts';
import { openPgliteDb } from './pglite-db.ts';
import { openPostgresDb } from './postgres-db.ts';

/** PostgreSQL when DATABASE_URL is set, otherwise PGlite in the data folder. */
export async function openDb(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Db> {
  if (config.databaseUrl !== undefined) return openPostgresDb(config.databaseUrl);
  return openPgliteDb(`${config.dataDir}/pg`);
}

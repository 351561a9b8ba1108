/**
 * Storage: the small database interface (PGlite or PostgreSQL behind the same SQL), opening a
 * database from the config, and forward-only migrations applied under an advisory lock.
 */
export { advisoryLocks, type Backend, type Db, type Queryable, type QueryResult } from './db.ts';
export { loadMigrations, migrate, splitStatements, type Migration } from './migrate.ts';
export { openDb } from './open-db.ts';
export { openPgliteDb } from './pglite-db.ts';
export { openPostgresDb } from './postgres-db.ts';
export { readSetting, writeSetting } from './settings-repo.ts';

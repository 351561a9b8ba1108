/**
 * Backup and restore in yunjian's own portable format (gzip NDJSON of row_to_json rows), so
 * data moves between PGlite and PostgreSQL in either direction.
 */
export { backupFormat, backupTables, backupVersion, restoreBackup, writeBackup } from './backup.ts';

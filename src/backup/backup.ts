import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { AppError } from '../shared/index.ts';
import type { Db, Queryable } from '../store/index.ts';

/**
 * yunjian's own backup format: gzip-compressed NDJSON. Line 1 is a header
 * `{"format":"yunjian-backup","version":1,"schemaVersion":N,"createdAt":…,"tables":[…]}`; then
 * for each table a line `{"table":name,"rows":n}` followed by its rows, one `row_to_json` object
 * a line. Postgres renders and parses every type itself (timestamps to the microsecond, jsonb,
 * arrays), so a backup moves between PGlite and PostgreSQL in either direction.
 */
export const backupFormat = 'yunjian-backup';
export const backupVersion = 1;

interface TableInfo {
  readonly name: string;
  readonly orderBy: string;
}

// Rows must arrive after the rows they reference: a parent org unit before its children, even
// when a move gave the child the smaller id.
const rowOrder: Readonly<Record<string, string>> = { org_unit: 'length(path), id' };

/** Tables in foreign-key order (referenced tables first), with a stable row order each. */
export async function backupTables(db: Queryable): Promise<TableInfo[]> {
  const tables = (await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  )).rows.map((r) => r.name);
  const deps = (await db.query<{ child: string; parent: string }>(
    `SELECT tc.table_name AS child, ccu.table_name AS parent
       FROM information_schema.table_constraints tc
       JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.constraint_schema = tc.constraint_schema
      WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'`,
  )).rows;
  const pk = (await db.query<{ table_name: string; cols: string }>(
    `SELECT tc.table_name, string_agg(kcu.column_name, ', ' ORDER BY kcu.ordinal_position) AS cols
       FROM information_schema.table_constraints tc
       JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.constraint_schema = tc.constraint_schema
      WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = 'public' GROUP BY tc.table_name`,
  )).rows;
  const pkOf = new Map(pk.map((r) => [r.table_name, r.cols]));
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (table: string) => {
    if (ordered.includes(table) || visiting.has(table)) return;
    visiting.add(table);
    for (const d of deps) if (d.child === table && d.parent !== table) visit(d.parent);
    visiting.delete(table);
    ordered.push(table);
  };
  for (const table of tables) visit(table);
  return ordered.map((name) => ({ name, orderBy: rowOrder[name] ?? pkOf.get(name) ?? '1' }));
}

async function schemaVersion(db: Queryable): Promise<number> {
  const r = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migration');
  return r.rows[0]?.v ?? 0;
}

async function* backupLines(db: Db, now: Date): AsyncGenerator<string> {
  const tables = await backupTables(db);
  yield `${JSON.stringify({ format: backupFormat, version: backupVersion, schemaVersion: await schemaVersion(db), createdAt: now.toISOString(), tables: tables.map((t) => t.name) })}\n`;
  for (const table of tables) {
    const count = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table.name}"`)).rows[0]?.n ?? 0;
    yield `${JSON.stringify({ table: table.name, rows: count })}\n`;
    const pageSize = 2000;
    for (let offset = 0; offset < count; offset += pageSize) {
      const page = await db.query<{ j: string }>(
        `SELECT row_to_json(t)::text AS j FROM "${table.name}" t ORDER BY ${table.orderBy} LIMIT $1 OFFSET $2`,
        [pageSize, offset],
      );
      yield page.rows.map((r) => `${r.j}\n`).join('');
    }
  }
}

/** Writes a consistent-enough backup: tables are read in FK order; run it on a quiet system or accept a fuzzy point in time. */
export async function writeBackup(db: Db, file: string, now: Date): Promise<{ tables: number; rows: number }> {
  let rows = 0;
  let tables = 0;
  const counted = async function* () {
    for await (const chunk of backupLines(db, now)) {
      if (chunk.startsWith('{"table"')) tables += 1;
      rows += chunk.split('\n').length - 1;
      yield chunk;
    }
  };
  await pipeline(Readable.from(counted()), createGzip(), createWriteStream(file));
  return { tables, rows: rows - tables - 1 };
}

/**
 * Restores into a database whose schema is migrated and which holds no data yet. Runs in one
 * transaction: a failed restore leaves the target as it was.
 */
export async function restoreBackup(db: Db, file: string): Promise<{ tables: number; rows: number }> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  const header = first.done === true ? null : (JSON.parse(first.value) as { format?: string; version?: number; schemaVersion?: number });
  if (header?.format !== backupFormat || header.version !== backupVersion) {
    throw new AppError('BACKUP_INVALID', `${file} is not a yunjian backup (version ${backupVersion}).`);
  }
  const target = await schemaVersion(db);
  if (header.schemaVersion !== target) {
    throw new AppError('BACKUP_SCHEMA_MISMATCH', `The backup has schema version ${String(header.schemaVersion)}, this database ${target}; restore with the matching yunjian version.`);
  }
  const tables = await backupTables(db);
  for (const table of tables) {
    if (table.name === 'schema_migration') continue;
    const r = await db.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM "${table.name}") AS any`);
    if (r.rows[0]?.any === true) throw new AppError('BACKUP_TARGET_NOT_EMPTY', `Table ${table.name} already holds data; restore into an empty database.`);
  }
  let rows = 0;
  let tableCount = 0;
  await db.transaction(async (tx) => {
    let current: string | null = null;
    let batch: string[] = [];
    const flush = async () => {
      if (current === null || batch.length === 0 || current === 'schema_migration') {
        batch = [];
        return;
      }
      await tx.query(`INSERT INTO "${current}" OVERRIDING SYSTEM VALUE SELECT * FROM json_populate_recordset(NULL::"${current}", $1::json)`, [`[${batch.join(',')}]`]);
      rows += batch.length;
      batch = [];
    };
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) break;
      const line = next.value;
      if (line === '') continue;
      if (line.startsWith('{"table":')) {
        await flush();
        current = (JSON.parse(line) as { table: string }).table;
        if (!tables.some((t) => t.name === current)) throw new AppError('BACKUP_INVALID', `Unknown table ${current} in the backup.`);
        tableCount += 1;
        continue;
      }
      batch.push(line);
      if (batch.length >= 1000) await flush();
    }
    await flush();
    // Identity columns continue after the restored ids.
    const identities = await tx.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'`,
    );
    for (const col of identities.rows) {
      await tx.query(
        `SELECT setval(pg_get_serial_sequence('"${col.table_name}"', '${col.column_name}'), COALESCE((SELECT max("${col.column_name}") FROM "${col.table_name}"), 0) + 1, false)`,
      );
    }
  });
  return { tables: tableCount, rows };
}

import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { AppError } from '../shared/index.ts';
import type { Db, Queryable } from '../store/index.ts';

/**
 * yunjian's own backup format: gzip-compressed NDJSON. Line 1 is a header
 * `{"format":"yunjian-backup","version":2,"schemaVersion":N,"createdAt":…,"tables":[…]}`; then
 * for each table a line `{"table":name,"rows":n}` followed by its rows, one `row_to_json` object
 * a line; the last line is a trailer `{"end":true,"tables":n,"rows":n,"sha256":…}` with the
 * sha256 of every line before it. Postgres renders and parses every type itself (timestamps to
 * the microsecond, jsonb, arrays), so a backup moves between PGlite and PostgreSQL in either
 * direction. A restore checks the table list, each table's row count and the checksum before it
 * commits, so a truncated or altered file restores nothing.
 */
export const backupFormat = 'yunjian-backup';
export const backupVersion = 2;

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

async function* backupLines(db: Queryable, now: Date): AsyncGenerator<string> {
  const tables = await backupTables(db);
  const digest = createHash('sha256');
  let rows = 0;
  const line = (text: string) => {
    digest.update(text);
    return text;
  };
  yield line(`${JSON.stringify({ format: backupFormat, version: backupVersion, schemaVersion: await schemaVersion(db), createdAt: now.toISOString(), tables: tables.map((t) => t.name) })}\n`);
  for (const table of tables) {
    const count = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table.name}"`)).rows[0]?.n ?? 0;
    yield line(`${JSON.stringify({ table: table.name, rows: count })}\n`);
    const pageSize = 2000;
    for (let offset = 0; offset < count; offset += pageSize) {
      const page = await db.query<{ j: string }>(
        `SELECT row_to_json(t)::text AS j FROM "${table.name}" t ORDER BY ${table.orderBy} LIMIT $1 OFFSET $2`,
        [pageSize, offset],
      );
      rows += page.rows.length;
      yield line(page.rows.map((r) => `${r.j}\n`).join(''));
    }
  }
  yield `${JSON.stringify({ end: true, tables: tables.length, rows, sha256: digest.digest('hex') })}\n`;
}

/**
 * Writes a backup of one consistent point in time (every table read in one repeatable-read
 * snapshot, so the row counts written are the rows written), readable by its owner only.
 */
export async function writeBackup(db: Db, file: string, now: Date): Promise<{ tables: number; rows: number }> {
  const handle = await open(file, 'w', 0o600);
  // A file that existed keeps its mode on open: make it private before a byte is written.
  await handle.chmod(0o600);
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    let trailer = '';
    const keepTrailer = async function* () {
      for await (const chunk of backupLines(tx, now)) {
        if (chunk.startsWith('{"end":')) trailer = chunk;
        yield chunk;
      }
    };
    await pipeline(Readable.from(keepTrailer()), createGzip(), handle.createWriteStream());
    const end = JSON.parse(trailer) as { tables: number; rows: number };
    return { tables: end.tables, rows: end.rows };
  });
}

interface BackupHeader { readonly format?: string; readonly version?: number; readonly schemaVersion?: number; readonly tables?: unknown }

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it expects
function parseLine<T>(line: string, what: string): T {
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new AppError('BACKUP_CORRUPT', `The backup is damaged: ${what} is not valid JSON.`);
  }
}

async function checkHeader(db: Db, file: string, line: string | undefined): Promise<readonly string[]> {
  const header = line === undefined ? null : parseLine<BackupHeader>(line, 'the header');
  if (header?.format !== backupFormat) throw new AppError('BACKUP_INVALID', `${file} is not a yunjian backup.`);
  if (header.version !== backupVersion) {
    throw new AppError('BACKUP_INVALID', `${file} is a backup of format version ${String(header.version)}; this yunjian restores version ${backupVersion} (with row counts and a checksum).`);
  }
  const target = await schemaVersion(db);
  if (header.schemaVersion !== target) {
    throw new AppError('BACKUP_SCHEMA_MISMATCH', `The backup has schema version ${String(header.schemaVersion)}, this database ${target}; restore with the matching yunjian version.`);
  }
  const tables = (await backupTables(db)).map((t) => t.name);
  const listed = Array.isArray(header.tables) ? header.tables.map(String) : [];
  const missing = tables.filter((t) => !listed.includes(t));
  const unknown = listed.filter((t) => !tables.includes(t));
  if (missing.length > 0 || unknown.length > 0) {
    throw new AppError('BACKUP_TABLES_MISMATCH', `The backup's table list differs from this database's: missing ${missing.join(', ') || 'none'}, unknown ${unknown.join(', ') || 'none'}.`);
  }
  for (const table of tables) {
    if (table === 'schema_migration') continue;
    const r = await db.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM "${table}") AS any`);
    if (r.rows[0]?.any === true) throw new AppError('BACKUP_TARGET_NOT_EMPTY', `Table ${table} already holds data; restore into an empty database.`);
  }
  return listed;
}

/**
 * Follows the body of a backup line by line: which table the rows belong to, that each table
 * holds the rows its line announced, that the tables come as the header listed them, and the
 * running checksum. `finish` checks the trailer; a file that ends without one is truncated.
 */
class BackupVerifier {
  private readonly digest: Hash = createHash('sha256');
  private table: { name: string; expected: number; seen: number } | null = null;
  private done = 0;
  private total = 0;
  private trailer: { tables?: number; rows?: number; sha256?: string } | null = null;

  constructor(private readonly tables: readonly string[], headerLine: string) {
    this.digest.update(`${headerLine}\n`);
  }

  /** The table a row line belongs to, or null for a table line (and the trailer). */
  accept(line: string): string | null {
    if (this.trailer !== null) throw new AppError('BACKUP_CORRUPT', 'The backup has lines after its end.');
    if (line.startsWith('{"end":')) {
      this.closeTable();
      this.trailer = parseLine(line, 'the trailer');
      return null;
    }
    this.digest.update(`${line}\n`);
    if (line.startsWith('{"table":')) {
      this.closeTable();
      const next = parseLine<{ table: string; rows: number }>(line, 'a table line');
      if (next.table !== this.tables[this.done]) throw new AppError('BACKUP_CORRUPT', `The backup holds table ${next.table} where ${String(this.tables[this.done])} was due.`);
      this.table = { name: next.table, expected: next.rows, seen: 0 };
      return null;
    }
    if (this.table === null) throw new AppError('BACKUP_CORRUPT', 'The backup has rows before any table line.');
    this.table.seen += 1;
    this.total += 1;
    return this.table.name;
  }

  finish(): void {
    if (this.trailer === null) {
      throw new AppError('BACKUP_TRUNCATED', `The backup ends early, after ${this.done} of ${this.tables.length} tables (no end line); nothing was restored.`);
    }
    if (this.done !== this.tables.length || this.trailer.tables !== this.tables.length || this.trailer.rows !== this.total) {
      throw new AppError('BACKUP_TRUNCATED', `The backup holds ${this.done} of ${this.tables.length} tables and ${this.total} rows, its end line says ${String(this.trailer.tables)} and ${String(this.trailer.rows)}; nothing was restored.`);
    }
    if (this.trailer.sha256 !== this.digest.digest('hex')) {
      throw new AppError('BACKUP_CHECKSUM_MISMATCH', 'The backup\'s checksum does not match its content: it was altered or damaged; nothing was restored.');
    }
  }

  private closeTable(): void {
    if (this.table === null) return;
    if (this.table.seen !== this.table.expected) {
      throw new AppError('BACKUP_ROW_COUNT_MISMATCH', `Table ${this.table.name} should hold ${this.table.expected} rows, the backup has ${this.table.seen}; nothing was restored.`);
    }
    this.done += 1;
    this.table = null;
  }
}

/**
 * Restores into a database whose schema is migrated and which holds no data yet, in one
 * transaction that commits only when the whole file checked out (table list, row counts,
 * checksum): a damaged or truncated backup leaves the target as it was.
 */
export async function restoreBackup(db: Db, file: string): Promise<{ tables: number; rows: number }> {
  const gunzip = createGunzip();
  createReadStream(file).on('error', (error) => gunzip.destroy(error)).pipe(gunzip);
  const iterator = createInterface({ input: gunzip, crlfDelay: Infinity })[Symbol.asyncIterator]();
  // A file cut short fails in gunzip ("unexpected end of file"), surfacing here.
  const nextLine = async (): Promise<string | undefined> => {
    try {
      const next = await iterator.next();
      return next.done === true ? undefined : next.value;
    } catch (error) {
      throw new AppError('BACKUP_TRUNCATED', `The backup cannot be read to its end (${error instanceof Error ? error.message : String(error)}); nothing was restored.`);
    }
  };
  const headerLine = await nextLine();
  const tables = await checkHeader(db, file, headerLine);
  const verifier = new BackupVerifier(tables, headerLine ?? '');
  let rows = 0;
  await db.transaction(async (tx) => {
    let current: string | null = null;
    let batch: string[] = [];
    const flush = async () => {
      if (current !== null && batch.length > 0 && current !== 'schema_migration') {
        await tx.query(`INSERT INTO "${current}" OVERRIDING SYSTEM VALUE SELECT * FROM json_populate_recordset(NULL::"${current}", $1::json)`, [`[${batch.join(',')}]`]);
        rows += batch.length;
      }
      batch = [];
    };
    for (let line = await nextLine(); line !== undefined; line = await nextLine()) {
      if (line === '') continue;
      const table = verifier.accept(line);
      if (table !== current || batch.length >= 1000) await flush();
      current = table ?? current;
      if (table !== null) batch.push(line);
    }
    await flush();
    verifier.finish();
    await continueIdentities(tx);
  });
  return { tables: tables.filter((t) => t !== 'schema_migration').length, rows };
}

/** Identity columns continue after the restored ids. */
async function continueIdentities(tx: Queryable): Promise<void> {
  const identities = await tx.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'`,
  );
  for (const col of identities.rows) {
    await tx.query(
      `SELECT setval(pg_get_serial_sequence('"${col.table_name}"', '${col.column_name}'), COALESCE((SELECT max("${col.column_name}") FROM "${col.table_name}"), 0) + 1, false)`,
    );
  }
}

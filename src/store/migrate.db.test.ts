import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyTestDb, testBackend, type TestDb } from '../../test/support/test-db.ts';
import { openPostgresDb } from './postgres-db.ts';
import { loadMigrations, migrate, splitStatements } from './migrate.ts';

describe(`migrations on ${testBackend}`, () => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await createEmptyTestDb();
  });
  afterAll(async () => {
    await testDb.drop();
  });

  it('applies every migration once and records it', async () => {
    const all = loadMigrations().map((m) => m.version);
    expect(await migrate(testDb.db)).toEqual(all);
    expect(await migrate(testDb.db)).toEqual([]);
    const rows = await testDb.db.query<{ version: number }>('SELECT version FROM schema_migration ORDER BY version');
    expect(rows.rows.map((r) => r.version)).toEqual(all);
  });

  it('is safe when two processes migrate at once', async () => {
    if (testDb.url === undefined) return; // PGlite is single-process by construction
    const other = await createEmptyTestDb();
    const a = openPostgresDb(other.url ?? '');
    const b = openPostgresDb(other.url ?? '');
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      expect([...ra, ...rb].sort((x, y) => x - y)).toEqual(loadMigrations().map((m) => m.version));
    } finally {
      await a.close();
      await b.close();
      await other.drop();
    }
  });

  it('keeps the audit log append-only', async () => {
    await testDb.db.query(
      `INSERT INTO audit_entry (seq, at, actor_kind, actor_name, action, prev_hash, hash) VALUES (1, now(), 'system', 'test', 'test.done', '', 'h1')`,
    );
    await expect(testDb.db.query('UPDATE audit_entry SET actor_name = $1', ['x'])).rejects.toThrow(/append-only/);
    await expect(testDb.db.query('DELETE FROM audit_entry')).rejects.toThrow(/append-only/);
  });
});

describe('splitStatements', () => {
  it('splits on semicolons outside quotes, comments and dollar bodies', () => {
    const sql = `CREATE TABLE a (x text DEFAULT 'a;b'); -- c;d\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\nSELECT 'it''s';`;
    expect(splitStatements(sql)).toEqual([
      "CREATE TABLE a (x text DEFAULT 'a;b')",
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$',
      "SELECT 'it''s'",
    ]);
  });
});

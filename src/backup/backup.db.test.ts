import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../audit/index.ts';
import type { Backend, Db } from '../store/index.ts';
import { createTestApp, type TestApp } from '../../test/support/test-app.ts';
import { createTestDb, testBackend, type TestDb } from '../../test/support/test-db.ts';
import { backupTables, restoreBackup, writeBackup } from './index.ts';

// Round trip into the other backend when a PostgreSQL server is available (CI always has one).
const otherBackend: Backend = testBackend === 'pglite' && process.env.DATABASE_URL ? 'postgres' : 'pglite';

async function dumpAll(db: Db): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of await backupTables(db)) {
    if (table.name === 'schema_migration') continue;
    const r = await db.query<{ j: string }>(`SELECT row_to_json(t)::text AS j FROM "${table.name}" t ORDER BY ${table.orderBy}`);
    out[table.name] = r.rows.map((row) => row.j);
  }
  return out;
}

describe(`backup on ${testBackend}, restore on ${otherBackend}`, () => {
  let source: TestApp;
  let target: TestDb;
  const file = join(mkdtempSync(join(tmpdir(), 'yj-backup-')), 'backup.ndjson.gz');

  beforeAll(async () => {
    source = await createTestApp();
    const admin = await source.signIn('admin');
    await admin.request({ method: 'POST', url: '/api/tokens', payload: { name: 'HIS', role: 'source', orgUnit: 'DEPT-A' } });
    // A move gives a child a smaller id than its new parent: restore must still order them.
    await admin.request({ method: 'POST', url: '/api/orgs', payload: { code: 'H2', name: '第二医院 "quoted" \\ name', kind: 'hospital', parentCode: 'GROUP' } });
    await admin.request({ method: 'POST', url: '/api/orgs/DEPT-B/move', payload: { parentCode: 'H2' } });
    target = await createTestDb(otherBackend);
  });
  afterAll(async () => {
    await source.close();
    await target.drop();
  });

  it('restores every table row for row, and the audit chain still verifies', async () => {
    const written = await writeBackup(source.t.db, file, source.clock.now());
    expect(written.rows).toBeGreaterThan(20);
    const restored = await restoreBackup(target.db, file);
    expect(restored.rows).toBe(written.rows - (await source.t.db.query('SELECT 1 FROM schema_migration')).rowCount);
    const [before, after] = [await dumpAll(source.t.db), await dumpAll(target.db)];
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const table of Object.keys(before)) expect(after[table], table).toEqual(before[table]);
    expect(await verifyAuditLog(target.db)).toMatchObject({ ok: true });
  });

  it('continues identity sequences after the restored ids', async () => {
    const max = await target.db.query<{ m: number }>('SELECT max(id) AS m FROM org_unit');
    const inserted = await target.db.query<{ id: number }>(`INSERT INTO org_unit (code, name, kind, parent_id, path) VALUES ('NEW1', 'n', 'hospital', 1, '/') RETURNING id`);
    expect(inserted.rows[0]!.id).toBeGreaterThan(max.rows[0]!.m);
  });

  it('refuses to restore over existing data, changing nothing', async () => {
    await expect(restoreBackup(target.db, file)).rejects.toMatchObject({ code: 'BACKUP_TARGET_NOT_EMPTY' });
  });
});

import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
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
  let empty: TestDb;
  const file = join(mkdtempSync(join(tmpdir(), 'yj-backup-')), 'backup.ndjson.gz');

  beforeAll(async () => {
    source = await createTestApp();
    const admin = await source.signIn('admin');
    await admin.request({ method: 'POST', url: '/api/tokens', payload: { name: 'HIS', role: 'source', orgUnit: 'DEPT-A' } });
    // A move gives a child a smaller id than its new parent: restore must still order them.
    await admin.request({ method: 'POST', url: '/api/orgs', payload: { code: 'H2', name: '第二医院 "quoted" \\ name', kind: 'hospital', parentCode: 'GROUP' } });
    await admin.request({ method: 'POST', url: '/api/orgs/DEPT-B/move', payload: { parentCode: 'H2' } });
    target = await createTestDb(otherBackend);
    empty = await createTestDb(otherBackend);
  });
  afterAll(async () => {
    await source.close();
    await target.drop();
    await empty.drop();
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

  it('writes the backup readable by its owner only, even over an existing world-readable file', async () => {
    const again = join(mkdtempSync(join(tmpdir(), 'yj-backup-')), 'again.ndjson.gz');
    writeFileSync(again, 'old');
    chmodSync(again, 0o644);
    await writeBackup(source.t.db, again, source.clock.now());
    expect(statSync(again).mode & 0o777).toBe(0o600);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  describe('refuses a damaged backup, restoring nothing', () => {
    const lines = () => gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((l) => l !== '');
    const variant = (name: string, content: string | Buffer) => {
      const path = join(mkdtempSync(join(tmpdir(), 'yj-backup-')), `${name}.ndjson.gz`);
      writeFileSync(path, typeof content === 'string' ? gzipSync(content) : content);
      return path;
    };
    const rowCount = async () => {
      let n = 0;
      for (const table of await backupTables(empty.db)) {
        if (table.name !== 'schema_migration') n += (await empty.db.query(`SELECT 1 FROM "${table.name}"`)).rowCount;
      }
      return n;
    };

    it.each([
      ['cut after the eleventh table', (all: string[]) => {
        const tableLines = all.map((l, i) => (l.startsWith('{"table":') ? i : -1)).filter((i) => i >= 0);
        return `${all.slice(0, tableLines[11]).join('\n')}\n`;
      }, 'BACKUP_TRUNCATED'],
      ['only its header line', (all: string[]) => `${all[0]}\n`, 'BACKUP_TRUNCATED'],
      ['a row removed, its end line adjusted', (all: string[]) => {
        const at = all.findIndex((l) => l.startsWith('{"table":"org_unit"'));
        const end = JSON.parse(all.at(-1)!) as { rows: number };
        return `${[...all.slice(0, at + 1), ...all.slice(at + 2, -1), JSON.stringify({ ...end, rows: end.rows - 1 })].join('\n')}\n`;
      }, 'BACKUP_ROW_COUNT_MISMATCH'],
      ['a row altered', (all: string[]) => `${all.map((l) => l.replace('第二医院', '第三医院')).join('\n')}\n`, 'BACKUP_CHECKSUM_MISMATCH'],
      ['a table left out of its header', (all: string[]) => `${[JSON.stringify({ ...(JSON.parse(all[0]!) as object), tables: [] }), ...all.slice(1)].join('\n')}\n`, 'BACKUP_TABLES_MISMATCH'],
    ])('%s', async (name, damage, code) => {
      const all = lines();
      expect(all.at(-1)).toMatch(/^\{"end":true/);
      await expect(restoreBackup(empty.db, variant(name.replace(/\W+/g, '-'), damage(all)))).rejects.toMatchObject({ code });
      expect(await rowCount()).toBe(0);
    });

    it('a gzip stream cut in the middle', async () => {
      const bytes = readFileSync(file);
      await expect(restoreBackup(empty.db, variant('cut', bytes.subarray(0, Math.floor(bytes.length / 2))))).rejects.toMatchObject({ code: 'BACKUP_TRUNCATED' });
      expect(await rowCount()).toBe(0);
    });
  });
});

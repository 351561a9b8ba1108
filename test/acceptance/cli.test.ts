import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/audit/index.ts';
import { migrate, openPgliteDb, type Db } from '../../src/store/index.ts';
import { createTestDb, testBackend, type TestDb } from '../support/test-db.ts';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '../../bin/yunjian.mjs');

/** The yunjian command against a real database of the backend under test. */
describe(`yunjian CLI on ${testBackend}`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'yj-cli-'));
  let t: TestDb | undefined;
  let env: NodeJS.ProcessEnv;

  async function withDb<T>(work: (db: Db) => Promise<T>): Promise<T> {
    if (t) return work(t.db);
    const db = await openPgliteDb(join(dataDir, 'pg'));
    try {
      return await work(db);
    } finally {
      await db.close();
    }
  }

  beforeAll(async () => {
    const base = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent' };
    if (testBackend === 'postgres') {
      t = await createTestDb();
      env = { ...base, DATABASE_URL: t.url };
    } else {
      env = { ...base, YUNJIAN_DATA: dataDir };
      await withDb((db) => migrate(db));
    }
    await withDb(async (db) => {
      for (let i = 0; i < 5; i += 1) {
        await db.transaction((tx) => appendAudit(tx, { kind: 'system', id: null, name: 'cli-test' }, { action: 'org.created', targetId: `X${i}` }, new Date()));
      }
    });
  });
  afterAll(async () => t?.drop());

  it('migrates and reports the schema version', async () => {
    const { stdout } = await run('node', [bin, 'migrate'], { env });
    expect(stdout).toMatch(/schema is at version \d+/);
  });

  it('verifies an intact audit log, then reports the first broken link after a direct edit', async () => {
    const ok = await run('node', [bin, 'audit', 'verify'], { env });
    expect(ok.stdout).toContain('audit log intact: 5 entries verified');
    await withDb(async (db) => {
      await db.exec('ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_update');
      await db.query(`UPDATE audit_entry SET target_id = 'forged' WHERE seq = 3`);
      await db.exec('ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_no_update');
    });
    const broken = await run('node', [bin, 'audit', 'verify'], { env }).catch((error: unknown) => error as { code: number; stdout: string });
    expect('code' in broken ? broken.code : 0).toBe(1);
    expect(broken.stdout).toContain('audit log BROKEN at entry 3');
  });

  it('writes a backup file and refuses to restore it over existing data', async () => {
    const file = join(dataDir, 'b.ndjson.gz');
    const written = await run('node', [bin, 'backup', file], { env });
    expect(written.stdout).toMatch(/backup written to .*: \d+ tables, \d+ rows/);
    const refused = await run('node', [bin, 'restore', file], { env }).catch((error: unknown) => error as { code: number; stderr: string });
    expect('code' in refused ? refused.code : 0).toBe(1);
    expect(refused.stderr).toContain('already holds data');
  });

  it('refuses a truncated backup with a clear message and exit code 1, restoring nothing', async () => {
    const file = join(dataDir, 'b.ndjson.gz');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
    const truncated = join(dataDir, 'truncated.ndjson.gz');
    writeFileSync(truncated, gzipSync(lines.slice(0, 4).join('\n')));
    // restore migrates an empty database itself, then must refuse the file and leave it empty.
    const fresh = testBackend === 'postgres' ? await createTestDb() : undefined;
    const emptyDir = mkdtempSync(join(tmpdir(), 'yj-cli-empty-'));
    const emptyEnv = fresh ? { ...env, DATABASE_URL: fresh.url } : { ...env, YUNJIAN_DATA: emptyDir };
    try {
      const refused = await run('node', [bin, 'restore', truncated], { env: emptyEnv }).catch((error: unknown) => error as { code: number; stderr: string });
      expect('code' in refused ? refused.code : 0).toBe(1);
      expect(refused.stderr).toMatch(/ends early.*nothing was restored/);
      const db = fresh ? fresh.db : await openPgliteDb(join(emptyDir, 'pg'));
      try {
        expect((await db.query('SELECT 1 FROM audit_entry')).rowCount).toBe(0);
      } finally {
        if (!fresh) await db.close();
      }
    } finally {
      await fresh?.drop();
    }
  });
});

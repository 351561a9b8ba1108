import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testBackend, type TestDb } from '../../test/support/test-db.ts';
import { appendAudit, queryAudit, verifyAuditLog, type AuditActor } from './index.ts';

const actor: AuditActor = { kind: 'user', id: '7', name: 'analyst.li', ip: '10.0.0.8', userAgent: 'vitest', requestId: 'req-1' };

describe(`audit log on ${testBackend}`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    for (let i = 1; i <= 12; i += 1) {
      await t.db.transaction((tx) =>
        appendAudit(tx, actor, { action: 'org.renamed', targetKind: 'org', targetId: `D${i % 3}`, summary: { before: { name: 'a' }, after: { name: `b${i}` } } }, new Date(Date.UTC(2026, 10, 1, 8, i))),
      );
    }
  });
  afterAll(async () => t.drop());

  it('chains appends and verifies them', async () => {
    expect(await verifyAuditLog(t.db)).toEqual({ ok: true, entries: 12 });
  });

  it('queries by target and time, newest first', async () => {
    const rows = await queryAudit(t.db, { targetKind: 'org', targetId: 'D1', from: new Date(Date.UTC(2026, 10, 1, 8, 3)), limit: 10 });
    expect(rows.map((r) => r.seq)).toEqual([10, 7, 4]);
    expect(rows[0]).toMatchObject({ actorName: 'analyst.li', ip: '10.0.0.8', summary: { after: { name: 'b10' } } });
  });

  it('serialises concurrent appends into one unbroken chain', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => t.db.transaction((tx) => appendAudit(tx, actor, { action: 'org.created', targetId: `C${i}` }, new Date()))),
    );
    expect(await verifyAuditLog(t.db)).toEqual({ ok: true, entries: 20 });
  });

  it('catches a row edited directly in the database', async () => {
    await t.db.exec('ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_update');
    await t.db.query(`UPDATE audit_entry SET summary = '{"after":{"name":"forged"}}' WHERE seq = 5`);
    await t.db.exec('ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_no_update');
    expect(await verifyAuditLog(t.db)).toMatchObject({ ok: false, brokenAt: 5, reason: expect.stringMatching(/changed/) });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, testBackend, type TestDb } from '../../test/support/test-db.ts';
import { verifyAuditLog, type ActionContext } from '../audit/index.ts';
import { createOrgsService, type OrgsService } from './index.ts';

const ctx: ActionContext = { actor: { kind: 'system', id: null, name: 'test' }, now: new Date('2026-11-23T08:00:00Z') };

describe(`org tree on ${testBackend}`, () => {
  let t: TestDb;
  let orgs: OrgsService;
  beforeAll(async () => {
    t = await createTestDb();
    orgs = createOrgsService({ db: t.db });
    await orgs.create(ctx, { code: 'G', name: '集团', kind: 'group' });
    await orgs.create(ctx, { code: 'H1', name: '第一医院', kind: 'hospital', parentCode: 'G' });
    await orgs.create(ctx, { code: 'H2', name: '第二医院', kind: 'hospital', parentCode: 'G' });
    await orgs.create(ctx, { code: 'H1-ON', name: '线上', kind: 'channel', channel: 'online', parentCode: 'H1' });
    await orgs.create(ctx, { code: 'H1-ON-CARD', name: '心内科', nameEn: 'Cardiology', kind: 'department', parentCode: 'H1-ON' });
    await orgs.create(ctx, { code: 'H1-ON-CARD-T1', name: '一组', kind: 'team', parentCode: 'H1-ON-CARD' });
  });
  afterAll(async () => t.drop());

  it('lists a subtree in tree order and gives a node’s path', async () => {
    const h1 = await orgs.require('H1');
    expect((await orgs.listSubtree(h1)).map((o) => o.code)).toEqual(['H1', 'H1-ON', 'H1-ON-CARD', 'H1-ON-CARD-T1']);
    const team = await orgs.require('H1-ON-CARD-T1');
    expect((await orgs.pathOf(team)).map((o) => o.code)).toEqual(['G', 'H1', 'H1-ON', 'H1-ON-CARD', 'H1-ON-CARD-T1']);
    expect(team.channel).toBe('online');
  });

  it('refuses duplicate codes, wrong levels and missing parents with the field', async () => {
    await expect(orgs.create(ctx, { code: 'H1', name: 'x', kind: 'hospital', parentCode: 'G' })).rejects.toMatchObject({ code: 'ORG_CODE_TAKEN', details: { field: '/code' } });
    await expect(orgs.create(ctx, { code: 'X1', name: 'x', kind: 'hospital', parentCode: 'H1-ON-CARD' })).rejects.toMatchObject({ code: 'ORG_INVALID_PARENT' });
    await expect(orgs.create(ctx, { code: 'X2', name: 'x', kind: 'department', parentCode: 'NOPE' })).rejects.toMatchObject({ code: 'ORG_NOT_FOUND' });
    await expect(orgs.create(ctx, { code: 'X3', name: 'x', kind: 'channel', parentCode: 'H1' })).rejects.toMatchObject({ code: 'ORG_CHANNEL_REQUIRED' });
  });

  it('moves a subtree and rewrites descendant paths', async () => {
    await orgs.move(ctx, 'H1-ON-CARD', 'H2');
    const team = await orgs.require('H1-ON-CARD-T1');
    expect((await orgs.pathOf(team)).map((o) => o.code)).toEqual(['G', 'H2', 'H1-ON-CARD', 'H1-ON-CARD-T1']);
    await orgs.move(ctx, 'H1-ON-CARD', 'H1-ON');
  });

  it('refuses a move that would make a cycle', async () => {
    await expect(orgs.move(ctx, 'H1', 'H1-ON-CARD')).rejects.toMatchObject({ code: 'ORG_MOVE_CYCLE' });
  });

  it('renames and deactivates without changing the code, and audits each change', async () => {
    await orgs.rename(ctx, 'H1-ON-CARD', { name: '心血管内科' });
    await orgs.setActive(ctx, 'H1-ON-CARD-T1', false);
    const h1 = await orgs.require('H1');
    expect((await orgs.listSubtree(h1)).map((o) => o.code)).toEqual(['H1', 'H1-ON', 'H1-ON-CARD']);
    expect((await orgs.listSubtree(h1, true)).map((o) => o.code)).toContain('H1-ON-CARD-T1');
    expect((await orgs.require('H1-ON-CARD')).name).toBe('心血管内科');
    const audit = await t.db.query<{ action: string }>('SELECT action FROM audit_entry ORDER BY seq');
    expect(audit.rows.map((r) => r.action)).toEqual([
      ...Array<string>(6).fill('org.created'), 'org.moved', 'org.moved', 'org.renamed', 'org.deactivated',
    ]);
    expect(await verifyAuditLog(t.db)).toEqual({ ok: true, entries: 10 });
  });
});

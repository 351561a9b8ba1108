import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../test/support/test-db.ts';
import { createOrgsService } from '../orgs/index.ts';
import { ruleJson, systemCtx } from './engine-support.test-data.ts';
import { rulesGeneration } from './rules-repo.ts';
import { createRulesService } from './rules-service.ts';

let t: TestDb;
let rules: ReturnType<typeof createRulesService>;
const now = new Date('2026-11-23T00:00:00Z');

beforeAll(async () => {
  t = await createTestDb();
  const orgs = createOrgsService({ db: t.db });
  await orgs.create(systemCtx(now), { code: 'GROUP', name: '集团', kind: 'group' });
  rules = createRulesService({ db: t.db });
});

afterAll(async () => {
  await t.drop();
});

describe('rules service', () => {
  it('keeps every saved version and refuses a scope that does not exist', async () => {
    const json = ruleJson({ code: 'beds_high', kind: 'threshold', indicator: 'bed_occupancy', grain: 'day', op: '>', bound: 0.95, scope: { orgUnit: 'GROUP', includeDescendants: true } });
    await rules.create(systemCtx(now), json);
    const v2 = await rules.update(systemCtx(now), 'beds_high', { ...json, bound: 0.97 });
    expect(v2.version).toBe(2);
    expect((await rules.versions('beds_high')).map((v) => [v.version, (v.definition as { bound: number }).bound])).toEqual([[1, 0.95], [2, 0.97]]);
    await expect(rules.create(systemCtx(now), { ...json, code: 'nowhere', scope: { orgUnit: 'NOPE', includeDescendants: true } })).rejects.toMatchObject({ code: 'RULE_INVALID' });
    await expect(rules.update(systemCtx(now), 'missing_rule', json)).rejects.toMatchObject({ code: 'RULE_NOT_FOUND' });
  });

  it('installs the compliance and default packs at the root, every rule enabled, and a second install changes nothing', async () => {
    const first = await rules.installRulePacks(systemCtx(now), 'GROUP');
    expect(first.installed).toContain('cp_online_rx_unreviewed_30m');
    expect(first.installed).toContain('wait_time_high');
    expect(new Set(first.installed).size).toBe(first.installed.length);
    const second = await rules.installRulePacks(systemCtx(now), 'GROUP');
    expect(second.installed).toEqual([]);
    expect(second.kept.length).toBe(first.installed.length);
    const stored = await rules.list(null);
    const installed = stored.filter((r) => first.installed.includes(r.code));
    expect(installed.every((r) => r.version === 1)).toBe(true);
    expect(installed.filter((r) => !r.enabled).map((r) => r.code)).toEqual([]);
  });

  it('changes the rule generation when a rule is enabled or disabled in the same instant it was last changed', async () => {
    const json = ruleJson({ code: 'beds_low', kind: 'threshold', indicator: 'bed_occupancy', grain: 'day', op: '<', bound: 0.2, scope: { orgUnit: 'GROUP', includeDescendants: true } });
    await rules.create(systemCtx(now), { ...json, enabled: false });
    const disabled = await rulesGeneration(t.db);
    await rules.setEnabled(systemCtx(now), 'beds_low', true);
    const enabled = await rulesGeneration(t.db);
    expect(enabled).not.toBe(disabled);
    await rules.setEnabled(systemCtx(now), 'beds_low', false);
    expect(await rulesGeneration(t.db)).toBe(disabled);
  });
});

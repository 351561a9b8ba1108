import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';
import { testBackend } from '../../test/support/test-db.ts';

describe(`commitment routes on ${testBackend}`, () => {
  let ta: TestApp;
  let admin: Client;
  let liaisonA: Client;
  const node = (code: string, parent: string | null, owner: string) => ({
    code, parent, nameZh: `承诺${code}`, nameEn: `Commitment ${code}`, owner, indicator: 'ct_on_time', direction: 'higher_better', aggregate: 'mean', target: 95,
    promise: 'delivery.deliveredAt ≤ promisedBy',
  });

  beforeAll(async () => {
    ta = await createTestApp({ fullRuntime: true });
    admin = await ta.signIn('admin');
    liaisonA = await ta.signIn('liaison.a');
    const created = await admin.request({ method: 'POST', url: '/api/indicators', payload: { code: 'ct_on_time', version: 1, nameZh: '准时率', nameEn: 'On time', unit: '%', direction: 'higher_better', category: 'service', description: 'x', formula: 'manual', measure: { kind: 'manual', rollup: 'avg' } } });
    expect(created.statusCode).toBe(201);
  }, 180_000);
  afterAll(async () => ta.close());

  it('builds a tree, refuses bad input with the field, and cuts the tree to the caller’s scope', async () => {
    expect((await admin.request({ method: 'POST', url: '/api/commitments', payload: node('online_delivery', null, 'H1') })).json()).toEqual({ code: 'online_delivery', level: 1 });
    expect((await admin.request({ method: 'POST', url: '/api/commitments', payload: node('entry_a', 'online_delivery', 'DEPT-A') })).json()).toEqual({ code: 'entry_a', level: 2 });
    expect((await admin.request({ method: 'POST', url: '/api/commitments', payload: node('dispatch_b', 'online_delivery', 'DEPT-B') })).statusCode).toBe(201);
    const bad = await admin.request({ method: 'POST', url: '/api/commitments', payload: node('x', 'no_parent', 'DEPT-A') });
    expect(bad.statusCode).toBe(404);
    expect(bad.json()).toMatchObject({ error: { code: 'COMMITMENT_PARENT_NOT_FOUND', details: { field: '/body/parent' } } });
    const shape = await admin.request({ method: 'POST', url: '/api/commitments', payload: { ...node('y', null, 'H1'), aggregate: 'median' } });
    expect(shape.statusCode).toBe(400);

    const all = await admin.request({ method: 'GET', url: '/api/commitments?period=2026-11' });
    expect(all.json<{ items: { code: string; level: number; parent: string | null }[] }>().items.map((n) => [n.code, n.level, n.parent]))
      .toEqual([['online_delivery', 1, null], ['dispatch_b', 2, 'online_delivery'], ['entry_a', 2, 'online_delivery']]);
    const own = await liaisonA.request({ method: 'GET', url: '/api/commitments' });
    expect(own.json<{ items: { code: string }[] }>().items.map((n) => n.code)).toEqual(['entry_a']);
    // Editing needs commitment.manage, which a liaison holds nowhere: 403 before the node is looked up.
    expect((await liaisonA.request({ method: 'PUT', url: '/api/commitments/dispatch_b', payload: node('dispatch_b', 'online_delivery', 'DEPT-B') })).statusCode).toBe(403);
    expect((await liaisonA.request({ method: 'POST', url: '/api/commitments', payload: node('z', null, 'DEPT-A') })).statusCode).toBe(403);
    const csv = await admin.request({ method: 'GET', url: '/api/commitments/export?period=2026-11&format=csv&lang=en' });
    expect(csv.body).toContain('online_delivery');
  });
});

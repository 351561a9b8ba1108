import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../test/support/test-app.ts';
import { testBackend } from '../../test/support/test-db.ts';
import type { Overview } from '../live/index.ts';
import { createLiveTestApp, sseReader, type LiveTestApp } from '../live/test-support.ts';

/**
 * The live feed over a real socket: a stream per viewer, changes written by another runtime on
 * the same database (as another process would) arriving within the poll interval, scope
 * enforced before and during the stream, clean ends on disconnect and on server close.
 */
let lt: LiveTestApp;
let base = '';
let analyst: Client;
let liaisonA: Client;

interface Open {
  readonly response: IncomingMessage;
  readonly reader: ReturnType<typeof sseReader>;
  close(): void;
}

function connect(client: Client, query: string): Promise<Open> {
  return new Promise((resolve, reject) => {
    // No keep-alive agent: the socket ends with the stream, so the server's connection count is exact.
    const req = httpRequest(`${base}/api/live?${query}`, { agent: false, headers: { cookie: `yj_session=${client.cookie}`, accept: 'text/event-stream' } }, (response) => {
      resolve({ response, reader: sseReader(response), close: () => { req.destroy(); } });
    });
    req.on('error', reject);
    req.end();
  });
}

async function connections(): Promise<number> {
  return new Promise((resolve, reject) => { lt.ta.app.server.getConnections((error, n) => { if (error) reject(error); else resolve(n); }); });
}

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  lt = await createLiveTestApp();
  analyst = await lt.ta.signIn('analyst');
  liaisonA = await lt.ta.signIn('liaison.a');
  await lt.ta.app.listen({ host: '127.0.0.1', port: 0 });
  const address = lt.ta.app.server.address();
  base = `http://127.0.0.1:${String(typeof address === 'object' && address !== null ? address.port : 0)}`;
});

afterAll(async () => {
  await lt.ta.t.drop();
});

describe(`live feed on ${testBackend}`, () => {
  let group: Open;
  let deptA: Open;

  it('opens with a snapshot of the viewer’s scope', async () => {
    group = await connect(analyst, 'org=GROUP');
    deptA = await connect(liaisonA, 'org=DEPT-A');
    expect(group.response.statusCode).toBe(200);
    expect(group.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(group.response.headers['cache-control']).toBe('no-cache, no-transform');
    const first = await deptA.reader.waitFor('snapshot') as Overview;
    expect(first.org.code).toBe('DEPT-A');
    expect(first.alerts?.open).toBe(0);
    expect(first.sources).toBeNull();
    // The hourly source was registered moments ago: it owes nothing yet, so it is neither silent nor short.
    const groupSnapshot = await group.reader.waitFor('snapshot') as Overview;
    expect(groupSnapshot.sources).toMatchObject({ total: 1, inTrouble: [] });
  });

  it('pushes alert transitions and work-order changes written by another process, each viewer only its scope', async () => {
    const started = Date.now();
    await lt.ingestVisits(['DEPT-A', 'DEPT-B']);
    const alert = await deptA.reader.waitFor('alert') as { orgUnit: string; to: string; severity: number; messageZh: string };
    expect(alert).toMatchObject({ orgUnit: 'DEPT-A', to: 'firing', severity: 2 });
    expect(Date.now() - started).toBeLessThan(10_000);
    await group.reader.waitFor('alert', (d) => (d as { orgUnit: string }).orgUnit === 'DEPT-B');
    await group.reader.waitFor('workorder', (d) => (d as { action: string }).action === 'workorder.created');
    const fresh = await deptA.reader.waitFor('snapshot', (d) => (d as Overview).alerts?.open === 1) as Overview;
    expect(fresh.indicators?.find((i) => i.code === 'outpatient_visits')?.current?.value).toBe(1);
    const groupFresh = await group.reader.waitFor('snapshot', (d) => (d as Overview).alerts?.open === 4) as Overview;
    expect(groupFresh.indicators?.find((i) => i.code === 'outpatient_visits')?.current?.value).toBe(2);
    const units = deptA.reader.seen.filter((m) => m.event === 'alert' || m.event === 'workorder').map((m) => (m.data as { orgUnit: string }).orgUnit);
    expect(new Set(units)).toEqual(new Set(['DEPT-A']));
    expect(JSON.stringify(deptA.reader.seen)).not.toContain('DEPT-B');
  });

  it('refuses a unit outside the scope, an anonymous caller and a bad grain before any stream opens', async () => {
    const other = await liaisonA.request({ method: 'GET', url: '/api/live?org=DEPT-B' });
    expect(other.statusCode).toBe(404);
    expect(other.headers['content-type']).toContain('application/json');
    expect((await liaisonA.request({ method: 'GET', url: '/api/live?org=H1' })).statusCode).toBe(404);
    expect((await lt.ta.app.inject({ method: 'GET', url: '/api/live?org=GROUP' })).statusCode).toBe(401);
    const bad = await analyst.request({ method: 'GET', url: '/api/live?org=GROUP&grain=year' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { details: { field: string } } }>().error.details.field).toBe('/querystring/grain');
  });

  it('lets go of a stream when its client disconnects', async () => {
    expect(await connections()).toBe(2);
    deptA.close();
    await until(async () => (await connections()) === 1);
    // The remaining viewer keeps receiving.
    await lt.ingestVisits(['DEPT-B']);
    await group.reader.waitFor('snapshot', (d) => (d as Overview).indicators?.find((i) => i.code === 'outpatient_visits')?.current?.value === 3);
  });

  it('ends open streams and closes promptly when the server shuts down', async () => {
    const closing = lt.ta.app.close().then(() => 'closed' as const);
    const outcome = await Promise.race([closing, new Promise<'hung'>((r) => setTimeout(() => { r('hung'); }, 5000))]);
    expect(outcome).toBe('closed');
    for (;;) if ((await group.reader.next()) === null) break;
    expect(group.response.complete).toBe(true);
  });
});

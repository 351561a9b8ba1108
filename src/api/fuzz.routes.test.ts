import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/support/test-app.ts';
import { probeBody } from '../../test/support/probe-body.ts';
import { testBackend } from '../../test/support/test-db.ts';

interface Operation {
  readonly parameters?: readonly { readonly name: string; readonly in: string }[];
  readonly requestBody?: { readonly content?: Record<string, { readonly schema?: unknown }> };
  readonly responses?: Record<string, { readonly content?: Record<string, unknown> }>;
}

const nul = 'a\u0000b';
const huge = ['1e999', '99999999999999999999', '-99999999999999999999', 'NaN'];
const long = 'x'.repeat(20_000);
// Deep nesting as JSON text: building it as a value would overflow the stack of JSON.stringify.
const deep = (levels: number) => `${'{"a":['.repeat(levels)}1${']}'.repeat(levels)}`;

/** Every string, number and boolean of a value replaced by `leaf(original)`. */
function mapLeaves(value: unknown, leaf: (v: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => mapLeaves(v, leaf));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapLeaves(v, leaf)]));
  return leaf(value);
}

/**
 * Sends hostile values to every operation of the OpenAPI document as a group-wide administrator
 * (path parameters filled): NUL characters, numbers out of any range, wrong types, overlong
 * strings and deep nesting, in path, query and body. Any 5xx fails.
 */
describe(`hostile input on every route answers 4xx, never 5xx, on ${testBackend}`, () => {
  let ta: TestApp;
  let admin: Client;
  let token = '';
  const failures: string[] = [];

  beforeAll(async () => {
    ta = await createTestApp({ fullRuntime: true });
    admin = await ta.signIn('admin');
    const source = await admin.request({ method: 'POST', url: '/api/sources', payload: { name: 'fuzz feed', orgUnit: 'DEPT-A', allowedTypes: ['visit', 'charge', 'prescription', 'admission', 'discharge', 'appointment'] } });
    token = source.json<{ token: { secret: string } }>().token.secret;
  });
  afterAll(async () => ta.close());

  async function send(method: string, url: string, payload: unknown, contentType = 'application/json', bearer?: string): Promise<void> {
    const body = payload === undefined ? {} : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) };
    const headers = { ...(payload === undefined ? {} : { 'content-type': contentType }), ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }) };
    const res = bearer === undefined
      ? await admin.request({ method: method.toUpperCase() as 'GET', url, ...body, headers })
      : await ta.app.inject({ method: method.toUpperCase() as 'POST', url, ...body, headers });
    if (res.statusCode >= 500) failures.push(`${method.toUpperCase()} ${url.slice(0, 120)} ${JSON.stringify(payload)?.slice(0, 80) ?? ''} → ${res.statusCode} ${res.body.slice(0, 160)}`);
  }

  it('finds no 5xx', async () => {
    const spec = (await admin.request({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, Record<string, Operation>> }>();
    let operations = 0;
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        // The sign-out route would end the administrator's session; the live stream never ends.
        if (path === '/api/auth/logout' || Object.values(op.responses ?? {}).some((r) => 'text/event-stream' in (r.content ?? {}))) continue;
        operations += 1;
        const params = op.parameters ?? [];
        const fill = (value: (name: string) => string) => path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(value(name)));
        const valid = fill((name) => (name === 'code' ? 'GROUP' : '1'));
        const queryNames = params.filter((p) => p.in === 'query').map((p) => p.name);
        // Path: each hostile value in every parameter.
        if (valid !== path) for (const bad of [nul, ...huge, long]) await send(method, fill(() => bad), undefined);
        // Query: each hostile value in each parameter, the others absent.
        for (const name of queryNames) {
          for (const bad of [nul, ...huge, long, 'true']) await send(method, `${valid}?${new URLSearchParams({ [name]: bad }).toString()}`, undefined);
        }
        const json = op.requestBody?.content?.['application/json']?.schema;
        if (json !== undefined) {
          const body = probeBody(json, 'GROUP');
          for (const payload of [
            mapLeaves(body, (v) => (typeof v === 'string' ? nul : v)),
            mapLeaves(body, (v) => (typeof v === 'number' ? 1e300 : v)),
            mapLeaves(body, (v) => (typeof v === 'number' ? 'abc' : typeof v === 'string' ? 12345 : { x: 1 })),
            mapLeaves(body, (v) => (typeof v === 'string' ? long : v)),
            deep(5_000), { [nul]: 1 }, [], 'not json',
          ]) await send(method, valid, payload);
          // 1e999 is only expressible in raw JSON text.
          await send(method, valid, JSON.stringify(mapLeaves(body, (v) => (typeof v === 'number' ? 12345.6789 : v))).replace(/12345\.6789/g, '1e999'));
        }
      }
    }
    // Ingest bodies are parsed by the ingest adapters, not by route schemas: sent by a source.
    for (const [url, type, payload] of [
      ['/api/ingest/events', 'application/json', { source: 'x', events: [{ type: 'visit', id: nul }] }],
      ['/api/ingest/events', 'application/x-ndjson', `{"type":"visit","id":"\\u0000"}\n`],
      ['/api/ingest/fhir', 'application/fhir+json', { resourceType: 'Bundle', type: 'batch', entry: [{}] }],
      ['/api/ingest/fhir', 'application/fhir+json', { resourceType: 'Bundle', type: 'batch', entry: [{ resource: { resourceType: 'Encounter', id: nul } }] }],
      ['/api/ingest/fhir', 'application/fhir+json', { resourceType: 'Bundle', type: 'batch', entry: [null, 1, 'x', { resource: null }, { resource: [] }] }],
      ['/api/ingest/fhir', 'application/fhir+ndjson', `${JSON.stringify({ resourceType: 'Encounter', id: nul })}\n{}\n[]\n`],
    ] as const) await send('post', url, payload, type, token);
    expect(operations).toBeGreaterThan(50);
    expect(failures).toEqual([]);
  });
});

/**
 * Garbage in, never a 500 out: generated bodies (malformed JSON and NDJSON, wrong content types,
 * bodies over the limit, deep nesting, unknown types, invalid dates, huge strings, invalid UTF-8,
 * NUL and lone surrogates, broken Bundles and multipart) are driven through the ingest endpoints.
 * Each answer is a 4xx or a 200 whose records add up; the events stored before are unchanged.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildIngest } from '../support/ingest-app.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let token: string;
let baseline: string;

const LIMITS = { maxBodyBytes: 32 * 1024, maxRecords: 50, maxRecordBytes: 4 * 1024, maxDepth: 8 };

const visit = (id: string) => ({ id, type: 'visit', orgUnit: 'DEPT-A', occurredAt: '2026-11-23T07:30:00+08:00', patient: 'P1', attributes: { visitId: id, channel: 'offline' } });

async function snapshot(): Promise<string> {
  const r = await t.t.db.query<{ event_id: string; content_hash: string; attributes: unknown }>(
    `SELECT event_id, content_hash, attributes FROM event WHERE event_id LIKE 'base-%' ORDER BY event_id`,
  );
  return JSON.stringify(r.rows);
}

beforeAll(async () => {
  t = await createTestApp({ modules: ({ db, services, clock }) => buildIngest({ db, accounts: services.accounts, clock, limits: LIMITS }).modules });
  const admin = await t.signIn('admin');
  const res = await admin.request({ method: 'POST', url: '/api/sources', payload: { name: 'fuzzed', orgUnit: 'H1', allowedTypes: ['visit', 'charge', 'admission', 'discharge', 'appointment', 'prescription'] } });
  token = res.json<{ token: { secret: string } }>().token.secret;
  const seed = await t.app.inject({
    method: 'POST', url: '/api/ingest/events', payload: JSON.stringify([visit('base-1'), visit('base-2'), visit('base-3')]),
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
  expect(seed.json()).toMatchObject({ accepted: 3 });
  baseline = await snapshot();
}, 60_000);

afterAll(async () => { await t.close(); });

const mutatedEvent = fc.record({
  id: fc.oneof(fc.constantFrom('base-1', 'base-2', 'new-1'), fc.string({ maxLength: 200 }), fc.integer(), fc.constant(null)),
  type: fc.oneof(fc.constantFrom('visit', 'charge', 'nope', 'VISIT', ''), fc.string({ maxLength: 80 })),
  orgUnit: fc.oneof(fc.constantFrom('DEPT-A', 'DEPT-B', 'H1', 'GROUP', 'x'.repeat(100)), fc.string()),
  occurredAt: fc.oneof(fc.constantFrom('2026-11-23T07:30:00+08:00', '2026-02-30T00:00:00Z', '2026-11-23', 'yesterday', '+275760-09-13T00:00:00.000Z'), fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'NaN' : d.toISOString()))),
  patient: fc.oneof(fc.string({ maxLength: 300 }), fc.constant('\u0000'), fc.constant('\ud800'), fc.integer()),
  attributes: fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.record({ visitId: fc.string({ maxLength: 300 }), channel: fc.constantFrom('online', 'offline', 'moon'), amount: fc.double() })),
  extra: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
}, { requiredKeys: [] });

const deep = fc.integer({ min: 1, max: 3000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`);
const bodies: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.string({ maxLength: 500 }),
  fc.json({ maxDepth: 5 }),
  fc.array(mutatedEvent, { maxLength: 60 }).map((a) => JSON.stringify(a)),
  fc.array(fc.oneof(mutatedEvent.map((e) => JSON.stringify(e)), fc.string({ maxLength: 100 })), { maxLength: 60 }).map((lines) => lines.join('\n')),
  deep,
  deep.map((d) => `[{"id":"d","type":"visit","attributes":${d}}]`),
  fc.integer({ min: 1, max: 40_000 }).map((n) => `[{"id":"${'x'.repeat(n)}"}]`),
  fc.uint8Array({ maxLength: 4000 }).map((b) => Buffer.from(b)),
  fc.constantFrom(Buffer.from([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d]), Buffer.from('[{"id":"a\\u0000b"}]'), Buffer.from('["\\ud800"]'), Buffer.from('\ufeff[]')),
  fc.record({ resourceType: fc.constantFrom('Bundle', 'Patient'), type: fc.constantFrom('batch', 'transaction', 'searchset'), entry: fc.array(fc.record({ resource: fc.jsonValue({ maxDepth: 4 }) }), { maxLength: 20 }) }).map((b) => JSON.stringify(b)),
  fc.constant(`--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nid,when\r\n1,2\r\n--x--\r\n`),
);

const request = fc.record({
  url: fc.constantFrom('/api/ingest/events', '/api/ingest/fhir', '/api/ingest/file'),
  contentType: fc.oneof(
    fc.constantFrom('application/json', 'application/x-ndjson', 'application/fhir+json', 'application/fhir+ndjson', 'text/plain', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'text/csv'),
    fc.string({ maxLength: 40 }),
  ),
  body: bodies,
});

it('answers generated garbage with 4xx or per-record rejections, never 500, and leaves stored events unchanged', async () => {
  await fc.assert(fc.asyncProperty(request, async (r) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (/^[\t\x20-\x7e]*$/.test(r.contentType) && r.contentType.trim() !== '') headers['content-type'] = r.contentType;
    const res = await t.app.inject({ method: 'POST', url: r.url, payload: r.body, headers });
    expect(res.statusCode, `${r.url} ${r.contentType}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
    expect([200, 400, 403, 404, 406, 409, 413, 415]).toContain(res.statusCode);
    if (res.statusCode === 200 && r.url !== '/api/ingest/fhir') {
      const b = res.json<{ received: number; accepted: number; duplicates: number; conflicts: number; rejected: number }>();
      expect(b.received).toBe(b.accepted + b.duplicates + b.conflicts + b.rejected);
    }
  }), { numRuns: Number(process.env.YUNJIAN_FUZZ_RUNS ?? 200), seed: Number(process.env.YUNJIAN_FUZZ_SEED ?? Date.now() % 2 ** 31) });
  expect(await snapshot()).toBe(baseline);
});

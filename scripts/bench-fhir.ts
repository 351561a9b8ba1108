/**
 * FHIR ingest throughput, for the figures in the FHIR section of the README: resources per second
 * of one transaction Bundle (the Synthea patient bundle in test/fixtures, 250-odd entries) and of
 * bulk NDJSON (Synthea Encounter and MedicationRequest export lines from YUNJIAN_FIXTURES_DIR,
 * else that bundle's resources as NDJSON), posted in-process (Fastify inject) to the ingest
 * route on the embedded database with the indicator library's roll-ups as the commit consumer,
 * as `yunjian serve` runs them. Every post uses fresh ids, so nothing is a duplicate.
 *
 *   node bin/run-ts.mjs scripts/bench-fhir.ts [--rounds 5]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildIngest } from '../test/support/ingest-app.ts';
import { createTestApp } from '../test/support/test-app.ts';
import { createIndicatorServices } from '../src/indicators/indicators-service.ts';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] ?? 5) || 5;
const bundlePath = fileURLToPath(new URL('../test/fixtures/fhir/synthea-bundles/Stan_Steuber_55c7667e-0fd3-40ff-91a4-27ffa2b19438.json', import.meta.url));
const bundleText = readFileSync(bundlePath, 'utf8');
const bulkDir = process.env['YUNJIAN_FIXTURES_DIR'];
const bulkLines = bulkDir === undefined
  ? (JSON.parse(bundleText) as { entry: { resource: unknown }[] }).entry.map((e) => JSON.stringify(e.resource))
  : ['Encounter', 'MedicationRequest'].flatMap((t) => readFileSync(`${bulkDir}/synthea-bulk-10/${t}.000.ndjson`, 'utf8').split('\n').filter((l) => l.trim() !== ''));

/** The same text with every id made unique to the round (ids and urn:uuid references alike). */
const fresh = (text: string, round: number) => text.replace(/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/g, (id) => `r${String(round)}-${id}`);

const t = await createTestApp({
  modules: async ({ db, services, clock }) => {
    const indicators = createIndicatorServices({ db, orgs: services.orgs, clock });
    await indicators.definitions.installLibrary({ actor: { kind: 'system', id: null, name: 'bench' }, now: clock.now() });
    return buildIngest({ db, accounts: services.accounts, clock, consumers: [indicators.rollupConsumer], limits: { maxBodyBytes: 64 * 1024 * 1024, maxRecords: 10_000 } }).modules;
  },
});
const admin = await t.signIn('admin');
const created = await admin.request({
  method: 'POST', url: '/api/sources',
  payload: { name: 'bench FHIR', orgUnit: 'DEPT-A', allowedTypes: ['visit', 'charge', 'prescription', 'admission', 'discharge', 'appointment'] },
});
const token = created.json<{ token: { secret: string } }>().token.secret;

async function measure(label: string, body: (round: number) => string, type: string, resources: number): Promise<void> {
  let ms = 0;
  for (let round = 0; round < rounds; round++) {
    const payload = body(round);
    const start = performance.now();
    const res = await t.app.inject({ method: 'POST', url: '/api/ingest/fhir', payload, headers: { authorization: `Bearer ${token}`, 'content-type': type } });
    ms += performance.now() - start;
    if (res.statusCode !== 200) throw new Error(`${label}: ${String(res.statusCode)} ${res.body.slice(0, 300)}`);
  }
  process.stdout.write(`${label}: ${String(resources)} resources × ${String(rounds)} rounds, ${(resources * rounds / (ms / 1000)).toFixed(0)} resources/s\n`);
}

const entries = (JSON.parse(bundleText) as { entry: unknown[] }).entry.length;
await measure('transaction Bundle (Synthea patient)', (r) => fresh(bundleText, r), 'application/fhir+json', entries);
await measure(`bulk NDJSON (${bulkDir === undefined ? 'bundle resources' : 'Synthea bulk Encounter + MedicationRequest'})`, (r) => fresh(bulkLines.join('\n'), r), 'application/fhir+ndjson', bulkLines.length);
await t.close();

import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createPseudonymiser } from '../pseudonymise.ts';
import { createEventRegistry } from '../registry.ts';
import { bundleResponse, mapBundle, mapFhirRecords } from './fhir-bundle.ts';
import { mapResource, type FhirEntryResult, type FhirMappingOptions } from './fhir-r4.ts';
import { parseNdjson } from './ndjson.ts';

/** Small Synthea bundles ship with the repository; the bulk NDJSON is read from YUNJIAN_FIXTURES_DIR when set. */
const BUNDLES = fileURLToPath(new URL('../../../test/fixtures/fhir/synthea-bundles', import.meta.url));
const FIXTURES = process.env['YUNJIAN_FIXTURES_DIR'];
const STAN = `${BUNDLES}/Stan_Steuber_55c7667e-0fd3-40ff-91a4-27ffa2b19438.json`;
const STAN_ID = '55c7667e-0fd3-40ff-91a4-27ffa2b19438';
const STAN_PATIENT_ID = '25477ae6-0c1e-428f-8814-f80acc4d2bcb';

const options: FhirMappingOptions = {
  registry: createEventRegistry(),
  pseudonymise: createPseudonymiser(new TextEncoder().encode('fhir-test-key-0123456789')),
  defaultOrgUnit: 'GROUP',
  orgUnits: { 'https://github.com/synthetichealth/synthea|ecc51621-0af3-3b35-ac3e-8b1e34022e92': 'H-PCP' },
};

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

function tally(results: readonly FhirEntryResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const keys = r.outcome === 'accepted' ? r.events.map((e) => e.type) : [r.outcome === 'rejected' ? `rejected:${r.code}` : 'ignored'];
    for (const k of keys) counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

describe('FHIR R4 transaction bundles (Synthea)', () => {
  const stan = mapBundle(readJson(STAN), options);
  if (!stan.ok) throw new Error('bundle should map');
  const events = stan.results.flatMap((r) => (r.outcome === 'accepted' ? r.events : []));

  it('maps encounters, claims and medication requests and ignores clinical resources', () => {
    // 18 AMB encounters, 26 claims (institutional → service, pharmacy → drug), 8 MedicationRequests.
    expect(tally(stan.results)).toEqual({ visit: 18, charge: 26, prescription: 8, ignored: 200 });
    expect(stan.type).toBe('transaction');
  });

  it('keeps no raw patient identifier anywhere in the events', () => {
    const text = JSON.stringify(events);
    expect(text).not.toContain(STAN_ID);
    expect(text).not.toContain(STAN_PATIENT_ID);
    expect(new Set(events.map((e) => e.patient))).toEqual(new Set([options.pseudonymise(STAN_PATIENT_ID)]));
  });

  it('resolves urn:uuid organisations to org units through their identifiers, else the default', () => {
    const visit = events.find((e) => e.id === 'Encounter/c4ad25a6-1c0b-4c83-9b00-d47ae0a7ed15');
    expect(visit).toMatchObject({ type: 'visit', orgUnit: 'H-PCP', occurredAt: '2009-03-12T04:40:20.000Z', attributes: { channel: 'offline', setting: 'outpatient' } });
    const charge = events.find((e) => e.id === 'Claim/e71c74c6-a594-4025-8fe9-1d4bd8ba3aca');
    expect(charge).toMatchObject({ orgUnit: 'H-PCP', attributes: { amount: 125, category: 'service', payer: 'insurance', currency: 'USD' } });
  });

  it('gives the same ids and events when the organisation bundle or a patient bundle is mapped twice', () => {
    const orgs = readJson(`${BUNDLES}/hospitalInformation1559319163815.json`);
    const first = mapBundle(orgs, options);
    const second = mapBundle(orgs, options);
    expect(first).toEqual(second);
    expect(first.ok && first.results.every((r) => r.outcome === 'ignored')).toBe(true);
    const again = mapBundle(readJson(STAN), options);
    expect(again.ok && again.results.flatMap((r) => (r.outcome === 'accepted' ? r.events.map((e) => e.id) : []))).toEqual(events.map((e) => e.id));
  });

  it('answers with a transaction-response carrying an OperationOutcome on each rejected entry', () => {
    const response = bundleResponse([...stan.results.slice(0, 2), { outcome: 'duplicate' }, { outcome: 'rejected', code: 'FHIR_MISSING_ID', message: 'no id', path: '/id' }], 'transaction');
    expect(response).toMatchObject({
      resourceType: 'Bundle',
      type: 'transaction-response',
      entry: [
        { response: { status: '200 OK' } },
        { response: { status: '200 OK' } },
        { response: { status: '200 OK' } },
        { response: { status: '422 Unprocessable Entity', outcome: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', details: { coding: [{ code: 'FHIR_MISSING_ID' }] } }] } } },
      ],
    });
  });
});

describe('FHIR R4 single resources', () => {
  const encounter = (cls: string, period: Record<string, string>) => ({ resourceType: 'Encounter', id: 'e1', status: 'finished', class: { code: cls }, period, subject: { reference: 'Patient/p1' } });

  it.each([
    ['AMB', { visit: 1 }],
    ['VR', { visit: 1 }],
    ['EMER', { visit: 1 }],
    ['HH', { visit: 1 }],
    ['OBSENC', { visit: 1 }],
    ['IMP', { admission: 1, discharge: 1 }],
    ['ACUTE', { admission: 1, discharge: 1 }],
    ['NONAC', { admission: 1, discharge: 1 }],
    ['SS', { admission: 1, discharge: 1 }],
    ['FLD', { 'rejected:FHIR_UNSUPPORTED_ENCOUNTER_CLASS': 1 }],
    ['PRENC', { 'rejected:FHIR_UNSUPPORTED_ENCOUNTER_CLASS': 1 }],
    ['XYZ', { 'rejected:FHIR_UNSUPPORTED_ENCOUNTER_CLASS': 1 }],
  ])('maps an Encounter of class %s', (cls, expected) => {
    expect(tally([mapResource(encounter(cls, { start: '2026-01-01T08:00:00+08:00', end: '2026-01-04T10:00:00+08:00' }), options)])).toEqual(expected);
  });

  it('maps every v3 encounter class to a setting, or refuses it with the reason', () => {
    const settingOf = (cls: string) => {
      const r = mapResource(encounter(cls, { start: '2026-01-01T08:00:00+08:00' }), options);
      return r.outcome === 'accepted' ? r.events.map((e) => `${e.type}:${JSON.stringify(e.attributes['setting'] ?? '')}`).join() : `${r.outcome}:${r.outcome === 'rejected' ? r.message : ''}`;
    };
    expect(['AMB', 'EMER', 'HH', 'OBSENC', 'VR', 'IMP'].map(settingOf)).toEqual(['visit:"outpatient"', 'visit:"emergency"', 'visit:"home"', 'visit:"observation"', 'visit:"online"', 'admission:""']);
    expect(settingOf('FLD')).toMatch(/outside the hospital/);
    expect(settingOf('PRENC')).toMatch(/not an admission/);
    expect(settingOf('XYZ')).toMatch(/"XYZ" is not a v3 ActEncounterCode yunjian maps \(ACUTE, AMB, EMER, HH, IMP, NONAC, OBSENC, SS, VR\)/);
  });

  it('accepts dates of reduced precision, read in the group’s zone', () => {
    const stay = mapResource(encounter('IMP', { start: '2026-01-01', end: '2026-01-04' }), { ...options, timeZone: 'Asia/Shanghai' });
    expect(stay).toMatchObject({
      outcome: 'accepted',
      events: [
        { type: 'admission', occurredAt: '2025-12-31T16:00:00.000Z', attributes: { admittedAt: '2025-12-31T16:00:00.000Z' } },
        { type: 'discharge', occurredAt: '2026-01-03T16:00:00.000Z', attributes: { dischargedAt: '2026-01-03T16:00:00.000Z', losDays: 3 } },
      ],
    });
    expect(mapResource(encounter('AMB', { start: '2026-01' }), { ...options, timeZone: 'UTC' })).toMatchObject({ events: [{ occurredAt: '2026-01-01T00:00:00.000Z' }] });
    expect(mapResource(encounter('AMB', { start: '2026-02-30' }), options)).toMatchObject({ outcome: 'rejected', code: 'INGEST_INVALID_DATE' });
    expect(mapResource(encounter('AMB', { start: '2026-01-04T10:00:00' }), options)).toMatchObject({ outcome: 'rejected', code: 'INGEST_INVALID_DATE' });
  });

  it('marks the charges of an inpatient encounter with stayId and of an emergency one with its setting', () => {
    const bundle = (cls: string) => ({
      resourceType: 'Bundle', type: 'batch',
      entry: [
        { fullUrl: 'urn:uuid:enc-1', resource: { ...encounter(cls, { start: '2026-01-01T08:00:00+08:00', end: '2026-01-04T10:00:00+08:00' }), id: 'enc-1' } },
        { fullUrl: 'urn:uuid:claim-1', resource: { resourceType: 'Claim', id: 'claim-1', status: 'active', use: 'claim', created: '2026-01-04T10:00:00+08:00', patient: { reference: 'Patient/p1' }, total: { value: 800, currency: 'CNY' }, item: [{ encounter: [{ reference: 'urn:uuid:enc-1' }] }] } },
      ],
    });
    const chargeOf = (cls: string) => {
      const mapped = mapBundle(bundle(cls), options);
      return mapped.ok ? mapped.results.flatMap((r) => (r.outcome === 'accepted' ? r.events : [])).find((e) => e.type === 'charge')?.attributes : undefined;
    };
    expect(chargeOf('IMP')).toMatchObject({ stayId: 'enc-1', setting: 'inpatient' });
    expect(chargeOf('IMP')).not.toHaveProperty('visitId');
    expect(chargeOf('EMER')).toMatchObject({ visitId: 'enc-1', setting: 'emergency' });
    expect(chargeOf('AMB')).toMatchObject({ visitId: 'enc-1', setting: 'outpatient' });
  });

  it('derives the channel, setting and length of stay', () => {
    const online = mapResource(encounter('VR', { start: '2026-01-01T08:00:00+08:00' }), options);
    expect(online).toMatchObject({ outcome: 'accepted', events: [{ attributes: { channel: 'online', setting: 'online' } }] });
    const stay = mapResource(encounter('IMP', { start: '2026-01-01T23:00:00+08:00', end: '2026-01-04T10:00:00+08:00' }), options);
    expect(stay).toMatchObject({ events: [{ id: 'Encounter/e1/admission' }, { id: 'Encounter/e1/discharge', occurredAt: '2026-01-04T02:00:00.000Z', attributes: { losDays: 3 } }] });
    expect(mapResource(encounter('IMP', { start: '2026-01-01T23:00:00+08:00' }), options)).toMatchObject({ events: [{ type: 'admission' }] });
  });

  it('maps an Appointment and ignores one that is only proposed', () => {
    const appt = { resourceType: 'Appointment', id: 'a1', status: 'booked', created: '2026-01-01T09:00:00+08:00', start: '2026-01-03T09:00:00+08:00', appointmentType: { coding: [{ code: 'FOLLOWUP' }] }, participant: [{ actor: { reference: 'Patient/p1' } }, { actor: { reference: 'Practitioner/d9' } }] };
    expect(mapResource(appt, options)).toMatchObject({ outcome: 'accepted', events: [{ id: 'Appointment/a1', type: 'appointment', attributes: { status: 'booked', doctor: 'd9', visitKind: 'follow_up', slotAt: '2026-01-03T01:00:00.000Z' } }] });
    expect(mapResource({ ...appt, status: 'proposed' }, options)).toMatchObject({ outcome: 'ignored' });
  });

  it('maps a ChargeItem and rejects one without a price', () => {
    const item = { resourceType: 'ChargeItem', id: 'ci1', status: 'billed', subject: { reference: 'Patient/p1' }, occurrenceDateTime: '2026-01-02T10:00:00+08:00', priceOverride: { value: 88, currency: 'CNY' } };
    expect(mapResource(item, options)).toMatchObject({ events: [{ type: 'charge', attributes: { amount: 88, category: 'other', currency: 'CNY' } }] });
    expect(mapResource({ ...item, priceOverride: undefined }, options)).toMatchObject({ outcome: 'rejected', code: 'INGEST_MISSING_FIELD' });
  });

  it('turns a Patient into its pseudonym only, and other resources into ignored outcomes', () => {
    const patient = mapResource({ resourceType: 'Patient', id: 'p1', name: [{ family: '张' }], identifier: [{ value: '110101199001011234' }] }, options);
    expect(patient).toEqual({ outcome: 'ignored', resourceType: 'Patient', reason: 'patient-reference-only', patient: options.pseudonymise('p1') });
    expect(mapResource({ resourceType: 'Observation', id: 'o1' }, options)).toMatchObject({ outcome: 'ignored', reason: 'not-mapped' });
    expect(mapResource({ id: 'x' }, options)).toMatchObject({ outcome: 'rejected', code: 'FHIR_INVALID_RESOURCE' });
  });
});

describe.runIf(FIXTURES !== undefined)('FHIR bulk NDJSON (Synthea, conditional references; skipped: YUNJIAN_FIXTURES_DIR is unset)', () => {
  it('maps every Encounter line and uses the identifier of conditional serviceProvider references', async () => {
    const orgUnits = { 'a261e1fc-9361-3633-a2c4-8569a04b818d': 'H-NEWMAN' };
    const results: FhirEntryResult[] = [];
    const stream = createReadStream(`${FIXTURES ?? ''}/synthea-bulk-10/Encounter.000.ndjson`, { highWaterMark: 16 * 1024 });
    for await (const r of mapFhirRecords(parseNdjson(stream), { ...options, orgUnits })) results.push(r.result);
    // Classes in the file: AMB 1133, IMP 49 (all finished), EMER 23, HH 9, VR 1.
    expect(tally(results)).toEqual({ visit: 1166, admission: 49, discharge: 49 });
    const events = results.flatMap((r) => (r.outcome === 'accepted' ? r.events : []));
    expect(events.find((e) => e.id === 'Encounter/00c7f717-4030-5582-2ed8-888ad2bc878e')).toMatchObject({
      orgUnit: 'H-NEWMAN',
      occurredAt: '1989-10-04T06:25:16.000Z',
      attributes: { doctor: '9999974493' },
    });
    expect(JSON.stringify(events)).not.toContain('79a66c97-6131-3213-f3c9-4606946ab056');
  });

  it('maps MedicationRequest lines to prescriptions', async () => {
    const results: FhirEntryResult[] = [];
    for await (const r of mapFhirRecords(parseNdjson(createReadStream(`${FIXTURES ?? ''}/synthea-bulk-10/MedicationRequest.000.ndjson`)), options)) results.push(r.result);
    expect(tally(results)).toEqual({ prescription: 1745 });
  });
});

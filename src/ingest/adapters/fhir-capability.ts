import { MAPPED_CLASSES, REFUSED_CLASSES } from './fhir-r4.ts';

/**
 * The CapabilityStatement served at `[base]/metadata` (FHIR R4 §3.1.0.3): what the ingest endpoint
 * accepts, so a client's capability check (fhir-kit-client's capabilityStatement()) works. It is a
 * receiver of batch and transaction Bundles and bulk NDJSON, not a queryable server: no resource
 * is readable or searchable here.
 */
const MAPPED: readonly { type: string; documentation: string }[] = [
  {
    type: 'Encounter',
    documentation: `class ${MAPPED_CLASSES.join(', ')} → visit (setting outpatient, emergency, home, observation, online) or admission + discharge; `
      + `refused: ${Object.keys(REFUSED_CLASSES).join(', ')} and any other code. serviceProvider → org unit through the source's map.`,
  },
  { type: 'Appointment', documentation: 'booked, arrived, checked-in, fulfilled, cancelled, noshow → appointment; proposed, pending, waitlist ignored' },
  { type: 'MedicationRequest', documentation: '→ prescription (intent proposal and plan ignored)' },
  { type: 'Claim', documentation: 'use claim → charge (pharmacy → drug, other types → service)' },
  { type: 'ChargeItem', documentation: '→ charge (not-billable and aborted ignored)' },
  { type: 'Patient', documentation: 'not stored: only its pseudonym is derived' },
];

export function capabilityStatement(version: string, date: string): Record<string, unknown> {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date,
    publisher: 'yunjian',
    kind: 'instance',
    software: { name: 'yunjian', version },
    implementation: { description: 'yunjian ingest: FHIR R4 resources become operations events' },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [{
      mode: 'server',
      documentation: 'POST a batch Bundle (applied per entry), a transaction Bundle (all-or-nothing) or bulk NDJSON (application/fhir+ndjson, per line). '
        + 'Authenticate with the source token (Authorization: Bearer). Other resource types are answered 200 and counted as not mapped.',
      security: { description: 'Bearer token of a registered source' },
      resource: MAPPED.map((r) => ({ type: r.type, documentation: r.documentation, interaction: [{ code: 'create' }, { code: 'update' }] })),
      interaction: [{ code: 'batch' }, { code: 'transaction' }],
    }],
  };
}

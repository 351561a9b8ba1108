/**
 * FHIR R4 resources → canonical events (DOMAIN §3). Decisions:
 * - Encounter: class AMB → offline visit (setting outpatient), VR → online visit, EMER → offline
 *   visit with setting `emergency`, HH → setting `home`, OBSENC → setting `observation`;
 *   IMP/ACUTE/NONAC/SS → admission, plus a discharge when period.end exists. FLD and PRENC are
 *   refused with their reason (REFUSED_CLASSES), any other code as unknown
 *   (FHIR_UNSUPPORTED_ENCOUNTER_CLASS, naming the class).
 * - Dates of reduced precision (YYYY, YYYY-MM, YYYY-MM-DD) are read in the group's time zone
 *   (fhir-dates.ts).
 * - A Claim or ChargeItem of an encounter in the same bundle carries stayId and setting inpatient
 *   for an inpatient class, visitId and the visit's setting otherwise.
 * - Appointment → appointment; proposed/pending/waitlist are not bookings yet and are ignored.
 * - MedicationRequest → prescription (intent proposal/plan ignored). Claim (use `claim`) and
 *   ChargeItem → charge. Claim type pharmacy → category drug, other claim types → service.
 * - Patient → ignored, carrying only its pseudonym. Every other resource type → ignored, not an error.
 * - entered-in-error / cancelled records are ignored (cancelled appointments are kept: they count).
 * Event ids are `<ResourceType>/<id>` (id from resource.id, else the entry's urn:uuid), with
 * `/admission` and `/discharge` suffixes for inpatient encounters, so re-posting maps to the same ids.
 * The org unit comes from the caller's map (keys: reference, `Organization/<id>`, `system|value`,
 * or bare identifier value) applied to serviceProvider / provider / performingOrganization, or an
 * encounter's serviceProvider; otherwise the default. Every event passes validateEvent, which
 * pseudonymises the patient (logical id, or `system|value` of a conditional reference).
 */
import { issue, type IngestIssue } from '../errors.ts';
import { fhirInstant } from './fhir-dates.ts';
import type { EventRegistry } from '../registry.ts';
import type { EventTimeWindow } from '../date-time.ts';
import { validateEvent, type CanonicalEvent } from '../validate.ts';
import {
  arr,
  codeableText,
  codes,
  isObject,
  obj,
  organisationKeys,
  parseReference,
  patientKey,
  personKey,
  str,
  type FhirResource,
  type ReferenceResolver,
} from './fhir-references.ts';

export interface FhirMappingOptions {
  readonly registry: EventRegistry;
  readonly pseudonymise: (raw: string) => string;
  readonly defaultOrgUnit: string;
  readonly orgUnits?: Readonly<Record<string, string>>;
  readonly resolve?: ReferenceResolver;
  /** The group's zone, for dates without a time (default Asia/Shanghai). */
  readonly timeZone?: string;
  /** Plausible event times, checked by validateEvent. */
  readonly timeWindow?: EventTimeWindow;
}

export type FhirEntryResult =
  | { readonly outcome: 'accepted'; readonly resourceType: string; readonly events: readonly CanonicalEvent[] }
  | { readonly outcome: 'ignored'; readonly resourceType: string; readonly reason: string; readonly patient?: string }
  | ({ readonly outcome: 'rejected'; readonly resourceType?: string } & IngestIssue);

type Json = Readonly<Record<string, unknown>>;
interface Draft {
  readonly id: string;
  readonly type: string;
  readonly occurredAt: string | undefined;
  readonly orgRef: unknown;
  readonly patient: string | undefined;
  readonly attributes: Json;
}

/** v3 ActEncounterCode classes, each mapped or refused with a reason. */
const INPATIENT = new Set(['IMP', 'ACUTE', 'NONAC', 'SS']);
const OFFLINE_VISIT: Readonly<Record<string, string>> = { AMB: 'outpatient', EMER: 'emergency', HH: 'home', OBSENC: 'observation' };
export const REFUSED_CLASSES: Readonly<Record<string, string>> = {
  FLD: 'a field encounter (FLD) happens outside the hospital and is not one of its visits',
  PRENC: 'a pre-admission encounter (PRENC) is not an admission; send the inpatient (IMP) encounter',
};
export const MAPPED_CLASSES = [...INPATIENT, 'VR', ...Object.keys(OFFLINE_VISIT)].sort();

const ignored = (resourceType: string, reason: string): FhirEntryResult => ({ outcome: 'ignored', resourceType, reason });
const rejected = (resourceType: string, i: IngestIssue): FhirEntryResult => ({ outcome: 'rejected', resourceType, ...i });
const defined = (o: Record<string, unknown>): Json =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function orgUnitFor(ref: unknown, options: FhirMappingOptions): string {
  const parsed = parseReference(ref, options.resolve);
  if (parsed === undefined || options.orgUnits === undefined) return options.defaultOrgUnit;
  for (const key of organisationKeys(parsed)) {
    const unit = options.orgUnits[key];
    if (unit !== undefined) return unit;
  }
  return options.defaultOrgUnit;
}

function losDays(start: string, end: string): number | undefined {
  const a = Date.parse(start.slice(0, 10));
  const b = Date.parse(end.slice(0, 10));
  return Number.isNaN(a) || Number.isNaN(b) || b < a ? undefined : Math.round((b - a) / 86_400_000);
}

const zoneOf = (o: FhirMappingOptions): string => o.timeZone ?? 'Asia/Shanghai';

function encounterDrafts(r: Json, id: string, o: FhirMappingOptions): Draft[] | IngestIssue {
  const cls = str(obj(r['class'])?.['code']) ?? '';
  const period = obj(r['period']);
  const sentStart = str(period?.['start']);
  const sentEnd = str(period?.['end']);
  const start = fhirInstant(sentStart, zoneOf(o));
  const end = fhirInstant(sentEnd, zoneOf(o));
  const patient = patientKey(parseReference(r['subject'], o.resolve));
  const doctor = personKey(parseReference(obj(arr(r['participant'])[0])?.['individual'], o.resolve));
  const base = { orgRef: r['serviceProvider'], patient };
  if (INPATIENT.has(cls)) {
    const stay = { stayId: id, admittedAt: start };
    const drafts: Draft[] = [{ ...base, id: `Encounter/${id}/admission`, type: 'admission', occurredAt: start, attributes: defined(stay) }];
    if (end !== undefined && start !== undefined) {
      // losDays in the sender's own dates, as sent; the library counts bed-days in the group's zone instead.
      const attributes = defined({ ...stay, dischargedAt: end, losDays: losDays(sentStart ?? start, sentEnd ?? end) });
      drafts.push({ ...base, id: `Encounter/${id}/discharge`, type: 'discharge', occurredAt: end, attributes });
    }
    return drafts;
  }
  const refused = REFUSED_CLASSES[cls];
  if (refused !== undefined) return issue('FHIR_UNSUPPORTED_ENCOUNTER_CLASS', refused, '/class/code');
  const setting = cls === 'VR' ? 'online' : OFFLINE_VISIT[cls];
  if (setting === undefined) {
    return issue('FHIR_UNSUPPORTED_ENCOUNTER_CLASS', `encounter class "${cls}" is not a v3 ActEncounterCode yunjian maps (${MAPPED_CLASSES.join(', ')})`, '/class/code');
  }
  const appointmentId = parseReference(arr(r['appointment'])[0], o.resolve)?.id;
  const attributes = defined({
    visitId: id,
    channel: cls === 'VR' ? 'online' : 'offline',
    setting,
    startedAt: start,
    endedAt: end,
    doctor,
    appointmentId,
  });
  return [{ ...base, id: `Encounter/${id}`, type: 'visit', occurredAt: start, attributes }];
}

const APPOINTMENT_STATUS: Readonly<Record<string, string>> = {
  booked: 'booked',
  arrived: 'arrived',
  'checked-in': 'arrived',
  fulfilled: 'fulfilled',
  cancelled: 'cancelled',
  noshow: 'noshow',
};

function appointmentDrafts(r: Json, id: string, o: FhirMappingOptions): Draft[] | string {
  const status = APPOINTMENT_STATUS[str(r['status']) ?? ''];
  if (status === undefined) return 'not-a-booking';
  const actors = arr(r['participant']).map((p) => parseReference(obj(p)?.['actor'], o.resolve));
  const patient = patientKey(actors.find((a) => a?.resourceType === 'Patient'));
  const doctor = personKey(actors.find((a) => a?.resourceType === 'Practitioner'));
  const followUp = codes(r['appointmentType']).includes('FOLLOWUP');
  const start = fhirInstant(str(r['start']), zoneOf(o));
  const created = fhirInstant(str(r['created']), zoneOf(o));
  const attributes = defined({
    appointmentId: id,
    status,
    bookedAt: created,
    slotAt: start,
    doctor,
    visitKind: followUp ? 'follow_up' : undefined,
  });
  return [{ id: `Appointment/${id}`, type: 'appointment', occurredAt: created ?? start, orgRef: undefined, patient, attributes }];
}

function medicationDrafts(r: Json, id: string, o: FhirMappingOptions): Draft[] | string {
  const intent = str(r['intent']);
  if (intent === 'proposal' || intent === 'plan') return 'not-an-order';
  const encounter = parseReference(r['encounter'], o.resolve);
  const encounterClass = str(obj(encounter?.resource?.['class'])?.['code']);
  const drug = codeableText(r['medicationCodeableConcept']) ?? str(obj(r['medicationReference'])?.['display']) ?? 'unknown';
  const attributes = defined({
    rxId: id,
    visitId: encounter?.id,
    channel: encounterClass === undefined ? undefined : encounterClass === 'VR' ? 'online' : 'offline',
    doctor: personKey(parseReference(r['requester'], o.resolve)),
    items: [{ drug: drug.slice(0, 256) }],
  });
  const patient = patientKey(parseReference(r['subject'], o.resolve));
  return [{ id: `MedicationRequest/${id}`, type: 'prescription', occurredAt: fhirInstant(str(r['authoredOn']), zoneOf(o)), orgRef: encounter?.resource?.['serviceProvider'], patient, attributes }];
}

function moneyValue(v: unknown): number | undefined {
  const n = obj(v)?.['value'];
  return typeof n === 'number' ? n : undefined;
}

function payerOf(r: Json): string | undefined {
  const coverages = arr(r['insurance']).map((i) => obj(i)).filter((i) => i !== undefined);
  if (coverages.length === 0) return undefined;
  const focal = coverages.find((i) => i['focal'] === true) ?? coverages[0];
  const label = `${str(obj(focal?.['coverage'])?.['display']) ?? ''} ${str(obj(focal?.['coverage'])?.['reference']) ?? ''}`;
  return /no[_\s-]?insurance|self/i.test(label) ? 'self' : 'insurance';
}

/**
 * Which encounter a charge belongs to, when its class is known (the encounter is in the same
 * bundle): an inpatient stay's charges carry stayId (not visitId) and setting inpatient, so
 * outpatient indicators leave them out; an emergency visit's carry setting emergency.
 */
function chargeEncounter(encounter: ReturnType<typeof parseReference>): Json {
  if (encounter?.id === undefined) return {};
  const cls = str(obj(encounter.resource?.['class'])?.['code']);
  if (cls !== undefined && INPATIENT.has(cls)) return { stayId: encounter.id, setting: 'inpatient' };
  const setting = cls === undefined ? undefined : cls === 'VR' ? 'online' : OFFLINE_VISIT[cls];
  return defined({ visitId: encounter.id, setting });
}

function claimDrafts(r: Json, id: string, o: FhirMappingOptions): Draft[] | string | IngestIssue {
  if ((str(r['use']) ?? 'claim') !== 'claim') return 'not-a-bill';
  const items = arr(r['item']).map((i) => obj(i));
  const nets = items.map((i) => moneyValue(i?.['net'])).filter((n) => n !== undefined);
  const amount = moneyValue(r['total']) ?? (nets.length > 0 ? nets.reduce((a, b) => a + b, 0) : undefined);
  if (amount === undefined) return issue('INGEST_MISSING_FIELD', 'Claim has neither total nor item.net', '/total');
  const encounter = parseReference(arr(items[0]?.['encounter'])[0], o.resolve);
  const attributes = defined({
    amount,
    category: codes(r['type']).includes('pharmacy') ? 'drug' : 'service',
    payer: payerOf(r),
    ...chargeEncounter(encounter),
    currency: str(obj(r['total'])?.['currency']),
  });
  const occurredAt = fhirInstant(str(r['created']) ?? str(obj(r['billablePeriod'])?.['start']), zoneOf(o));
  const patient = patientKey(parseReference(r['patient'], o.resolve));
  return [{ id: `Claim/${id}`, type: 'charge', occurredAt, orgRef: r['provider'] ?? encounter?.resource?.['serviceProvider'], patient, attributes }];
}

function chargeItemDrafts(r: Json, id: string, o: FhirMappingOptions): Draft[] | string | IngestIssue {
  if (['not-billable', 'aborted'].includes(str(r['status']) ?? '')) return 'not-billable';
  const amount = moneyValue(r['priceOverride']);
  if (amount === undefined) return issue('INGEST_MISSING_FIELD', 'ChargeItem has no priceOverride', '/priceOverride');
  const occurredAt = fhirInstant(str(r['occurrenceDateTime']) ?? str(obj(r['occurrencePeriod'])?.['start']) ?? str(r['enteredDate']), zoneOf(o));
  const encounter = parseReference(r['context'], o.resolve);
  const attributes = defined({ amount, category: 'other', ...chargeEncounter(encounter), currency: str(obj(r['priceOverride'])?.['currency']) });
  const patient = patientKey(parseReference(r['subject'], o.resolve));
  return [{ id: `ChargeItem/${id}`, type: 'charge', occurredAt, orgRef: r['performingOrganization'] ?? r['requestingOrganization'], patient, attributes }];
}

type Mapper = (r: Json, id: string, o: FhirMappingOptions) => Draft[] | string | IngestIssue;
const MAPPERS: Readonly<Record<string, Mapper>> = {
  Encounter: encounterDrafts,
  Appointment: appointmentDrafts,
  MedicationRequest: medicationDrafts,
  Claim: claimDrafts,
  ChargeItem: chargeItemDrafts,
};

/** Map one resource; `fullUrl` supplies the id when the resource has none (urn:uuid). */
export function mapResource(resource: unknown, options: FhirMappingOptions, fullUrl?: string): FhirEntryResult {
  if (!isObject(resource) || typeof resource['resourceType'] !== 'string') {
    return { outcome: 'rejected', ...issue('FHIR_INVALID_RESOURCE', 'expected a FHIR resource with resourceType', '/resourceType') };
  }
  const r = resource as FhirResource;
  const type = r.resourceType;
  const id = str(r['id']) ?? (fullUrl?.startsWith('urn:uuid:') ? fullUrl.slice(9) : undefined);
  if (type === 'Patient') {
    if (id === undefined) return ignored(type, 'patient-reference-only');
    return { outcome: 'ignored', resourceType: type, reason: 'patient-reference-only', patient: options.pseudonymise(id) };
  }
  const mapper = MAPPERS[type];
  if (mapper === undefined) return ignored(type, 'not-mapped');
  if (['entered-in-error', 'cancelled'].includes(str(r['status']) ?? '') && type !== 'Appointment') {
    return ignored(type, 'not-counted-status');
  }
  if (id === undefined) return rejected(type, issue('FHIR_MISSING_ID', `${type} has no id and no urn:uuid fullUrl`, '/id'));
  const drafts = mapper(r, id, options);
  if (typeof drafts === 'string') return ignored(type, drafts);
  if (!Array.isArray(drafts)) return rejected(type, drafts);
  const events: CanonicalEvent[] = [];
  for (const d of drafts) {
    if (d.occurredAt === undefined) return rejected(type, issue('INGEST_MISSING_FIELD', `${type} has no date to place the event in time`, '/occurredAt'));
    const raw = defined({
      id: d.id,
      type: d.type,
      orgUnit: orgUnitFor(d.orgRef, options),
      occurredAt: d.occurredAt,
      patient: d.patient,
      attributes: d.attributes,
    });
    const result = validateEvent(raw, options.registry, options);
    if (!result.ok) return rejected(type, { code: result.code, message: result.message, path: result.path });
    events.push(result.event);
  }
  return { outcome: 'accepted', resourceType: type, events };
}

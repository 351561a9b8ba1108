/**
 * The canonical event types of DOMAIN §3 as versioned TypeBox schemas (version 1 each). Attribute
 * objects are closed: an attribute a schema does not name is rejected (INGEST_UNKNOWN_FIELD) so a
 * misspelt field never silently becomes missing data. Only each type's identifying field (and the
 * few that indicators cannot do without) is required; everything else is optional because sources
 * differ in what they know.
 */
import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import {
  channel,
  dateTime,
  flag,
  ident,
  int,
  list,
  money,
  num,
  oneOf,
  text,
  visitKind,
} from './schema-kit.ts';

const closed = { additionalProperties: false } as const;
const opt = <T extends TSchema>(schema: T) => Type.Optional(schema);

export const CHARGE_CATEGORIES = ['drug', 'consumable', 'exam', 'lab', 'service', 'other'] as const;
export const PAYERS = ['insurance', 'self'] as const;
export const COST_TYPES = ['prevention', 'appraisal', 'internal_failure', 'external_failure'] as const;
export const SURVEY_SCOPES = ['outpatient', 'inpatient', 'online', 'staff'] as const;
export const SURVEY_SCALES = ['1-5', '0-100'] as const;
export const VISIT_SETTINGS = ['outpatient', 'emergency', 'home', 'online', 'observation'] as const;
export const CHARGE_SETTINGS = [...VISIT_SETTINGS, 'inpatient'] as const;

const appointment = Type.Object(
  {
    appointmentId: ident(),
    channel: opt(channel()),
    bookedAt: opt(dateTime()),
    slotAt: opt(dateTime()),
    department: opt(ident()),
    doctor: opt(ident()),
    visitKind: opt(visitKind()),
    status: opt(oneOf(['booked', 'arrived', 'fulfilled', 'cancelled', 'noshow'])),
  },
  closed,
);

const visit = Type.Object(
  {
    visitId: ident(),
    channel: channel(),
    arrivedAt: opt(dateTime()),
    startedAt: opt(dateTime()),
    endedAt: opt(dateTime()),
    department: opt(ident()),
    doctor: opt(ident()),
    /** Whether the doctor is registered (备案) for practice here, from the doctor registry; absent when the source does not know. */
    doctorRegistered: opt(flag()),
    /** Whether the doctor is licensed for the department's specialty; absent when unknown. */
    doctorLicensedForDepartment: opt(flag()),
    appointmentId: opt(ident()),
    /** The booked slot of the visit's appointment (wait after appointment = startedAt − slotAt). */
    slotAt: opt(dateTime()),
    visitKind: opt(visitKind()),
    referral: opt(oneOf(['in', 'out', 'none'])),
    setting: opt(oneOf(VISIT_SETTINGS)),
  },
  closed,
);

const consultation = Type.Object(
  {
    consultId: ident(),
    requestedAt: opt(dateTime()),
    firstResponseAt: opt(dateTime()),
    closedAt: opt(dateTime()),
    department: opt(ident()),
    doctor: opt(ident()),
    /** Whether the doctor is registered (备案) for practice here, from the doctor registry; absent when the source does not know. */
    doctorRegistered: opt(flag()),
    /** Whether the doctor is licensed for the department's specialty; absent when unknown. */
    doctorLicensedForDepartment: opt(flag()),
    visitKind: opt(visitKind()),
    hasOfflineRecord: opt(flag()),
    aiAssisted: opt(flag()),
  },
  closed,
);

const prescriptionItem = Type.Object(
  {
    drug: text(),
    essential: opt(flag()),
    antibiotic: opt(flag()),
    controlled: opt(flag()),
    centralProcurement: opt(flag()),
    amount: opt(money()),
  },
  closed,
);

const prescription = Type.Object(
  {
    rxId: ident(),
    visitId: opt(ident()),
    consultId: opt(ident()),
    channel: opt(channel()),
    department: opt(ident()),
    doctor: opt(ident()),
    /** Whether the doctor is registered (备案) for practice here, from the doctor registry; absent when the source does not know. */
    doctorRegistered: opt(flag()),
    /** Whether the doctor is licensed for the department's specialty; absent when unknown. */
    doctorLicensedForDepartment: opt(flag()),
    items: opt(list(prescriptionItem)),
    amount: opt(money()),
    reviewedAt: opt(dateTime()),
    reviewer: opt(ident()),
    dispensedAt: opt(dateTime()),
    dispensedBy: opt(oneOf(['pharmacy', 'delivery'])),
    patientAgeYears: opt(num(0, 150)),
    guardianPresent: opt(flag()),
    aiIssued: opt(flag()),
  },
  closed,
);

const stay = {
  stayId: ident(),
  ward: opt(ident()),
  bed: opt(ident()),
  department: opt(ident()),
  admittedAt: opt(dateTime()),
  surgeryLevel: opt(int(1, 4)),
};
const admission = Type.Object(stay, closed);
const discharge = Type.Object(
  { ...stay, dischargedAt: opt(dateTime()), losDays: opt(num(0, 3650)) },
  closed,
);

const charge = Type.Object(
  {
    amount: money(),
    category: oneOf(CHARGE_CATEGORIES),
    payer: opt(oneOf(PAYERS)),
    channel: opt(channel()),
    department: opt(ident()),
    visitId: opt(ident()),
    stayId: opt(ident()),
    /** The setting of the encounter charged (outpatient when absent and visitId is given). */
    setting: opt(oneOf(CHARGE_SETTINGS)),
    currency: opt(Type.String({ pattern: '^[A-Z]{3}$' })),
  },
  closed,
);

const call = Type.Object(
  {
    callId: ident(),
    queuedAt: opt(dateTime()),
    answeredAt: opt(dateTime()),
    endedAt: opt(dateTime()),
    abandoned: opt(flag()),
    agent: opt(ident()),
    purpose: opt(text()),
    satisfaction: opt(int(1, 5)),
  },
  closed,
);

const complaint = Type.Object(
  {
    complaintId: opt(ident()),
    category: text(),
    severity: opt(int(1, 4)),
    channel: opt(channel()),
    department: opt(ident()),
    receivedAt: opt(dateTime()),
    resolvedAt: opt(dateTime()),
  },
  closed,
);

/** `score` must fit `scale`: 1..5 or 0..100 (checked after the schema, INGEST_OUT_OF_RANGE). */
const survey = Type.Object(
  {
    score: num(0, 100),
    scale: oneOf(SURVEY_SCALES),
    scope: oneOf(SURVEY_SCOPES),
    department: opt(ident()),
  },
  closed,
);

const followup = Type.Object(
  {
    followupId: opt(ident()),
    plannedAt: opt(dateTime()),
    doneAt: opt(dateTime()),
    outcome: opt(text(64)),
    department: opt(ident()),
  },
  closed,
);

const delivery = Type.Object(
  {
    orderId: ident(),
    orderedAt: opt(dateTime()),
    pickedAt: opt(dateTime()),
    deliveredAt: opt(dateTime()),
    promisedBy: opt(dateTime()),
    rxId: opt(ident()),
  },
  closed,
);

const equipment = Type.Object(
  {
    deviceId: ident(),
    status: oneOf(['in_service', 'fault', 'under_repair', 'retired']),
    faultLevel: opt(int(1, 4)),
    reportedAt: opt(dateTime()),
    repairedAt: opt(dateTime()),
    repairCost: opt(money()),
    department: opt(ident()),
  },
  closed,
);

const qualityEvent = Type.Object(
  {
    category: text(),
    cost: opt(money()),
    costType: opt(oneOf(COST_TYPES)),
    severity: opt(int(1, 4)),
    department: opt(ident()),
  },
  closed,
);

const expense = Type.Object({ item: text(), amount: money(), department: opt(ident()) }, closed);

/** Attribute schemas of the canonical types, version 1. */
export const CANONICAL_ATTRIBUTE_SCHEMAS = {
  appointment,
  visit,
  consultation,
  prescription,
  admission,
  discharge,
  charge,
  call,
  complaint,
  survey,
  followup,
  delivery,
  equipment,
  quality_event: qualityEvent,
  expense,
} as const satisfies Record<string, TObject>;

export type CanonicalEventType = keyof typeof CANONICAL_ATTRIBUTE_SCHEMAS;
export const CANONICAL_EVENT_TYPES = Object.keys(CANONICAL_ATTRIBUTE_SCHEMAS) as readonly CanonicalEventType[];
export const CANONICAL_SCHEMA_VERSION = 1;

export type AttributesOf<T extends CanonicalEventType> = Readonly<Static<(typeof CANONICAL_ATTRIBUTE_SCHEMAS)[T]>>;

/** Checks one schema cannot express; returns a problem or undefined. */
export function refineCanonical(
  type: CanonicalEventType,
  attributes: Readonly<Record<string, unknown>>,
): { readonly path: string; readonly message: string } | undefined {
  if (type === 'survey' && attributes['scale'] === '1-5') {
    const score = attributes['score'];
    if (typeof score === 'number' && (score < 1 || score > 5)) {
      return { path: '/attributes/score', message: 'score on the 1-5 scale must be between 1 and 5' };
    }
  }
  return undefined;
}

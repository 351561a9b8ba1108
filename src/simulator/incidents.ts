/**
 * Injected problems with ground truth. A schedule lists incidents (what, where, when, how
 * strong); the generator bends its output inside each window, and `incidentLabels` writes the
 * same schedule as labels a detector can be scored against.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AppError } from '../shared/index.ts';
import { CALL_CENTER, DELIVERY_SERVICE, INTERNET_HOSPITAL, SOURCE_CODES } from './org.ts';
import { DAY_MS, HOUR_MS, formatLocal, localDayStart } from './time-profile.ts';

export const INCIDENT_KINDS = [
  'wait_surge',
  'review_lapse',
  'source_silent',
  'source_malformed',
  'abandon_spike',
  'delivery_late',
  'drug_share_drift',
  'expense_overrun',
  'unregistered_practice',
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

const IncidentSpecSchema = Type.Object(
  {
    kind: Type.Union(INCIDENT_KINDS.map((k) => Type.Literal(k))),
    orgUnit: Type.String({ minLength: 1 }),
    source: Type.Optional(Type.String({ minLength: 1 })),
    from: Type.String({ minLength: 1 }),
    to: Type.String({ minLength: 1 }),
    magnitude: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    item: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

/**
 * One scheduled incident. `magnitude` is kind-specific (see DEFAULT_MAGNITUDE): a multiplier
 * for waits, delivery transport time, expense amounts and (at the end of the ramp) drug weight;
 * a probability for review lapses, malformed records and call abandonment; for unregistered
 * practice, the share of the department's online consultations taken by its doctor whose
 * registration (备案) is pending.
 */
export type IncidentSpec = Readonly<Static<typeof IncidentSpecSchema>>;

export interface IncidentLabel {
  readonly kind: IncidentKind;
  readonly orgUnit: string;
  readonly source?: string;
  readonly indicatorHint: string;
  readonly from: string;
  readonly to: string;
  readonly description: string;
}

export const DEFAULT_MAGNITUDE: Readonly<Record<IncidentKind, number>> = {
  wait_surge: 3,
  review_lapse: 0.7,
  source_silent: 1,
  source_malformed: 0.3,
  abandon_spike: 0.35,
  delivery_late: 3,
  drug_share_drift: 2.2,
  expense_overrun: 2.5,
  unregistered_practice: 0.2,
};

const INDICATOR_HINT: Readonly<Record<IncidentKind, string>> = {
  wait_surge: 'avg_wait_after_appointment',
  review_lapse: 'pharmacist_review_rate',
  source_silent: 'source_capture_rate',
  source_malformed: 'source_valid_rate',
  abandon_spike: 'call_abandon_rate',
  delivery_late: 'delivery_on_time_rate',
  drug_share_drift: 'drug_revenue_share',
  expense_overrun: 'budget_actual',
  unregistered_practice: 'online_visits_by_unregistered_doctors',
};

function describe(spec: IncidentSpec, magnitude: number): string {
  switch (spec.kind) {
    case 'wait_surge':
      return `Wait after the appointment slot in ${spec.orgUnit} rises about ${magnitude}x`;
    case 'review_lapse':
      return `${Math.round(magnitude * 100)}% of online prescriptions in ${spec.orgUnit} are dispensed without pharmacist review`;
    case 'source_silent':
      return `Source ${spec.source ?? '?'} sends nothing`;
    case 'source_malformed':
      return `About ${Math.round(magnitude * 100)}% of records from ${spec.source ?? '?'} are malformed (invalid date or missing orgUnit)`;
    case 'abandon_spike':
      return `Call abandon rate in ${spec.orgUnit} jumps to about ${Math.round(magnitude * 100)}% with long queues`;
    case 'delivery_late':
      return `Delivery transport in ${spec.orgUnit} takes about ${magnitude}x longer; many orders miss the promise`;
    case 'drug_share_drift':
      return `Drug revenue share in ${spec.orgUnit} drifts upward week by week (drug weight x${magnitude} by the end)`;
    case 'expense_overrun':
      return `Expense item ${spec.item ?? 'medical_consumables'} in ${spec.orgUnit} runs at ${magnitude}x its budgeted rate`;
    case 'unregistered_practice':
      return `A doctor of ${spec.orgUnit} whose registration for online practice is pending takes about ${Math.round(magnitude * 100)}% of its online consultations`;
  }
}

export function incidentLabels(schedule: readonly IncidentSpec[]): readonly IncidentLabel[] {
  return schedule.map((spec) => {
    const magnitude = spec.magnitude ?? DEFAULT_MAGNITUDE[spec.kind];
    return {
      kind: spec.kind,
      orgUnit: spec.orgUnit,
      ...(spec.source === undefined ? {} : { source: spec.source }),
      indicatorHint: INDICATOR_HINT[spec.kind],
      from: spec.from,
      to: spec.to,
      description: describe(spec, magnitude),
    };
  });
}

/** The labels as a JSON document (an array), ready to write to a file. */
export function incidentLabelsJson(schedule: readonly IncidentSpec[]): string {
  return `${JSON.stringify(incidentLabels(schedule), null, 2)}\n`;
}

/** Validates a user-supplied schedule (e.g. read from a JSON file). */
export function parseIncidentSchedule(input: unknown): readonly IncidentSpec[] {
  if (!Array.isArray(input)) throw new AppError('SIMULATOR_INVALID_SCHEDULE', 'schedule must be a JSON array');
  return input.map((entry: unknown, index) => {
    if (!Value.Check(IncidentSpecSchema, entry)) {
      const first = Value.Errors(IncidentSpecSchema, entry).First();
      throw new AppError('SIMULATOR_INVALID_SCHEDULE', `incident ${index}: ${first?.message ?? 'invalid'}`, {
        index,
        path: first?.path ?? '',
      });
    }
    if (Number.isNaN(Date.parse(entry.from)) || Number.isNaN(Date.parse(entry.to))) {
      throw new AppError('SIMULATOR_INVALID_SCHEDULE', `incident ${index}: from/to must be ISO date-times`, { index });
    }
    return entry;
  });
}

interface Placement {
  readonly kind: IncidentKind;
  readonly orgUnit: string;
  readonly source?: string;
  readonly item?: string;
  /** Start and end as fractions of the range, rounded to local midnight. */
  readonly at: readonly [number, number];
}

const DEFAULT_PLACEMENTS: readonly Placement[] = [
  { kind: 'expense_overrun', orgUnit: 'H3-OFF-ORTH', item: 'medical_consumables', at: [0.15, 0.3] },
  { kind: 'delivery_late', orgUnit: DELIVERY_SERVICE, at: [0.3, 0.36] },
  { kind: 'source_malformed', orgUnit: DELIVERY_SERVICE, source: SOURCE_CODES.deliveryApp, at: [0.4, 0.43] },
  { kind: 'drug_share_drift', orgUnit: 'H2-OFF-GAST', at: [0.45, 1] },
  { kind: 'unregistered_practice', orgUnit: 'H1-ONL-DERM', at: [0.55, 0.58] },
  { kind: 'source_silent', orgUnit: 'H2', source: SOURCE_CODES.his('H2'), at: [0.5, 0.5] },
  { kind: 'review_lapse', orgUnit: INTERNET_HOSPITAL, at: [0.62, 0.68] },
  { kind: 'abandon_spike', orgUnit: CALL_CENTER, at: [0.72, 0.74] },
  { kind: 'wait_surge', orgUnit: 'H1-OFF-CARD', at: [0.8, 0.87] },
];

/**
 * The default schedule placed inside [from, to): one incident of every kind, windows at fixed
 * fractions of the range rounded to local midnight (at least one day long, except the source
 * outage, which lasts six hours from 08:00 on its day).
 */
export function defaultIncidentSchedule(from: string | Date, to: string | Date): readonly IncidentSpec[] {
  const start = new Date(from).getTime();
  const span = new Date(to).getTime() - start;
  return DEFAULT_PLACEMENTS.map((p) => {
    const a = localDayStart(start + span * p.at[0]);
    let b = localDayStart(start + span * p.at[1]);
    if (p.kind === 'source_silent') {
      return { kind: p.kind, orgUnit: p.orgUnit, source: p.source, from: formatLocal(a + 8 * HOUR_MS), to: formatLocal(a + 14 * HOUR_MS) };
    }
    if (b < a + DAY_MS) b = a + DAY_MS;
    return {
      kind: p.kind,
      orgUnit: p.orgUnit,
      ...(p.source === undefined ? {} : { source: p.source }),
      ...(p.item === undefined ? {} : { item: p.item }),
      from: formatLocal(a),
      to: formatLocal(b),
    };
  });
}

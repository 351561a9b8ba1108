/**
 * Validation of one raw record into a CanonicalEvent. The envelope is closed: top-level keys other
 * than id, type, orgUnit, occurredAt, patient and attributes are rejected (INGEST_UNKNOWN_FIELD),
 * as are attributes the type's schema does not name. The first problem found is reported, with a
 * stable code and a JSON pointer. On success every date-time is normalised to UTC and every
 * patient-identifying value (the envelope `patient` and schema-marked attributes) is replaced by
 * its pseudonym, so the returned event never holds a raw identifier. Given a time window, an
 * occurredAt outside it, or an attribute date-time before it or more than a year past it, is
 * rejected (INGEST_TIME_OUT_OF_RANGE): 1800-01-01 or 9999-12-31 is an entry error, not an event.
 * A value that looks like a patient identifier (identifier-detect.ts) in the event id or in an
 * attribute not marked identifying is rejected (INGEST_UNDECLARED_IDENTIFIER), without echoing it.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type ValueError } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { isInWindow, normaliseDateTime, parseOffsetDateTime, type EventTimeWindow } from './date-time.ts';
import { issue, type IngestErrorCode, type IngestIssue } from './errors.ts';
import { findIdentifierIn, IDENTIFIER_LABEL, type IdentifierKind } from './identifier-detect.ts';
import type { AttributesOf, CanonicalEventType } from './event-schemas.ts';
import type { EventRegistry } from './registry.ts';
import { DATE_TIME_FORMAT, dateTime, ident, PATIENT_IDENTIFYING } from './schema-kit.ts';

export type EventAttributes = Readonly<Record<string, unknown>>;

export interface CanonicalEvent {
  /** Unique per source; re-sending the same id is idempotent. */
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly orgUnit: string;
  /** UTC, `YYYY-MM-DDTHH:mm:ss.sssZ`. */
  readonly occurredAt: string;
  /** Keyed pseudonym (`p_…`), never the raw identifier. */
  readonly patient?: string;
  readonly attributes: EventAttributes;
}

/** A canonical event narrowed to one known type, for consumers that read typed attributes. */
export type CanonicalEventOf<T extends CanonicalEventType> = Omit<CanonicalEvent, 'type' | 'attributes'> & {
  readonly type: T;
  readonly attributes: AttributesOf<T>;
};

export type ValidationResult =
  | { readonly ok: true; readonly event: CanonicalEvent }
  | ({ readonly ok: false } & IngestIssue);

export interface ValidateOptions {
  /** Keyed pseudonymisation (see `createPseudonymiser`); passed in so this file stays pure. */
  readonly pseudonymise: (raw: string) => string;
  /** Instants every date-time of the record must lie in (eventTimeWindow at the time of ingest); unchecked when absent. */
  readonly timeWindow?: EventTimeWindow;
}

export const ORG_UNIT_CODE = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';

const envelope = Type.Object(
  {
    id: ident(),
    type: Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }),
    orgUnit: Type.String({ pattern: ORG_UNIT_CODE }),
    occurredAt: dateTime(),
    patient: Type.Optional(ident()),
    attributes: Type.Optional(Type.Object({})),
  },
  { additionalProperties: false },
);
const envelopeCheck = TypeCompiler.Compile(envelope);

const CODE_BY_ERROR: Partial<Record<ValueErrorType, IngestErrorCode>> = {
  [ValueErrorType.ObjectAdditionalProperties]: 'INGEST_UNKNOWN_FIELD',
  [ValueErrorType.ObjectRequiredProperty]: 'INGEST_MISSING_FIELD',
  [ValueErrorType.StringFormat]: 'INGEST_INVALID_DATE',
  [ValueErrorType.StringMaxLength]: 'INGEST_TOO_LONG',
  [ValueErrorType.StringMinLength]: 'INGEST_INVALID_VALUE',
  [ValueErrorType.StringPattern]: 'INGEST_INVALID_VALUE',
  [ValueErrorType.ArrayMaxItems]: 'INGEST_TOO_MANY_ITEMS',
  [ValueErrorType.NumberMinimum]: 'INGEST_OUT_OF_RANGE',
  [ValueErrorType.NumberMaximum]: 'INGEST_OUT_OF_RANGE',
  [ValueErrorType.IntegerMinimum]: 'INGEST_OUT_OF_RANGE',
  [ValueErrorType.IntegerMaximum]: 'INGEST_OUT_OF_RANGE',
  [ValueErrorType.Union]: 'INGEST_INVALID_ENUM',
  [ValueErrorType.Literal]: 'INGEST_INVALID_ENUM',
};

function describe(error: ValueError, prefix: string): IngestIssue {
  const path = prefix + error.path;
  // An absent key (or one set to undefined) is reported as missing, whatever kind it should have had.
  const code = error.value === undefined ? 'INGEST_MISSING_FIELD' : (CODE_BY_ERROR[error.type] ?? 'INGEST_INVALID_TYPE');
  if (code === 'INGEST_MISSING_FIELD') return issue(code, `required field ${path} is missing`, path);
  if (code === 'INGEST_UNKNOWN_FIELD') return issue(code, `field ${path} is not part of the schema`, path);
  if (code === 'INGEST_INVALID_DATE') {
    return issue(code, 'expected an ISO 8601 date-time with offset, e.g. 2026-01-05T08:30:00+08:00', path);
  }
  if (code === 'INGEST_INVALID_ENUM') {
    const options = (error.schema['anyOf'] as readonly TSchema[] | undefined)?.map((s) => String(s['const']));
    return issue(code, options ? `expected one of: ${options.join(', ')}` : error.message, path);
  }
  return issue(code, error.message, path);
}

/** Rebuild a value following its schema: dates to UTC, patient identifiers to pseudonyms. */
function normalise(schema: TSchema, value: unknown, pseudonymise: (raw: string) => string): unknown {
  if (typeof value === 'string') {
    if (schema['format'] === DATE_TIME_FORMAT) return normaliseDateTime(value);
    if (schema[PATIENT_IDENTIFYING] === true) return pseudonymise(value);
    return value;
  }
  if (Array.isArray(value)) {
    const items = schema['items'] as TSchema;
    return Object.freeze(value.map((v: unknown) => normalise(items, v, pseudonymise)));
  }
  if (typeof value === 'object' && value !== null) {
    const props = schema['properties'] as Record<string, TSchema>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const sub = props[k];
      out[k] = sub === undefined ? v : normalise(sub, v, pseudonymise);
    }
    return Object.freeze(out);
  }
  return value;
}

/** How far past the event window an attribute's date-time (a booked slot, a planned discharge) may lie. */
const ATTRIBUTE_LOOKAHEAD_MS = 366 * 86_400_000;

/**
 * The pointer of the first scalar of `value` (following its schema) that `hit` flags, or undefined.
 * Values without a schema node (unknown keys) are not visited: the schema check has refused them.
 */
function firstHit(schema: TSchema, value: unknown, path: string, hit: (schema: TSchema, value: unknown) => boolean): string | undefined {
  if (Array.isArray(value)) {
    const items = schema['items'] as TSchema;
    for (const [i, v] of value.entries()) {
      const found = firstHit(items, v, `${path}/${String(i)}`, hit);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    const props = schema['properties'] as Record<string, TSchema> | undefined;
    for (const [k, v] of Object.entries(value)) {
      const sub = props?.[k];
      const found = sub === undefined ? undefined : firstHit(sub, v, `${path}/${k}`, hit);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return hit(schema, value) ? path : undefined;
}

function outsideWindow(window: EventTimeWindow): (schema: TSchema, value: unknown) => boolean {
  return (schema, value) => {
    if (typeof value !== 'string' || schema['format'] !== DATE_TIME_FORMAT) return false;
    const ms = parseOffsetDateTime(value);
    return ms !== undefined && !isInWindow(ms, window);
  };
}

/** What a value looks like when it looks like a patient identifier in a field not declared identifying (date-times and enum values cannot be one). */
function undeclaredIdentifier(schema: TSchema, value: unknown): IdentifierKind | undefined {
  if (schema[PATIENT_IDENTIFYING] === true || schema['format'] === DATE_TIME_FORMAT || schema['const'] !== undefined || schema['anyOf'] !== undefined) return undefined;
  return findIdentifierIn(value);
}

/** The first undeclared identifier of the record: its pointer and kind. */
function firstUndeclaredIdentifier(rec: Readonly<Record<string, unknown>>, attributesSchema: TSchema, attributes: unknown): { path: string; kind: IdentifierKind } | undefined {
  let kind = undeclaredIdentifier(envelope.properties.id, rec['id']);
  if (kind !== undefined) return { path: '/id', kind };
  const path = firstHit(attributesSchema, attributes, '/attributes', (schema, value) => (kind = undeclaredIdentifier(schema, value)) !== undefined);
  return path === undefined || kind === undefined ? undefined : { path, kind };
}

function outOfWindow(path: string, window: EventTimeWindow): IngestIssue {
  return issue('INGEST_TIME_OUT_OF_RANGE', `${path} lies outside the accepted event times, ${new Date(window.fromMs).toISOString()} to ${new Date(window.toMs).toISOString()}`, path);
}

function fail(i: IngestIssue): ValidationResult {
  return { ok: false, ...i };
}

export function validateEvent(raw: unknown, registry: EventRegistry, options: ValidateOptions): ValidationResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail(issue('INGEST_NOT_AN_OBJECT', 'each record must be a JSON object', ''));
  }
  const rec = raw as Record<string, unknown>;
  const typeName = rec['type'];
  if (typeof typeName === 'string' && registry.lookup(typeName) === undefined) {
    // The name is echoed only when it could be one (not, say, an identity number pasted into the wrong column).
    const shown = /^[a-z][a-z0-9_]{0,63}$/.test(typeName) ? ` "${typeName}"` : '';
    return fail(issue('INGEST_UNKNOWN_TYPE', `event type${shown} is not registered`, '/type'));
  }
  const envelopeError = envelopeCheck.Check(raw) ? undefined : envelopeCheck.Errors(raw).First();
  if (envelopeError !== undefined) return fail(describe(envelopeError, ''));
  const type = registry.lookup(rec['type'] as string);
  if (type === undefined) return fail(issue('INGEST_UNKNOWN_TYPE', 'event type is not registered', '/type'));
  if (!registry.allows(type.name)) {
    return fail(issue('INGEST_TYPE_NOT_ALLOWED', `this source may not send "${type.name}" events`, '/type'));
  }
  const attributes = (rec['attributes'] ?? {}) as Record<string, unknown>;
  const attributeError = type.check.Check(attributes) ? undefined : type.check.Errors(attributes).First();
  if (attributeError !== undefined) return fail(describe(attributeError, '/attributes'));
  const refined = type.refine(attributes);
  if (refined !== undefined) return fail(issue('INGEST_OUT_OF_RANGE', refined.message, refined.path));
  const window = options.timeWindow;
  if (window !== undefined) {
    const occurredAt = parseOffsetDateTime(rec['occurredAt'] as string);
    if (occurredAt !== undefined && !isInWindow(occurredAt, window)) return fail(outOfWindow('/occurredAt', window));
    // Attribute times may look ahead (an appointment's slot is booked weeks before), but not past a year.
    const attributeWindow = { fromMs: window.fromMs, toMs: window.toMs + ATTRIBUTE_LOOKAHEAD_MS };
    const outside = firstHit(type.attributes, attributes, '/attributes', outsideWindow(attributeWindow));
    if (outside !== undefined) return fail(outOfWindow(outside, attributeWindow));
  }
  const identifier = firstUndeclaredIdentifier(rec, type.attributes, attributes);
  if (identifier !== undefined) {
    const { path, kind } = identifier;
    return fail(issue('INGEST_UNDECLARED_IDENTIFIER', `${path} holds what looks like ${IDENTIFIER_LABEL[kind]}; send patient identifiers only in "patient" or in an attribute the schema marks ${PATIENT_IDENTIFYING}`, path));
  }
  const patient = rec['patient'];
  const event: CanonicalEvent = {
    id: rec['id'] as string,
    type: type.name,
    schemaVersion: type.version,
    orgUnit: rec['orgUnit'] as string,
    occurredAt: normaliseDateTime(rec['occurredAt'] as string),
    ...(typeof patient === 'string' ? { patient: options.pseudonymise(patient) } : {}),
    attributes: normalise(type.attributes, attributes, options.pseudonymise) as EventAttributes,
  };
  return { ok: true, event: Object.freeze(event) };
}

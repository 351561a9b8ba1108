/**
 * Building blocks for event schemas. Limits here are the ingest contract: strings at most 256
 * characters (identifiers 128, codes 64), arrays at most 200 items, money in [0, 1e9]. Two schema
 * annotations drive normalisation after validation: `format: 'date-time-offset'` (normalised to
 * UTC) and `x-patient-identifying: true` (replaced by a keyed pseudonym).
 */
import { FormatRegistry, Type, type TSchema } from '@sinclair/typebox';
import { isOffsetDateTime } from './date-time.ts';

export const DATE_TIME_FORMAT = 'date-time-offset';
export const PATIENT_IDENTIFYING = 'x-patient-identifying';

export const LIMITS = {
  maxString: 256,
  maxIdentifier: 128,
  maxCode: 64,
  maxArrayItems: 200,
  maxAmount: 1e9,
} as const;

if (!FormatRegistry.Has(DATE_TIME_FORMAT)) FormatRegistry.Set(DATE_TIME_FORMAT, isOffsetDateTime);

/** Free text, 1..256 characters. */
export const text = (maxLength: number = LIMITS.maxString) => Type.String({ minLength: 1, maxLength });
/** An identifier from the source system (visit number, doctor code), 1..128 characters. */
export const ident = () => Type.String({ minLength: 1, maxLength: LIMITS.maxIdentifier });
/** An instant with explicit offset; normalised to UTC on acceptance. */
export const dateTime = () => Type.String({ format: DATE_TIME_FORMAT });
/** Money or a cost: a finite number in [0, 1e9]. */
export const money = () => Type.Number({ minimum: 0, maximum: LIMITS.maxAmount });
export const flag = () => Type.Boolean();
export const int = (minimum: number, maximum: number) => Type.Integer({ minimum, maximum });
export const num = (minimum: number, maximum: number) => Type.Number({ minimum, maximum });
/** A closed set of string values; rejected values report the allowed list. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  Type.Unsafe<T[number]>(Type.Union(values.map((v) => Type.Literal(v))));
export const list = <T extends TSchema>(items: T) => Type.Array(items, { maxItems: LIMITS.maxArrayItems });

export const CHANNELS = ['online', 'offline'] as const;
export const VISIT_KINDS = ['first', 'follow_up'] as const;
export const channel = () => oneOf(CHANNELS);
export const visitKind = () => oneOf(VISIT_KINDS);

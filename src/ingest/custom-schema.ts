/**
 * Extra event types a source may declare (DOMAIN §2: unknown types only with a declared schema).
 * The accepted JSON is a deliberately small subset of JSON Schema: an object of typed fields
 * (string with optional enum / `format: "date-time"` / maxLength ≤ 256, number or integer with
 * bounds, boolean, array of those with maxItems ≤ 200), `required`, and `x-patient-identifying` on
 * string fields. No patterns, no nesting beyond arrays of scalars, no references: what a source
 * declares must stay cheap and safe to evaluate on every record.
 */
import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { CANONICAL_ATTRIBUTE_SCHEMAS } from './event-schemas.ts';
import { issue, type IngestIssue } from './errors.ts';
import { DATE_TIME_FORMAT, LIMITS, PATIENT_IDENTIFYING } from './schema-kit.ts';

export interface EventTypeDefinition {
  readonly name: string;
  readonly version: number;
  readonly attributes: TObject;
}

export type CompileSchemaResult =
  | { readonly ok: true; readonly definition: EventTypeDefinition }
  | { readonly ok: false; readonly errors: readonly IngestIssue[] };

export const TYPE_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_FIELDS = 64;
const MAX_ENUM = 100;
const MAX_BOUND = 1e12;

type Json = Readonly<Record<string, unknown>>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const ANNOTATIONS = ['description', 'title'];

function only(node: Json, allowed: readonly string[], path: string, errors: IngestIssue[]): void {
  for (const key of Object.keys(node)) {
    if (!allowed.includes(key) && !ANNOTATIONS.includes(key)) {
      errors.push(issue('INGEST_INVALID_SCHEMA', `keyword "${key}" is not supported`, `${path}/${key}`));
    }
  }
}

function bound(node: Json, key: string, fallback: number, path: string, errors: IngestIssue[]): number {
  const v = node[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > MAX_BOUND) {
    errors.push(issue('INGEST_INVALID_SCHEMA', `${key} must be a number within ±${MAX_BOUND}`, `${path}/${key}`));
    return fallback;
  }
  return v;
}

function compileString(node: Json, path: string, errors: IngestIssue[]): TSchema {
  only(node, ['type', 'maxLength', 'minLength', 'enum', 'format', PATIENT_IDENTIFYING], path, errors);
  const pii = node[PATIENT_IDENTIFYING] === true ? { [PATIENT_IDENTIFYING]: true } : {};
  if (node['format'] !== undefined) {
    if (node['format'] !== 'date-time') {
      errors.push(issue('INGEST_INVALID_SCHEMA', 'the only supported format is "date-time"', `${path}/format`));
    }
    return Type.String({ format: DATE_TIME_FORMAT });
  }
  const values = node['enum'];
  if (values !== undefined) {
    const valid =
      Array.isArray(values) &&
      values.length > 0 &&
      values.length <= MAX_ENUM &&
      values.every((v) => typeof v === 'string' && v.length > 0 && v.length <= LIMITS.maxCode);
    if (!valid) {
      errors.push(issue('INGEST_INVALID_SCHEMA', `enum must list 1..${MAX_ENUM} short strings`, `${path}/enum`));
      return Type.String();
    }
    return Type.Union((values as string[]).map((v) => Type.Literal(v)));
  }
  const maxLength = bound(node, 'maxLength', LIMITS.maxString, path, errors);
  const minLength = bound(node, 'minLength', 0, path, errors);
  if (maxLength > LIMITS.maxString || maxLength < 1 || minLength < 0 || minLength > maxLength) {
    errors.push(issue('INGEST_INVALID_SCHEMA', `string lengths must satisfy 0 ≤ minLength ≤ maxLength ≤ ${LIMITS.maxString}`, path));
  }
  return Type.String({ minLength, maxLength: Math.min(maxLength, LIMITS.maxString), ...pii });
}

function compileScalar(node: unknown, path: string, errors: IngestIssue[]): TSchema {
  if (!isObject(node)) {
    errors.push(issue('INGEST_INVALID_SCHEMA', 'a field must be a schema object', path));
    return Type.Never();
  }
  switch (node['type']) {
    case 'string':
      return compileString(node, path, errors);
    case 'number':
    case 'integer': {
      only(node, ['type', 'minimum', 'maximum'], path, errors);
      const minimum = bound(node, 'minimum', -LIMITS.maxAmount, path, errors);
      const maximum = bound(node, 'maximum', LIMITS.maxAmount, path, errors);
      if (minimum > maximum) errors.push(issue('INGEST_INVALID_SCHEMA', 'minimum exceeds maximum', path));
      return node['type'] === 'integer' ? Type.Integer({ minimum, maximum }) : Type.Number({ minimum, maximum });
    }
    case 'boolean':
      only(node, ['type'], path, errors);
      return Type.Boolean();
    default:
      errors.push(issue('INGEST_INVALID_SCHEMA', 'type must be string, number, integer, boolean or array', `${path}/type`));
      return Type.Never();
  }
}

function compileField(node: unknown, path: string, errors: IngestIssue[]): TSchema {
  if (isObject(node) && node['type'] === 'array') {
    only(node, ['type', 'items', 'maxItems'], path, errors);
    const maxItems = bound(node, 'maxItems', LIMITS.maxArrayItems, path, errors);
    if (maxItems < 0 || maxItems > LIMITS.maxArrayItems) {
      errors.push(issue('INGEST_INVALID_SCHEMA', `maxItems must be within 0..${LIMITS.maxArrayItems}`, `${path}/maxItems`));
    }
    const items = compileScalar(node['items'], `${path}/items`, errors);
    return Type.Array(items, { maxItems: Math.min(maxItems, LIMITS.maxArrayItems) });
  }
  return compileScalar(node, path, errors);
}

/** Compile `{ name, version?, schema: { type: 'object', properties, required? } }`. */
export function compileCustomSchema(json: unknown): CompileSchemaResult {
  const errors: IngestIssue[] = [];
  if (!isObject(json)) return { ok: false, errors: [issue('INGEST_INVALID_SCHEMA', 'expected an object', '')] };
  only(json, ['name', 'version', 'schema'], '', errors);
  const name = json['name'];
  if (typeof name !== 'string' || !TYPE_NAME.test(name)) {
    errors.push(issue('INGEST_INVALID_SCHEMA', 'name must match ^[a-z][a-z0-9_]{0,63}$', '/name'));
  } else if (Object.hasOwn(CANONICAL_ATTRIBUTE_SCHEMAS, name)) {
    errors.push(issue('INGEST_INVALID_SCHEMA', `"${name}" is a canonical type and cannot be redefined`, '/name'));
  }
  const version = json['version'] ?? 1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > 1000) {
    errors.push(issue('INGEST_INVALID_SCHEMA', 'version must be an integer 1..1000', '/version'));
  }
  const schema = json['schema'];
  if (!isObject(schema) || schema['type'] !== 'object' || !isObject(schema['properties'])) {
    errors.push(issue('INGEST_INVALID_SCHEMA', 'schema must be { type: "object", properties: {...} }', '/schema'));
    return { ok: false, errors };
  }
  only(schema, ['type', 'properties', 'required'], '/schema', errors);
  const props = schema['properties'];
  const names = Object.keys(props);
  if (names.length === 0 || names.length > MAX_FIELDS) {
    errors.push(issue('INGEST_INVALID_SCHEMA', `declare 1..${MAX_FIELDS} properties`, '/schema/properties'));
  }
  const required = schema['required'] ?? [];
  if (!Array.isArray(required) || !required.every((r) => typeof r === 'string' && names.includes(r))) {
    errors.push(issue('INGEST_INVALID_SCHEMA', 'required must list declared property names', '/schema/required'));
  }
  const fields: Record<string, TSchema> = {};
  for (const field of names) {
    const path = `/schema/properties/${field}`;
    if (!FIELD_NAME.test(field)) errors.push(issue('INGEST_INVALID_SCHEMA', 'invalid property name', path));
    const compiled = compileField(props[field], path, errors);
    fields[field] = Array.isArray(required) && required.includes(field) ? compiled : Type.Optional(compiled);
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    definition: {
      name: name as string,
      version: version as number,
      attributes: Type.Object(fields, { additionalProperties: false }),
    },
  };
}

import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { requestValueRules } from './schemas.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule.default as unknown as (ajv: Ajv) => Ajv;

const shared: Options = { allErrors: false, removeAdditional: false, useDefaults: true, strict: false };
// Bodies are taken as sent: a string where a number belongs is the sender's mistake.
const bodyAjv = addFormats(new Ajv({ ...shared, coerceTypes: false }));
// Query strings and path params are text by nature.
const textAjv = addFormats(new Ajv({ ...shared, coerceTypes: 'array' }));

/** A copy of the schema with every integer bounded to the safe range where it sets no bound itself. */
export function boundIntegers(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(boundIntegers);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = key === 'const' || key === 'enum' || key === 'default' || key === 'examples' ? value : boundIntegers(value);
  const type = out.type;
  if (type === 'integer' || (Array.isArray(type) && type.includes('integer'))) {
    if (out.maximum === undefined && out.exclusiveMaximum === undefined) out.maximum = requestValueRules.integerMaximum;
    if (out.minimum === undefined && out.exclusiveMinimum === undefined) out.minimum = requestValueRules.integerMinimum;
  }
  return out;
}

const pointerPart = (key: string | number) => String(key).replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The first place in a request value that breaks the rules for every value (a NUL character in
 * a string or key, nesting too deep), as an ajv-shaped error; null when there is none. Walks
 * without recursion, so no input can exhaust the stack.
 */
export function findUnsafeValue(data: unknown): ErrorObject | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: data, path: '', depth: 0 }];
  const error = (instancePath: string, message: string): ErrorObject => ({ keyword: 'requestValue', instancePath, schemaPath: '#', params: {}, message });
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value, path, depth } = item;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return error(path, 'must not contain NUL characters');
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= requestValueRules.maxNesting) return error(path, `must not be nested more than ${requestValueRules.maxNesting} levels deep`);
    for (const [key, child] of Object.entries(value)) {
      if (key.includes('\u0000')) return error(path, 'must not contain NUL characters in field names');
      stack.push({ value: child, path: `${path}/${pointerPart(key)}`, depth: depth + 1 });
    }
  }
  return null;
}

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' || httpPart === 'headers' ? bodyAjv : textAjv;
  const validate: ValidateFunction = ajv.compile(boundIntegers(schema) as object);
  const guarded: { (data: unknown): boolean; errors: ErrorObject[] | null } = (data: unknown): boolean => {
    const unsafe = findUnsafeValue(data);
    if (unsafe !== null) {
      guarded.errors = [unsafe];
      return false;
    }
    const ok = validate(data);
    guarded.errors = validate.errors ?? null;
    return ok;
  };
  guarded.errors = null;
  return guarded;
};

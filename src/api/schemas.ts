import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** The one error shape every failure answers with. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code, MODULE_REASON.' }),
      message: Type.String(),
      details: Type.Record(Type.String(), Type.Unknown()),
    }),
  },
  { $id: 'ErrorResponse', description: 'Error' },
);

const ErrorRef = Type.Unsafe<Static<typeof ErrorResponse>>(Type.Ref('ErrorResponse'));

export const errorResponses = { 400: ErrorRef, 401: ErrorRef, 403: ErrorRef, 404: ErrorRef, 409: ErrorRef };

/** Request bodies refuse unknown fields instead of dropping them silently. */
export function Body<T extends Parameters<typeof Type.Object>[0]>(properties: T, description?: string) {
  return Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });
}

export const Code = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', description: 'Org unit code' });
export const IdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
export const CodeParam = Type.Object({ code: Code }, { additionalProperties: false });
export const Ok = Type.Object({ ok: Type.Literal(true) });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const DateTime = Type.String({ format: 'date-time' });

/**
 * The rules every string and integer of every route obeys, whatever its own schema says; the
 * validator compiler (`validation.ts`) applies them to params, query, headers and bodies alike,
 * so no route can forget them:
 * - no NUL character anywhere in a request value or key (PostgreSQL's text and jsonb cannot
 *   hold one; it would otherwise end as a 500);
 * - integers within the safe range unless the schema bounds them more narrowly (ids are bigint;
 *   `1e999` or `99999999999999999999` would otherwise reach SQL as Infinity or a lost digit);
 * - no value nested deeper than `maxNesting` levels.
 */
export const requestValueRules = Object.freeze({
  integerMaximum: Number.MAX_SAFE_INTEGER,
  integerMinimum: -Number.MAX_SAFE_INTEGER,
  maxNesting: 64,
});

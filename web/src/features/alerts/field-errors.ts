import { ApiError } from '../../api/client.ts';

/**
 * A refused write's errors by field, for messages beside the inputs: the server names the field
 * as a JSON pointer into the request (`/body/bound`) and may list every error it found
 * (`details.errors: [{ path: '/bound', message }]`, paths relative to the body). Keys here are
 * body-relative pointers ('/bound', '/times/0/end'); '' holds what belongs to no field.
 */
export type FieldErrors = Readonly<Record<string, string>>;

export function fieldErrorsOf(error: unknown, bodyPrefix = '/body'): FieldErrors {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  const listed = error.details.errors;
  if (Array.isArray(listed)) {
    for (const e of listed as unknown[]) {
      if (typeof e === 'object' && e !== null && 'path' in e && 'message' in e && typeof e.path === 'string' && typeof e.message === 'string') {
        out[e.path] ??= e.message;
      }
    }
  }
  const field = error.details.field;
  if (typeof field === 'string') {
    const path = field.startsWith(bodyPrefix) ? field.slice(bodyPrefix.length) : field;
    out[path] ??= error.message;
  }
  return out;
}

/** The error for `path` itself or anything inside it (`/times` shows `/times/0/end` too). */
export function errorAt(errors: FieldErrors, path: string): string | null {
  if (errors[path] !== undefined) return errors[path];
  const inner = Object.keys(errors).find((k) => k.startsWith(`${path}/`));
  return inner === undefined ? null : (errors[inner] ?? null);
}

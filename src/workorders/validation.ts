/** A rejected input, pointing at the field. */
export interface WorkOrderValidationError {
  readonly ok: false;
  readonly code: 'WORKORDER_VALIDATION';
  readonly field: string;
  readonly message: string;
}

export function validationError(field: string, message: string): WorkOrderValidationError {
  return { ok: false, code: 'WORKORDER_VALIDATION', field, message };
}

/** Null when `value` is non-blank text of at most `max` characters, else the error. */
export function checkText(field: string, value: unknown, max: number): WorkOrderValidationError | null {
  if (typeof value !== 'string' || value.trim() === '') return validationError(field, `${field} is required`);
  if (value.length > max) return validationError(field, `${field} must be at most ${max} characters`);
  return null;
}

/** Null when `value` is a list of distinct non-blank ids (at least `min`), else the error. */
export function checkIds(field: string, value: readonly unknown[], min: number): WorkOrderValidationError | null {
  if (value.length < min) return validationError(field, `${field} needs at least ${min} entry`);
  if (value.some((v) => typeof v !== 'string' || v.trim() === '')) return validationError(field, `${field} must be non-blank ids`);
  if (new Set(value).size !== value.length) return validationError(field, `${field} must not repeat an id`);
  return null;
}

export const TEXT_MAX = 4000;
export const TITLE_MAX = 200;

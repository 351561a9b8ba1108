/**
 * The one error type the domain throws. It carries a stable code (`MODULE_REASON`) and details
 * a user can act on (the field, the allowed values), never an HTTP status: `api/error-map.ts`
 * maps codes to statuses.
 */
export interface ErrorDetails {
  readonly [key: string]: unknown;
}

export class AppError extends Error {
  readonly code: string;
  readonly details: ErrorDetails;

  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

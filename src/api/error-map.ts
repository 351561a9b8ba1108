/**
 * The one table from error codes to HTTP statuses. Domain errors carry no status; a code not
 * listed here falls back by its suffix, then to 400 (a user mistake), never to 500.
 */
const exact: Readonly<Record<string, number>> = {
  AUTH_UNAUTHENTICATED: 401,
  AUTH_INVALID_CREDENTIALS: 401,
  AUTH_SESSION_EXPIRED: 401,
  AUTH_FORBIDDEN: 403,
  AUTH_CSRF: 403,
  AUTH_PASSWORD_CHANGE_REQUIRED: 403,
  AUTH_ACCOUNT_DISABLED: 403,
  AUTH_THROTTLED: 429,
  WORKORDER_FORBIDDEN: 403,
  WORKORDER_NO_ROUTE: 409,
  PROBLEM_FORBIDDEN: 403,
  BUDGET_APPROVER_IS_SUBMITTER: 403,
  BUDGET_APPROVER_LEVEL: 403,
  USER_CANNOT_DISABLE_SELF: 409,
  ORG_MOVE_CYCLE: 409,
  ORG_INACTIVE: 409,
  SETTING_CHANGE_RUNNING: 409,
  BODY_TOO_LARGE: 413,
  INGEST_BATCH_TOO_LARGE: 413,
  INGEST_STORAGE_UNAVAILABLE: 503,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SERVICE_UNAVAILABLE: 503,
  SCORECARD_PERIOD_OPEN: 409,
  OVERLOADED: 503,
  RATE_LIMITED: 429,
};

const bySuffix: readonly (readonly [string, number])[] = [
  ['_NOT_FOUND', 404],
  ['_TAKEN', 409],
  ['_CONFLICT', 409],
  ['_INVALID_TRANSITION', 409],
];

export function statusOf(code: string): number {
  const direct = exact[code];
  if (direct !== undefined) return direct;
  for (const [suffix, status] of bySuffix) if (code.endsWith(suffix)) return status;
  return 400;
}

/** Fastify's own error codes for user mistakes, renamed to ours. */
export const fastifyCodes: Readonly<Record<string, { code: string; message: string }>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'This content type is not accepted here.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE', message: 'The request body is larger than the limit.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'BODY_EMPTY', message: 'The request body is empty but the content type says JSON.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'BODY_MALFORMED_JSON', message: 'The request body is not valid JSON.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'BODY_INVALID_LENGTH', message: 'The content length does not match the body.' },
  FST_ERR_CTP_INVALID_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The content type header is invalid.' },
  FST_ERR_NOT_FOUND: { code: 'ROUTE_NOT_FOUND', message: 'No such route.' },
  FST_ERR_BAD_URL: { code: 'BAD_URL', message: 'The URL is malformed.' },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'BAD_REQUEST', message: 'The request is malformed.' },
};

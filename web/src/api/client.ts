import type { ErrorBody } from './types.ts';

/**
 * The console's only way to the server. Writes carry the session's CSRF token; an expired
 * session sends the user to the sign-in page with a message, a session restricted to the
 * password change sends them to that page, and any other failure surfaces the server's own
 * message (through `onError`, unless the caller shows it inline with `quiet`).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiHooks {
  /** The session ended (expired, idle, signed out elsewhere): go to the sign-in page. */
  onSessionExpired(message: string): void;
  /** The session may only change the password (first sign-in or expiry). */
  onPasswordChangeRequired(): void;
  /** Any other failure the caller did not ask to handle itself. */
  onError(error: ApiError): void;
}

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | boolean | null | undefined>>;
  readonly body?: unknown;
  /** The caller shows the error itself (forms with inline messages). */
  readonly quiet?: boolean;
}

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
let csrfToken: string | null = null;
let hooks: ApiHooks | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function installApiHooks(next: ApiHooks): void {
  hooks = next;
}

export function queryString(query: RequestOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = value.error;
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}

async function parse(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // The console's language (set on <html lang> by i18n): texts the server renders, such as alert messages, follow it.
  if (typeof document !== 'undefined' && document.documentElement.lang !== '') headers['accept-language'] = document.documentElement.lang;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (writeMethods.has(method) && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`${path}${queryString(options.query)}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  } catch {
    const error = new ApiError(0, 'NETWORK', 'The server cannot be reached.');
    if (options.quiet !== true) hooks?.onError(error);
    throw error;
  }
  const payload = await parse(response);
  if (response.ok) return payload as T;
  const error = isErrorBody(payload)
    ? new ApiError(response.status, payload.error.code, payload.error.message, payload.error.details)
    : new ApiError(response.status, 'HTTP_ERROR', `The server answered ${response.status}.`);
  if (error.code === 'AUTH_SESSION_EXPIRED') {
    setCsrfToken(null);
    hooks?.onSessionExpired(error.message);
  } else if (error.code === 'AUTH_PASSWORD_CHANGE_REQUIRED') {
    hooks?.onPasswordChangeRequired();
  } else if (error.code === 'AUTH_UNAUTHENTICATED' && !path.startsWith('/api/auth/')) {
    hooks?.onSessionExpired(error.message);
  } else if (options.quiet !== true) {
    hooks?.onError(error);
  }
  throw error;
}

/** Sends a file as the raw request body (its own content type), e.g. a CSV or XLSX sheet. */
export async function upload<T>(path: string, file: Blob, query: RequestOptions['query'] = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': file.type === '' ? 'application/octet-stream' : file.type };
  if (csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(`${path}${queryString(query)}`, { method: 'POST', headers, credentials: 'same-origin', body: file });
  const payload = await parse(response);
  if (response.ok) return payload as T;
  throw isErrorBody(payload)
    ? new ApiError(response.status, payload.error.code, payload.error.message, payload.error.details)
    : new ApiError(response.status, 'HTTP_ERROR', `The server answered ${String(response.status)}.`);
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>) => request<T>('POST', path, { ...options, body: body ?? {} }),
  put: <T>(path: string, body: unknown, options?: Omit<RequestOptions, 'body'>) => request<T>('PUT', path, { ...options, body }),
  patch: <T>(path: string, body: unknown, options?: Omit<RequestOptions, 'body'>) => request<T>('PATCH', path, { ...options, body }),
  delete: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => request<T>('DELETE', path, options),
};

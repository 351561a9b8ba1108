import { api, ApiError } from '../../api/client.ts';
import type { ErrorBody, ListOf, TokenView } from '../../api/types.ts';
import { state } from '../../session.ts';
import type { Cadence, SourceView } from '../sources/api.ts';

/** What source administration sends to and reads from /api/sources, /api/event-types, /api/tokens and /api/ingest/file. */
export interface EventTypeView {
  readonly name: string;
  readonly version: number;
  readonly attributes: readonly string[];
  readonly required: readonly string[];
}

export interface SourceInput {
  readonly name: string;
  readonly allowedTypes: readonly string[];
  readonly cadence: Cadence | null;
}

export interface ColumnMappingInput {
  readonly columns: Readonly<Record<string, string>>;
  readonly constants?: Readonly<Record<string, string | number | boolean>>;
  readonly timeZone?: string;
  readonly dateFormat?: string;
}

export interface IngestReport {
  readonly received: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly conflicts: number;
  readonly rejected: number;
  readonly issues: readonly {
    readonly index: number; readonly outcome: 'duplicate' | 'conflict' | 'rejected'; readonly eventId: string | null;
    readonly code?: string; readonly message?: string; readonly path?: string;
  }[];
}

export const adminApi = {
  sources: () => api.get<ListOf<SourceView>>('/api/sources'),
  eventTypes: () => api.get<ListOf<EventTypeView>>('/api/event-types'),
  tokens: () => api.get<ListOf<TokenView>>('/api/tokens'),
  register: (body: SourceInput & { orgUnit: string }) =>
    api.post<{ source: SourceView; token: { id: number; secret: string } }>('/api/sources', body, { quiet: true }),
  update: (id: number, body: SourceInput & { active: boolean }) => api.patch<SourceView>(`/api/sources/${id}`, body, { quiet: true }),
  revokeToken: (tokenId: number) => api.delete<TokenView>(`/api/tokens/${tokenId}`),
  mapping: (id: number) => api.get<{ mapping: ColumnMappingInput | null }>(`/api/sources/${id}/mapping`),
  saveMapping: (id: number, mapping: ColumnMappingInput) => api.put<{ columns: number; timeZone: string }>(`/api/sources/${id}/mapping`, mapping, { quiet: true }),
  schemas: (id: number) => api.get<ListOf<{ type: string; version: number; definition: unknown }>>(`/api/sources/${id}/schemas`),
  saveSchema: (id: number, body: { name: string; version: number; schema: unknown }) =>
    api.put<{ type: string; version: number }>(`/api/sources/${id}/schemas`, body, { quiet: true }),
};

function parseJson(text: string): unknown {
  try {
    return text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}

/**
 * Uploads a CSV/XLSX file for a source through the real ingest endpoint, as multipart/form-data
 * (the shared JSON client cannot send a file); the session's CSRF token goes along like any write.
 * A refusal becomes an ApiError with the server's code and message.
 */
export async function uploadFile(sourceId: number, file: File): Promise<IngestReport> {
  const form = new FormData();
  form.append('file', file, file.name);
  const headers: Record<string, string> = { accept: 'application/json' };
  const csrf = state.session?.csrfToken;
  if (csrf !== undefined) headers['x-csrf-token'] = csrf;
  let response: Response;
  try {
    response = await fetch(`/api/ingest/file?sourceId=${sourceId}`, { method: 'POST', body: form, headers, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached.');
  }
  const payload = parseJson(await response.text());
  if (response.ok) return payload as IngestReport;
  const error = (payload as Partial<ErrorBody> | null)?.error;
  throw error === undefined ? new ApiError(response.status, 'HTTP_ERROR', `The server answered ${response.status}.`) : new ApiError(response.status, error.code, error.message, error.details);
}

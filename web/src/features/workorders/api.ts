import { api, ApiError } from '../../api/client.ts';

/** The work-order API as the console reads it (see /api/openapi.json, tag "workorders"). */
export const STATES = ['new', 'acknowledged', 'in_progress', 'on_hold', 'resolved', 'closed'] as const;
export type OrderState = (typeof STATES)[number];
export const HOLD_REASONS = ['awaiting_info', 'awaiting_vendor', 'awaiting_approval', 'other'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];
export const SEVERITIES = [1, 2, 3, 4] as const;

export interface Countdown {
  readonly due: string;
  readonly basis: 'clock' | 'working' | 'working_days';
  readonly leftMs: number;
  readonly overdue: boolean;
  readonly paused: boolean;
}

export interface OrderView {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly severity: number;
  readonly category: string;
  readonly orgUnit: string;
  readonly relatedOrgUnits: readonly string[];
  readonly origin: string;
  readonly ruleCode: string | null;
  readonly sourceAlerts: readonly string[];
  readonly originator: string;
  readonly assignees: readonly string[];
  readonly watchers: readonly string[];
  readonly state: OrderState;
  readonly createdAt: string;
  readonly acknowledgedAt: string | null;
  readonly resolvedAt: string | null;
  readonly closedAt: string | null;
  readonly closeOutcome: string | null;
  readonly closeNote: string | null;
  readonly hold: { readonly reason: HoldReason; readonly note: string; readonly since: string } | null;
  readonly rootCause: string | null;
  readonly actionTaken: string | null;
  readonly reopenCount: number;
  readonly recurrenceCount: number;
  readonly recurrenceOf: string | null;
  readonly indicatorRecoveredAt: string | null;
  readonly acknowledgeBy: string;
  readonly resolveBy: string;
  readonly resolvePaused: boolean;
  readonly escalations: readonly { readonly track: string; readonly index: number; readonly round: number; readonly at: string }[];
  readonly countdown: { readonly acknowledge: Countdown | null; readonly resolve: Countdown | null; readonly overdue: boolean };
}

export type People = Readonly<Record<string, string>>;

export interface TimelineEntry {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly from: string;
  readonly to: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface AttachmentView {
  readonly id: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly sizeBytes: number;
  readonly uploadedBy: string;
  readonly at: string;
}

export interface OrderDetail {
  readonly order: OrderView;
  readonly comments: readonly { readonly author: string; readonly at: string; readonly text: string }[];
  readonly attachments: readonly AttachmentView[];
  readonly timeline: readonly TimelineEntry[];
  readonly suggestions: readonly { readonly id: number; readonly problemId: number; readonly title: string; readonly body: string }[];
  /** What the signed-in user may do now: the console shows these and nothing else. */
  readonly yourCommands: readonly string[];
  readonly people: People;
}

export interface Delivery {
  readonly outboxId: number;
  readonly channel: string;
  readonly recipient: string;
  readonly event: string;
  readonly status: string;
  readonly attempts: number;
  readonly log: readonly { readonly at: string; readonly attempt: number; readonly ok: boolean; readonly detail: string }[];
}

export interface Person {
  readonly id: string;
  readonly displayName: string;
  readonly orgUnit: string;
  readonly role: string;
}

export interface ListQuery {
  readonly state?: string;
  readonly severity?: string;
  readonly org?: string;
  readonly assignee?: string;
  readonly overdue?: string;
  readonly limit?: number;
}

/** Attachment limits the upload route enforces (documented on the route; shown beside the picker). */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_ACCEPT = '.pdf,.png,.jpg,.jpeg,.xlsx,.docx,.csv,.txt';
export const ATTACHMENT_TYPES = [
  'application/pdf', 'image/png', 'image/jpeg', 'text/plain', 'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
];

export const workOrdersApi = {
  list: (query: ListQuery) => api.get<{ items: OrderView[]; people: People }>('/api/workorders', { query: { ...query } }),
  get: (id: string) => api.get<OrderDetail>(`/api/workorders/${id}`),
  act: (id: string, command: Record<string, unknown>) => api.post<OrderDetail>(`/api/workorders/${id}/actions`, command, { quiet: true }),
  create: (body: Record<string, unknown>) => api.post<OrderDetail>('/api/workorders', body, { quiet: true }),
  deliveries: (id: string) => api.get<{ items: Delivery[] }>(`/api/workorders/${id}/deliveries`),
  people: (org: string) => api.get<{ items: Person[] }>('/api/workorders/people', { query: { org } }),
  attachmentUrl: (id: string, attachmentId: string) => `/api/workorders/${id}/attachments/${attachmentId}`,
};

/**
 * Uploads a file as multipart (the JSON client cannot): the same CSRF header and error shape.
 * The token comes from the session the client already holds.
 */
export async function uploadAttachment(id: string, file: File, csrfToken: string): Promise<OrderDetail> {
  const form = new FormData();
  form.append('file', file, file.name);
  const response = await fetch(`/api/workorders/${id}/attachments`, {
    method: 'POST', body: form, credentials: 'same-origin', headers: { accept: 'application/json', 'x-csrf-token': csrfToken },
  });
  const payload = (await response.json().catch(() => null)) as unknown;
  if (response.ok) return payload as OrderDetail;
  const error = (payload as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error;
  throw new ApiError(response.status, error?.code ?? 'HTTP_ERROR', error?.message ?? `The server answered ${String(response.status)}.`, error?.details ?? {});
}

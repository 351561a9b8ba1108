import { api } from '../../api/client.ts';

/** Closed-loop configuration: routes, duty roster, escalation contacts, policies, calendars. */
export const TARGETS = ['liaison', 'department_head', 'center_lead', 'hospital_management'] as const;
export type Target = (typeof TARGETS)[number];
export type Basis = 'clock' | 'working' | 'working_days';
export type Span = { basis: 'clock' | 'working'; ms: number } | { basis: 'working_days'; days: number };
export interface DeadlinePolicy { bySeverity: Record<'1' | '2' | '3' | '4', { acknowledge: Span; resolve: Span }> }
export interface EscalationPolicy { levels: { target: Target; afterMs: number }[]; repeat: { count: number; intervalMs: number } }
export interface Policies { deadlines: DeadlinePolicy; escalation: EscalationPolicy; centerOrgUnit: string }

export interface RoutingView {
  readonly routes: readonly { readonly orgUnit: string; readonly category: string; readonly liaisons: readonly string[] }[];
  readonly roster: readonly { readonly id: number; readonly orgUnit: string; readonly userId: string; readonly from: string; readonly to: string }[];
  readonly contacts: readonly { readonly orgUnit: string; readonly target: Target; readonly userIds: readonly string[] }[];
}

export interface CalendarDocument {
  timeZone?: string;
  hours?: Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', string[]>>;
  makeUpDayHours?: string[];
  days?: { date: string; kind: 'off' | 'work'; name?: string }[];
}

export const adminApi = {
  routing: () => api.get<RoutingView>('/api/routing'),
  setRoute: (body: { orgUnit: string; category: string; liaisons: string[] }) => api.put<{ ok: true }>('/api/routing/routes', body, { quiet: true }),
  addRoster: (body: { orgUnit: string; userId: string; from: string; to: string }) => api.post<{ id: number }>('/api/routing/roster', body, { quiet: true }),
  removeRoster: (id: number) => api.delete<{ ok: true }>(`/api/routing/roster/${String(id)}`),
  setContacts: (body: { orgUnit: string; target: Target; userIds: string[] }) => api.put<{ ok: true }>('/api/routing/contacts', body, { quiet: true }),
  policies: () => api.get<Policies>('/api/workorders/policy'),
  setPolicies: (body: Partial<Policies>) => api.put<Policies>('/api/workorders/policy', body, { quiet: true }),
  calendar: (group: string) => api.get<CalendarDocument>('/api/calendar', { query: { group } }),
  setCalendar: (group: string, body: { document?: CalendarDocument; holidayText?: string }) =>
    api.put<CalendarDocument>(`/api/calendar?group=${encodeURIComponent(group)}`, body, { quiet: true }),
};

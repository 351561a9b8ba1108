import { api } from '../../api/client.ts';

/** The problem library and knowledge base as the console reads them (tag "problems"). */
export type ProblemState = 'open' | 'resolved' | 'closed';
export const PROBLEM_STATES: readonly ProblemState[] = ['open', 'resolved', 'closed'];

export interface ProblemLink { readonly kind: 'alert' | 'workorder'; readonly ref: string }

export interface ProblemView {
  readonly id: number;
  readonly title: string;
  readonly description: string;
  readonly orgUnit: string;
  readonly ruleCode: string | null;
  readonly category: string | null;
  readonly ownerId: string;
  readonly proposerId: string;
  readonly plan: string;
  readonly deadline: string | null;
  readonly state: ProblemState;
  readonly progress: number;
  readonly resolution: string | null;
  readonly createdAt: string;
  readonly resolvedAt: string | null;
  readonly closedAt: string | null;
  readonly allowedCommands: readonly string[];
  readonly links: readonly ProblemLink[];
  readonly updates: readonly { readonly authorId: string; readonly at: string; readonly body: string; readonly progress: number | null }[];
}

export interface Article {
  readonly id: number;
  readonly problemId: number;
  readonly title: string;
  readonly body: string;
  readonly ruleCode: string | null;
  readonly orgUnit: string;
  readonly createdAt: string;
}

export const problemsApi = {
  list: (state?: string) => api.get<{ items: ProblemView[] }>('/api/problems', { query: { state } }),
  get: (id: string) => api.get<ProblemView>(`/api/problems/${id}`, { quiet: true }),
  create: (body: Record<string, unknown>) => api.post<ProblemView>('/api/problems', body, { quiet: true }),
  act: (id: number, command: Record<string, unknown>) => api.post<ProblemView>(`/api/problems/${String(id)}/actions`, command, { quiet: true }),
  search: (q: string) => api.get<{ items: Article[] }>('/api/knowledge', { query: { q } }),
};

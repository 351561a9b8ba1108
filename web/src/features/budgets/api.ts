import { api, upload } from '../../api/client.ts';

/** Budgets and quality costs as the console reads them (tags "budgets" and "quality-costs"). */
export interface ExecutionCell {
  readonly period: string;
  readonly budget: number;
  readonly effectiveBudget: number;
  readonly actual: number;
  readonly executionRate: number | null;
  readonly deviationRate: number | null;
  readonly originalBudget?: number;
}

export interface Execution {
  readonly fiscalYear: number;
  readonly grain: string;
  readonly closedMonths: number;
  readonly orgs: readonly { code: string; name: string; nameEn: string | null; hasChildren: boolean }[];
  readonly items: readonly { code: string; nameZh: string; nameEn: string; kind: string; hasChildren: boolean }[];
  readonly rows: readonly { orgUnit: string; item: string; cells: readonly ExecutionCell[] }[];
}

export interface SheetError { readonly row: number; readonly column: string; readonly header: string; readonly code: string; readonly message: string }

export interface Adjustment {
  readonly id: number; readonly fiscalYear: number; readonly orgUnit: string; readonly status: string; readonly reason: string;
  readonly lines: readonly { item: string; month: number; original: number; adjusted: number }[];
  readonly requestedBy: string; readonly decidedBy: string | null;
}

export interface OutOfBudget {
  readonly id: number; readonly orgUnit: string; readonly item: string; readonly month: number; readonly amount: number; readonly reason: string;
  readonly level: string; readonly status: string; readonly requestedBy: string; readonly decidedBy: string | null;
}

type Summary = {
  readonly byCategory: Readonly<Record<string, number>>; readonly total: number; readonly shares: Readonly<Record<string, number | null>>;
  readonly revenue: number; readonly costToRevenue: number | null; readonly failureToPrevention: number | null;
};

export interface PafReport extends Summary {
  readonly trend: readonly (Summary & { month: number })[];
  readonly units: readonly (Summary & { orgUnit: string; name: string; nameEn: string | null; rank: number })[];
  readonly target: { failureLastYear: number; failureThisYear: number; change: number | null; goal: number; met: boolean | null };
}

export const budgetsApi = {
  execution: (q: { year: number; org: string; item?: string; grain: string }) => api.get<Execution>('/api/budgets/execution', { query: q }),
  requests: (year: number) => api.get<{ adjustments: Adjustment[]; exceptions: OutOfBudget[] }>('/api/budgets/requests', { query: { year } }),
  decideAdjustment: (id: number, decision: 'approve' | 'reject') => api.post<Adjustment>(`/api/budgets/adjustments/${String(id)}/decision`, { decision }, { quiet: true }),
  decideException: (id: number, decision: 'approve' | 'reject') => api.post<OutOfBudget>(`/api/budgets/exceptions/${String(id)}/decision`, { decision }, { quiet: true }),
  importSheet: (year: number, file: File, kind: 'budget' | 'actual') => upload<{ lines: number; orgUnits: number }>('/api/budgets/import', file, { year, kind, fileName: file.name }),
  paf: (year: number, org: string) => api.get<PafReport>('/api/quality-costs/report', { query: { year, org } }),
};

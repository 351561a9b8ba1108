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
  readonly outOfBudget: number;
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

export interface BudgetView {
  readonly fiscalYear: number; readonly orgUnit: string; readonly status: 'none' | 'draft' | 'submitted' | 'approved'; readonly carryRule: string;
  readonly submittedBy: string | null; readonly approvedBy: string | null; readonly approvedAt: string | null;
  readonly lines: readonly { item: string; month: number; amount: number; originalAmount: number | null }[];
}
export interface BudgetItemView { readonly code: string; readonly nameZh: string; readonly nameEn: string; readonly kind: string; readonly parent: string | null; readonly sortOrder: number }
export interface QualityCostEntry { readonly id: number; readonly orgUnit: string; readonly month: string; readonly category: string; readonly amount: number; readonly description: string; readonly enteredBy: string }
export type LineInput = { item: string; month: number; amount: number };

export const budgetEntryApi = {
  items: () => api.get<{ items: BudgetItemView[] }>('/api/budgets/items'),
  view: (year: number, org: string) => api.get<BudgetView>(`/api/budgets/${String(year)}/${encodeURIComponent(org)}`),
  saveLines: (year: number, org: string, body: { lines: LineInput[]; carryRule: string }) => api.put<BudgetView>(`/api/budgets/${String(year)}/${encodeURIComponent(org)}/lines`, body, { quiet: true }),
  transition: (year: number, org: string, action: 'submit' | 'approve' | 'return') => api.post<BudgetView>(`/api/budgets/${String(year)}/${encodeURIComponent(org)}/${action}`, {}, { quiet: true }),
  requestAdjustment: (year: number, org: string, body: { reason: string; lines: LineInput[] }) => api.post<Adjustment>(`/api/budgets/${String(year)}/${encodeURIComponent(org)}/adjustment`, body, { quiet: true }),
  requestException: (year: number, org: string, body: LineInput & { reason: string }) => api.post<OutOfBudget>(`/api/budgets/${String(year)}/${encodeURIComponent(org)}/exceptions`, body, { quiet: true }),
  qualityEntries: (year: number) => api.get<{ items: QualityCostEntry[] }>('/api/quality-costs/entries', { query: { year } }),
  addQualityEntry: (body: { orgUnit: string; month: string; category: string; amount: number; description: string }) => api.post<{ id: number }>('/api/quality-costs/entries', body, { quiet: true }),
  target: (year: number, org: string) => api.get<{ failureChange: number; setOn: string | null }>('/api/quality-costs/target', { query: { year, org } }),
  setTarget: (body: { orgUnit: string; year: number; failureChange: number }) => api.put<null>('/api/quality-costs/target', body, { quiet: true }),
};

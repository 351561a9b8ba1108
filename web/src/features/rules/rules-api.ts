/** The shapes the rules pages read from /api/rules. */
export interface RuleView {
  readonly code: string;
  readonly kind: string;
  readonly version: number;
  readonly enabled: boolean;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly scope: { readonly orgUnit: string; readonly includeDescendants: boolean };
  readonly severity: number;
  readonly category: string;
  readonly definition: Readonly<Record<string, unknown>>;
  readonly lastError: string | null;
  readonly lastErrorAt: string | null;
  readonly updatedAt: string;
}

export interface RuleVersion {
  readonly version: number;
  readonly savedAt: string;
  readonly savedBy: string;
  readonly definition: Readonly<Record<string, unknown>>;
}

export interface DryRunResult {
  readonly firings: number;
  readonly episodes: number;
  readonly periodsEvaluated: number;
  readonly noData: number;
  readonly skipped: number;
  readonly pending: number;
  readonly examples: readonly { readonly orgUnit: string; readonly seriesKey: string; readonly periodKey: string; readonly value: number | null; readonly bound: number | null; readonly reason: string }[];
}

/** The pack a shipped rule came from (its `pack` label); null for rules written here. */
export function packOf(rule: Pick<RuleView, 'definition'>): string | null {
  const labels = rule.definition.labels;
  if (typeof labels !== 'object' || labels === null) return null;
  const pack = (labels as Record<string, unknown>).pack;
  return typeof pack === 'string' ? pack : null;
}

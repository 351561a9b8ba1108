/**
 * The execution view (pure): budget lines and their actuals summed along the org tree and the
 * item tree (a node's figures are its own lines plus those of its subtree), per month, quarter,
 * half-year or year, with execution rate = actual / budget and deviation rate =
 * (actual − budget) / budget (null without a budget).
 */
export const executionGrains = ['month', 'quarter', 'half', 'year'] as const;
export type ExecutionGrain = (typeof executionGrains)[number];

export interface TreeNode {
  readonly id: number;
  readonly parentId: number | null;
}

/** One line's twelve months: the approved budget, the budget after carry-forward, and actuals. */
export interface LineFigures {
  readonly orgUnitId: number;
  readonly itemId: number;
  readonly budget: readonly number[];
  readonly effective: readonly number[];
  readonly actual: readonly number[];
  /** The line before an approved adjustment (absent when never adjusted). */
  readonly original?: readonly number[];
  /** Approved out-of-budget spending (预算外支出) per month (absent when none). */
  readonly outOfBudget?: readonly number[];
}

export interface ExecutionCell {
  readonly period: string;
  readonly budget: number;
  readonly effectiveBudget: number;
  readonly actual: number;
  readonly executionRate: number | null;
  readonly deviationRate: number | null;
  readonly originalBudget?: number;
  /** Approved out-of-budget spending in the period: shown beside the figures, never added to the budget. */
  readonly outOfBudget: number;
}

export interface PeriodSpan {
  readonly key: string;
  readonly months: readonly number[];
}

export function periodSpans(grain: ExecutionGrain): PeriodSpan[] {
  const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
  switch (grain) {
    case 'month':
      return range(1, 12).map((m) => ({ key: `M${String(m).padStart(2, '0')}`, months: [m] }));
    case 'quarter':
      return range(1, 4).map((q) => ({ key: `Q${String(q)}`, months: range(q * 3 - 2, 3) }));
    case 'half':
      return [{ key: 'H1', months: range(1, 6) }, { key: 'H2', months: range(7, 6) }];
    case 'year':
      return [{ key: 'Y', months: range(1, 12) }];
  }
}

const zeros = (): number[] => Array<number>(12).fill(0);
const round2 = (v: number): number => Math.round(v * 100) / 100;
const rate = (v: number): number => Math.round(v * 1e6) / 1e6;

export function executionCell(period: string, budget: number, effectiveBudget: number, actual: number, originalBudget?: number, outOfBudget = 0): ExecutionCell {
  return {
    period, budget: round2(budget), effectiveBudget: round2(effectiveBudget), actual: round2(actual), outOfBudget: round2(outOfBudget),
    executionRate: effectiveBudget > 0 ? rate(actual / effectiveBudget) : null,
    deviationRate: effectiveBudget > 0 ? rate((actual - effectiveBudget) / effectiveBudget) : null,
    ...(originalBudget !== undefined ? { originalBudget: round2(originalBudget) } : {}),
  };
}

/** Ancestors-or-self of every node (a node missing from the tree is its own only ancestor). */
export function ancestorsOf(nodes: readonly TreeNode[]): (id: number) => readonly number[] {
  const parent = new Map(nodes.map((n) => [n.id, n.parentId]));
  const cache = new Map<number, number[]>();
  const up = (id: number): number[] => {
    const known = cache.get(id);
    if (known) return known;
    const chain: number[] = [id];
    const seen = new Set([id]);
    for (let p = parent.get(id) ?? null; p !== null && !seen.has(p); p = parent.get(p) ?? null) {
      chain.push(p);
      seen.add(p);
    }
    cache.set(id, chain);
    return chain;
  };
  return up;
}

export interface ExecutionRow {
  readonly orgUnitId: number;
  readonly itemId: number | null;
  readonly cells: readonly ExecutionCell[];
}

/**
 * The grid of `orgRows` × `itemRows` (an item row null = every item) at `grain`: each row sums
 * the lines whose org unit lies in its org node's subtree and whose item lies in its item node's.
 */
export function executionGrid(input: {
  readonly lines: readonly LineFigures[];
  readonly orgs: readonly TreeNode[];
  readonly items: readonly TreeNode[];
  readonly orgRows: readonly number[];
  readonly itemRows: readonly (number | null)[];
  readonly grain: ExecutionGrain;
}): ExecutionRow[] {
  const orgUp = ancestorsOf(input.orgs);
  const itemUp = ancestorsOf(input.items);
  const key = (o: number, i: number | null) => `${String(o)}:${i === null ? '*' : String(i)}`;
  const wanted = new Set(input.orgRows.flatMap((o) => input.itemRows.map((i) => key(o, i))));
  const acc = new Map<string, { budget: number[]; effective: number[]; actual: number[]; original: number[]; outOfBudget: number[]; adjusted: boolean }>();
  for (const line of input.lines) {
    for (const o of orgUp(line.orgUnitId)) {
      for (const i of [null, ...itemUp(line.itemId)]) {
        const k = key(o, i);
        if (!wanted.has(k)) continue;
        let a = acc.get(k);
        if (!a) acc.set(k, (a = { budget: zeros(), effective: zeros(), actual: zeros(), original: zeros(), outOfBudget: zeros(), adjusted: false }));
        for (let m = 0; m < 12; m++) {
          a.budget[m] = (a.budget[m] ?? 0) + (line.budget[m] ?? 0);
          a.effective[m] = (a.effective[m] ?? 0) + (line.effective[m] ?? 0);
          a.actual[m] = (a.actual[m] ?? 0) + (line.actual[m] ?? 0);
          a.original[m] = (a.original[m] ?? 0) + (line.original?.[m] ?? line.budget[m] ?? 0);
          a.outOfBudget[m] = (a.outOfBudget[m] ?? 0) + (line.outOfBudget?.[m] ?? 0);
        }
        if (line.original) a.adjusted = true;
      }
    }
  }
  const spans = periodSpans(input.grain);
  const sum = (v: readonly number[], months: readonly number[]) => months.reduce((s, m) => s + (v[m - 1] ?? 0), 0);
  const rows: ExecutionRow[] = [];
  for (const o of input.orgRows) {
    for (const i of input.itemRows) {
      const a = acc.get(key(o, i));
      rows.push({
        orgUnitId: o, itemId: i,
        cells: spans.map((s) => a
          ? executionCell(s.key, sum(a.budget, s.months), sum(a.effective, s.months), sum(a.actual, s.months), a.adjusted ? sum(a.original, s.months) : undefined, sum(a.outOfBudget, s.months))
          : executionCell(s.key, 0, 0, 0)),
      });
    }
  }
  return rows;
}

/**
 * Budget items (科目) form one tree of revenue and cost items; budget lines and actuals sit on
 * leaves, and a parent's figures are the sums of its subtree (pure helpers).
 */
export interface BudgetItem {
  readonly id: number;
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly kind: 'revenue' | 'cost';
  readonly parentId: number | null;
  readonly sortOrder: number;
}

/** Items without children, in the order given. */
export function leafItems<T extends { readonly id: number; readonly parentId: number | null }>(items: readonly T[]): T[] {
  const parents = new Set(items.map((i) => i.parentId).filter((p) => p !== null));
  return items.filter((i) => !parents.has(i.id));
}

/** The children of `parentId` (null = the roots), in the order given. */
export function childItems<T extends { readonly parentId: number | null }>(items: readonly T[], parentId: number | null): T[] {
  return items.filter((i) => i.parentId === parentId);
}

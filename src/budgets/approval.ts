/**
 * Approval levels of out-of-budget spending (预算外支出), pure: a request goes to the first level
 * whose ceiling holds its amount (levels ordered by ceiling, the last one without a ceiling), and
 * it may be approved by a holder of that level's role — or of a higher one (department head <
 * finance < general manager; an administrator approves any) — on the requesting unit.
 */
export type ApproverRole = 'liaison' | 'analyst' | 'executive' | 'admin';

export interface ApprovalLevel {
  readonly code: string;
  readonly nameZh: string;
  readonly nameEn: string;
  /** Largest amount this level approves; null = any amount. */
  readonly maxAmount: number | null;
  readonly approverRole: ApproverRole;
}

export const DEFAULT_APPROVAL_LEVELS: readonly ApprovalLevel[] = [
  { code: 'department_head', nameZh: '科室主任', nameEn: 'Department head', maxAmount: 10_000, approverRole: 'liaison' },
  { code: 'finance', nameZh: '财务部门', nameEn: 'Finance', maxAmount: 100_000, approverRole: 'analyst' },
  { code: 'general_manager', nameZh: '总经理/院长', nameEn: 'General manager', maxAmount: null, approverRole: 'executive' },
];

const RANK: Readonly<Record<ApproverRole, number>> = { liaison: 1, analyst: 2, executive: 3, admin: 4 };

/** Levels in order of ceiling; a problem when there are none, two share a ceiling, or the last has one. */
export function checkLevels(levels: readonly ApprovalLevel[]): string | null {
  if (levels.length === 0) return 'at least one level is needed';
  const ceilings = levels.map((l) => l.maxAmount);
  if (ceilings.slice(0, -1).some((c) => c === null)) return 'only the last level may approve any amount';
  if (ceilings.at(-1) !== null) return 'the last level must approve any amount (no ceiling)';
  for (let i = 1; i < levels.length - 1; i++) if ((ceilings[i] ?? 0) <= (ceilings[i - 1] ?? 0)) return 'ceilings must rise from one level to the next';
  if (new Set(levels.map((l) => l.code)).size !== levels.length) return 'level codes must be unique';
  return null;
}

export function levelFor(levels: readonly ApprovalLevel[], amount: number): ApprovalLevel {
  const level = levels.find((l) => l.maxAmount === null || amount <= l.maxAmount) ?? levels.at(-1);
  if (!level) throw new Error('no approval levels');
  return level;
}

/** Whether someone holding `roles` on the unit may approve at `level`. */
export function mayApprove(level: ApprovalLevel, roles: readonly ApproverRole[]): boolean {
  return roles.some((r) => RANK[r] >= RANK[level.approverRole]);
}

/**
 * Roles, permissions and scope: a grant gives one role over one org subtree, and a principal
 * may act on an org unit when one of its grants covers that unit with a role holding the
 * permission. This is the only place that decides it.
 */
export const userRoles = ['admin', 'analyst', 'liaison', 'executive'] as const;
export type UserRole = (typeof userRoles)[number];
export type TokenRole = 'source' | 'analyst' | 'executive' | 'admin';
export type Role = UserRole | 'source';

export const permissions = [
  'org.read', 'org.manage',
  'user.read', 'user.manage',
  'token.manage',
  'audit.read',
  'settings.manage',
  'source.read', 'source.manage',
  'ingest.write',
  'indicator.read', 'indicator.manage',
  'rule.read', 'rule.manage',
  'alert.read', 'alert.act',
  'workorder.read', 'workorder.act', 'workorder.manage',
  'budget.read', 'budget.write', 'budget.approve', 'budget.manage',
  'report.read', 'report.manage',
  'scorecard.read', 'scorecard.appeal', 'scorecard.manage',
  'commitment.read', 'commitment.manage',
] as const;
export type Permission = (typeof permissions)[number];

const readAll: readonly Permission[] = ['org.read', 'source.read', 'indicator.read', 'rule.read', 'alert.read', 'workorder.read', 'report.read', 'scorecard.read', 'commitment.read'];

export const rolePermissions: Readonly<Record<Role, readonly Permission[]>> = {
  admin: permissions,
  // Budgets (DOMAIN §8): a department enters its own budget and requests; finance (analyst) approves and
  // keeps the item tree; the executive approves (large out-of-budget spending) — approval levels say who.
  analyst: [...readAll, 'indicator.manage', 'rule.manage', 'alert.act', 'workorder.act', 'workorder.manage', 'budget.read', 'budget.write', 'budget.approve', 'budget.manage', 'report.manage'],
  liaison: ['org.read', 'indicator.read', 'alert.read', 'workorder.read', 'workorder.act', 'budget.read', 'budget.write', 'report.read', 'scorecard.read', 'scorecard.appeal', 'commitment.read'],
  executive: [...readAll, 'budget.read', 'budget.approve'],
  source: ['ingest.write'],
};

export interface Grant {
  readonly role: Role;
  readonly orgUnitId: number;
  /** Materialised path of the granted org unit ('/1/4/'). */
  readonly orgPath: string;
}

export interface Principal {
  readonly kind: 'user' | 'token';
  readonly id: number;
  readonly name: string;
  readonly grants: readonly Grant[];
  /** A session restricted to changing the password (first login or expiry). */
  readonly passwordChangeOnly: boolean;
}

export function roleHas(role: Role, permission: Permission): boolean {
  return rolePermissions[role].includes(permission);
}

/** Whether the principal holds `permission` on the org unit at `orgPath`. */
export function can(principal: Principal, permission: Permission, orgPath: string): boolean {
  return principal.grants.some((g) => orgPath.startsWith(g.orgPath) && roleHas(g.role, permission));
}

/** Whether the org unit at `orgPath` is visible at all (any role) — otherwise it "does not exist". */
export function canSee(principal: Principal, orgPath: string): boolean {
  return principal.grants.some((g) => orgPath.startsWith(g.orgPath));
}

/** Whether the principal holds `permission` anywhere. */
export function holdsAnywhere(principal: Principal, permission: Permission): boolean {
  return principal.grants.some((g) => roleHas(g.role, permission));
}

/** The subtree roots where the principal holds `permission`, without nested duplicates. */
export function scopePaths(principal: Principal, permission: Permission): string[] {
  const paths = [...new Set(principal.grants.filter((g) => roleHas(g.role, permission)).map((g) => g.orgPath))].sort();
  return paths.filter((p) => !paths.some((other) => other !== p && p.startsWith(other)));
}

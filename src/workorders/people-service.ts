import { roleHas, userRoles, type Permission } from '../auth/index.ts';
import { AppError } from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';
import { idsOutOfScope, visibleNames } from './people.ts';
import { scopedPeople } from './people-repo.ts';

/**
 * Checks and looks up the people on work orders against the order's scope (see people.ts): the
 * check on every write that names people, and the names an order's reader is shown.
 */
export type PeoplePermission = Extract<Permission, 'workorder.read' | 'workorder.act'>;

function rolesWith(permission: PeoplePermission): string[] {
  return userRoles.filter((r) => roleHas(r, permission));
}

function userIds(ids: readonly string[]): number[] {
  return [...new Set(ids.filter((id) => /^[1-9]\d{0,17}$/.test(id)).map(Number).filter((n) => Number.isSafeInteger(n)))];
}

/**
 * Refuses ids that are not enabled users holding `permission` on the org unit at `orgPath` (a
 * grant on it or an ancestor). Unknown and out-of-scope ids get the same answer, so the check
 * tells a caller nothing about users outside their scope. Returns the ids as numbers, deduplicated.
 */
export async function requirePeopleInScope(db: Queryable, orgPath: string, ids: readonly string[], permission: PeoplePermission, field: string): Promise<number[]> {
  if (ids.length === 0) return [];
  const out = idsOutOfScope(ids, await scopedPeople(db, userIds(ids), rolesWith(permission)), orgPath);
  if (out.length > 0) {
    const may = permission === 'workorder.act' ? 'act on' : 'read';
    throw new AppError('WORKORDER_PERSON_OUT_OF_SCOPE', `User id ${out.join(', ')} cannot be named here: not an active user who may ${may} work orders of this org unit.`, { field, userIds: out });
  }
  return userIds(ids);
}

/** Display names of the ids each order mentions, only of users who may read that order; one query for all the orders. */
export async function namesForReaders(db: Queryable, orders: readonly { readonly orgPath: string; readonly ids: readonly string[] }[]): Promise<Map<string, string>> {
  const people = await scopedPeople(db, userIds(orders.flatMap((o) => o.ids)), rolesWith('workorder.read'));
  const names = new Map<string, string>();
  for (const o of orders) {
    const mentioned = new Set(o.ids);
    for (const [id, name] of visibleNames(people, o.orgPath)) if (mentioned.has(id)) names.set(id, name);
  }
  return names;
}

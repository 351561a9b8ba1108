import type { Queryable } from '../store/index.ts';
import type { EscalationTarget } from './escalation.ts';
import type { RosterEntry, WorkOrderRoute } from './routing.ts';

/** SQL for routes, the duty roster, escalation contacts and working calendars. */
export interface RouteRow {
  readonly orgUnit: string;
  readonly category: string;
  readonly userIds: readonly string[];
}

export async function listRoutes(db: Queryable, scopePaths?: readonly string[]): Promise<RouteRow[]> {
  const r = await db.query<{ code: string; category: string; users: number[] }>(
    `SELECT o.code, r.category, array_agg(r.user_id ORDER BY r.user_id) AS users
     FROM work_order_route r JOIN org_unit o ON o.id = r.org_unit_id
     WHERE $1::text[] IS NULL OR o.path LIKE ANY($1::text[])
     GROUP BY o.code, r.category ORDER BY o.code, r.category`,
    [scopePaths ? scopePaths.map((p) => `${p}%`) : null],
  );
  return r.rows.map((x) => ({ orgUnit: x.code, category: x.category, userIds: x.users.map(String) }));
}

/** Routes on a list of org units (the order's path), in the routing core's shape. */
export async function routesOn(db: Queryable, orgUnitIds: readonly number[]): Promise<WorkOrderRoute[]> {
  const r = await db.query<{ code: string; category: string; users: number[] }>(
    `SELECT o.code, r.category, array_agg(r.user_id ORDER BY r.user_id) AS users
     FROM work_order_route r JOIN org_unit o ON o.id = r.org_unit_id
     WHERE r.org_unit_id = ANY($1::bigint[]) GROUP BY o.code, r.category`,
    [orgUnitIds],
  );
  return r.rows.map((x) => ({ orgUnit: x.code, category: x.category, liaisons: x.users.map(String) }));
}

/** Replaces the liaisons of one (org unit, category) route; an empty list removes it. */
export async function replaceRoute(tx: Queryable, orgUnitId: number, category: string, userIds: readonly number[]): Promise<void> {
  await tx.query('DELETE FROM work_order_route WHERE org_unit_id = $1 AND category = $2', [orgUnitId, category]);
  for (const userId of userIds) {
    await tx.query('INSERT INTO work_order_route (org_unit_id, category, user_id) VALUES ($1,$2,$3)', [orgUnitId, category, userId]);
  }
}

export interface RosterRow {
  readonly id: number;
  readonly orgUnit: string;
  readonly userId: string;
  readonly from: Date;
  readonly to: Date;
}

export async function listRoster(db: Queryable, scopePaths: readonly string[] | null, at?: Date): Promise<RosterRow[]> {
  const r = await db.query<{ id: number; code: string; user_id: number; starts_at: Date; ends_at: Date }>(
    `SELECT d.id, o.code, d.user_id, d.starts_at, d.ends_at FROM duty_roster d JOIN org_unit o ON o.id = d.org_unit_id
     WHERE ($1::text[] IS NULL OR o.path LIKE ANY($1::text[])) AND ($2::timestamptz IS NULL OR (d.starts_at <= $2 AND $2 < d.ends_at))
     ORDER BY d.starts_at, d.id`,
    [scopePaths ? scopePaths.map((p) => `${p}%`) : null, at ?? null],
  );
  return r.rows.map((x) => ({ id: x.id, orgUnit: x.code, userId: String(x.user_id), from: x.starts_at, to: x.ends_at }));
}

export function toRosterEntries(rows: readonly RosterRow[]): RosterEntry[] {
  return rows.map((r) => ({ orgUnit: r.orgUnit, userId: r.userId, from: r.from, to: r.to }));
}

export async function insertRoster(tx: Queryable, e: { orgUnitId: number; userId: number; from: Date; to: Date }): Promise<number> {
  const r = await tx.query<{ id: number }>('INSERT INTO duty_roster (org_unit_id, user_id, starts_at, ends_at) VALUES ($1,$2,$3,$4) RETURNING id', [
    e.orgUnitId, e.userId, e.from, e.to,
  ]);
  return r.rows[0]?.id ?? 0;
}

export async function findRosterEntry(db: Queryable, id: number): Promise<(RosterRow & { orgPath: string }) | null> {
  const r = await db.query<{ id: number; code: string; path: string; user_id: number; starts_at: Date; ends_at: Date }>(
    'SELECT d.id, o.code, o.path, d.user_id, d.starts_at, d.ends_at FROM duty_roster d JOIN org_unit o ON o.id = d.org_unit_id WHERE d.id = $1', [id]);
  const x = r.rows[0];
  return x ? { id: x.id, orgUnit: x.code, orgPath: x.path, userId: String(x.user_id), from: x.starts_at, to: x.ends_at } : null;
}

export async function deleteRoster(tx: Queryable, id: number): Promise<void> {
  await tx.query('DELETE FROM duty_roster WHERE id = $1', [id]);
}

export interface ContactRow {
  readonly orgUnit: string;
  readonly target: EscalationTarget;
  readonly userIds: readonly string[];
}

export async function listContacts(db: Queryable, scopePaths: readonly string[] | null): Promise<ContactRow[]> {
  const r = await db.query<{ code: string; target: EscalationTarget; users: number[] }>(
    `SELECT o.code, c.target, array_agg(c.user_id ORDER BY c.user_id) AS users FROM escalation_contact c JOIN org_unit o ON o.id = c.org_unit_id
     WHERE $1::text[] IS NULL OR o.path LIKE ANY($1::text[]) GROUP BY o.code, c.target ORDER BY o.code, c.target`,
    [scopePaths ? scopePaths.map((p) => `${p}%`) : null],
  );
  return r.rows.map((x) => ({ orgUnit: x.code, target: x.target, userIds: x.users.map(String) }));
}

/** Contacts for a target on the nearest org unit of the path (deepest first) that has any. */
export async function nearestContacts(db: Queryable, orgUnitIdsRootFirst: readonly number[], target: EscalationTarget): Promise<string[]> {
  const r = await db.query<{ org_unit_id: number; user_id: number }>(
    'SELECT org_unit_id, user_id FROM escalation_contact WHERE target = $1 AND org_unit_id = ANY($2::bigint[]) ORDER BY user_id', [target, orgUnitIdsRootFirst]);
  for (const id of [...orgUnitIdsRootFirst].reverse()) {
    const here = r.rows.filter((x) => x.org_unit_id === id).map((x) => String(x.user_id));
    if (here.length > 0) return here;
  }
  return [];
}

export async function replaceContacts(tx: Queryable, orgUnitId: number, target: EscalationTarget, userIds: readonly number[]): Promise<void> {
  await tx.query('DELETE FROM escalation_contact WHERE org_unit_id = $1 AND target = $2', [orgUnitId, target]);
  for (const userId of userIds) {
    await tx.query('INSERT INTO escalation_contact (org_unit_id, target, user_id) VALUES ($1,$2,$3)', [orgUnitId, target, userId]);
  }
}

export async function readCalendarDocument(db: Queryable, groupId: number): Promise<unknown> {
  const r = await db.query<{ document: unknown }>('SELECT document FROM working_calendar WHERE org_unit_id = $1', [groupId]);
  return r.rows[0]?.document ?? null;
}

export async function writeCalendarDocument(tx: Queryable, groupId: number, document: unknown, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO working_calendar (org_unit_id, document, updated_at) VALUES ($1,$2,$3)
     ON CONFLICT (org_unit_id) DO UPDATE SET document = EXCLUDED.document, updated_at = EXCLUDED.updated_at`,
    [groupId, JSON.stringify(document), now],
  );
}

/** Existing, enabled users among the ids (for validating liaison and contact lists). */
export async function existingUserIds(db: Queryable, ids: readonly number[]): Promise<number[]> {
  const r = await db.query<{ id: number }>('SELECT id FROM app_user WHERE id = ANY($1::bigint[]) AND disabled_at IS NULL', [ids]);
  return r.rows.map((x) => x.id);
}

export async function userIdsByName(db: Queryable, usernames: readonly string[]): Promise<Map<string, number>> {
  const r = await db.query<{ id: number; username: string }>('SELECT id, username FROM app_user WHERE username = ANY($1::text[])', [usernames]);
  return new Map(r.rows.map((x) => [x.username, x.id]));
}

export interface OrgRef {
  readonly id: number;
  readonly code: string;
  readonly name: string;
  readonly path: string;
}

export async function orgRefByCode(db: Queryable, code: string): Promise<OrgRef | null> {
  const r = await db.query<OrgRef>('SELECT id, code, name, path FROM org_unit WHERE code = $1', [code]);
  return r.rows[0] ?? null;
}

/** The org units from the root down to the unit at `path` ('/1/4/9/'). */
export async function orgRefsOnPath(db: Queryable, path: string): Promise<OrgRef[]> {
  const ids = path.split('/').filter((s) => s !== '').map(Number);
  const r = await db.query<OrgRef>('SELECT id, code, name, path FROM org_unit WHERE id = ANY($1::bigint[])', [ids]);
  return ids.flatMap((id) => r.rows.filter((o) => o.id === id));
}

export async function rootOrgCode(db: Queryable): Promise<string | null> {
  const r = await db.query<{ code: string }>('SELECT code FROM org_unit WHERE parent_id IS NULL ORDER BY id LIMIT 1');
  return r.rows[0]?.code ?? null;
}

export interface ActingUser {
  readonly id: string;
  readonly displayName: string;
  /** The user's home org unit. */
  readonly orgUnit: string;
  /** The role of the grant closest to the org unit asked about. */
  readonly role: string;
}

/**
 * Enabled users holding one of `roles` on the org unit at `orgPath` (a grant on it or on an
 * ancestor), those granted closest to the unit first: the department's liaisons before the center.
 */
export async function usersWithRoleOn(db: Queryable, orgPath: string, roles: readonly string[]): Promise<ActingUser[]> {
  const r = await db.query<{ id: number; display_name: string; code: string; role: string; depth: number }>(
    `SELECT DISTINCT ON (u.id) u.id, u.display_name, uo.code, g.role, length(go.path) AS depth
     FROM role_grant g JOIN org_unit go ON go.id = g.org_unit_id JOIN app_user u ON u.id = g.user_id JOIN org_unit uo ON uo.id = u.org_unit_id
     WHERE u.disabled_at IS NULL AND go.active AND $1 LIKE go.path || '%' AND g.role = ANY($2::text[])
     ORDER BY u.id, length(go.path) DESC`,
    [orgPath, roles],
  );
  return r.rows
    .sort((a, b) => b.depth - a.depth || a.display_name.localeCompare(b.display_name))
    .map((x) => ({ id: String(x.id), displayName: x.display_name, orgUnit: x.code, role: x.role }));
}

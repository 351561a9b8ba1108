import type { Queryable } from '../store/index.ts';
import type { Grant, Role, UserRole } from './permissions.ts';

export interface UserRecord {
  readonly id: number;
  readonly username: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly orgUnitId: number;
  readonly orgPath: string;
  readonly orgCode: string;
  readonly passwordHash: string;
  readonly mustChangePassword: boolean;
  readonly passwordChangedAt: Date;
  readonly failedLoginCount: number;
  readonly lockedUntil: Date | null;
  readonly disabledAt: Date | null;
  readonly lastLoginAt: Date | null;
  readonly createdAt: Date;
}

interface UserRow {
  id: number; username: string; display_name: string; email: string | null; org_unit_id: number; org_path: string; org_code: string;
  password_hash: string; must_change_password: boolean; password_changed_at: Date; failed_login_count: number;
  locked_until: Date | null; disabled_at: Date | null; last_login_at: Date | null; created_at: Date;
}

const userSelect = `SELECT u.*, o.path AS org_path, o.code AS org_code FROM app_user u JOIN org_unit o ON o.id = u.org_unit_id`;

function toUser(r: UserRow): UserRecord {
  return {
    id: r.id, username: r.username, displayName: r.display_name, email: r.email, orgUnitId: r.org_unit_id, orgPath: r.org_path, orgCode: r.org_code,
    passwordHash: r.password_hash, mustChangePassword: r.must_change_password, passwordChangedAt: r.password_changed_at,
    failedLoginCount: r.failed_login_count, lockedUntil: r.locked_until, disabledAt: r.disabled_at, lastLoginAt: r.last_login_at, createdAt: r.created_at,
  };
}

export async function findUserByUsername(db: Queryable, username: string): Promise<UserRecord | null> {
  const r = await db.query<UserRow>(`${userSelect} WHERE u.username = $1`, [username.toLowerCase()]);
  return r.rows[0] ? toUser(r.rows[0]) : null;
}

export async function findUserById(db: Queryable, id: number): Promise<UserRecord | null> {
  const r = await db.query<UserRow>(`${userSelect} WHERE u.id = $1`, [id]);
  return r.rows[0] ? toUser(r.rows[0]) : null;
}

export async function listUsersInScope(db: Queryable, scopePaths: readonly string[]): Promise<UserRecord[]> {
  if (scopePaths.length === 0) return [];
  const r = await db.query<UserRow>(`${userSelect} WHERE o.path LIKE ANY ($1) ORDER BY u.username`, [scopePaths.map((p) => `${p}%`)]);
  return r.rows.map(toUser);
}

export async function insertUser(
  tx: Queryable,
  u: { username: string; displayName: string; email: string | null; orgUnitId: number; passwordHash: string; mustChangePassword: boolean; now: Date },
): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO app_user (username, display_name, email, org_unit_id, password_hash, must_change_password, password_changed_at, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$7) RETURNING id`,
    [u.username.toLowerCase(), u.displayName, u.email, u.orgUnitId, u.passwordHash, u.mustChangePassword, u.now],
  );
  const id = r.rows[0]?.id;
  if (id === undefined) throw new Error('insert returned no id');
  await tx.query('INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1,$2,$3)', [id, u.passwordHash, u.now]);
  return id;
}

export async function updateUserProfile(tx: Queryable, id: number, p: { displayName: string; email: string | null }): Promise<void> {
  await tx.query('UPDATE app_user SET display_name = $2, email = $3 WHERE id = $1', [id, p.displayName, p.email]);
}

export async function recordLoginOutcome(
  tx: Queryable,
  id: number,
  o: { failedLoginCount: number; lockedUntil: Date | null; lastLoginAt?: Date },
): Promise<void> {
  await tx.query(
    'UPDATE app_user SET failed_login_count = $2, locked_until = $3, last_login_at = COALESCE($4, last_login_at) WHERE id = $1',
    [id, o.failedLoginCount, o.lockedUntil, o.lastLoginAt ?? null],
  );
}

export async function setPassword(tx: Queryable, id: number, hash: string, mustChange: boolean, now: Date): Promise<void> {
  await tx.query(
    'UPDATE app_user SET password_hash = $2, must_change_password = $3, password_changed_at = $4, failed_login_count = 0, locked_until = NULL WHERE id = $1',
    [id, hash, mustChange, now],
  );
  await tx.query('INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1,$2,$3)', [id, hash, now]);
}

export async function recentPasswordHashes(db: Queryable, id: number, count: number): Promise<string[]> {
  const r = await db.query<{ password_hash: string }>(
    'SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2',
    [id, count],
  );
  return r.rows.map((row) => row.password_hash);
}

export async function setUserDisabled(tx: Queryable, id: number, disabledAt: Date | null): Promise<void> {
  await tx.query('UPDATE app_user SET disabled_at = $2 WHERE id = $1', [id, disabledAt]);
  if (disabledAt !== null) await tx.query('DELETE FROM user_session WHERE user_id = $1', [id]);
}

export async function unlockUser(tx: Queryable, id: number): Promise<void> {
  await tx.query('UPDATE app_user SET failed_login_count = 0, locked_until = NULL WHERE id = $1', [id]);
}

export interface GrantRecord extends Grant {
  readonly id: number;
  readonly userId: number;
  readonly orgCode: string;
}

export async function grantsOfUser(db: Queryable, userId: number): Promise<GrantRecord[]> {
  const r = await db.query<{ id: number; user_id: number; role: Role; org_unit_id: number; path: string; code: string }>(
    `SELECT g.id, g.user_id, g.role, g.org_unit_id, o.path, o.code FROM role_grant g JOIN org_unit o ON o.id = g.org_unit_id
     WHERE g.user_id = $1 AND o.active ORDER BY o.path, g.role`,
    [userId],
  );
  return r.rows.map((g) => ({ id: g.id, userId: g.user_id, role: g.role, orgUnitId: g.org_unit_id, orgPath: g.path, orgCode: g.code }));
}

export async function insertGrant(tx: Queryable, userId: number, role: UserRole, orgUnitId: number): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO role_grant (user_id, role, org_unit_id) VALUES ($1,$2,$3)
     ON CONFLICT (user_id, role, org_unit_id) DO UPDATE SET role = EXCLUDED.role RETURNING id`,
    [userId, role, orgUnitId],
  );
  const id = r.rows[0]?.id;
  if (id === undefined) throw new Error('insert returned no id');
  return id;
}

export async function findGrant(db: Queryable, grantId: number): Promise<GrantRecord | null> {
  const r = await db.query<{ id: number; user_id: number; role: Role; org_unit_id: number; path: string; code: string }>(
    'SELECT g.id, g.user_id, g.role, g.org_unit_id, o.path, o.code FROM role_grant g JOIN org_unit o ON o.id = g.org_unit_id WHERE g.id = $1',
    [grantId],
  );
  const g = r.rows[0];
  return g ? { id: g.id, userId: g.user_id, role: g.role, orgUnitId: g.org_unit_id, orgPath: g.path, orgCode: g.code } : null;
}

export async function deleteGrant(tx: Queryable, grantId: number): Promise<void> {
  await tx.query('DELETE FROM role_grant WHERE id = $1', [grantId]);
}

export async function countUsers(db: Queryable): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM app_user');
  return r.rows[0]?.n ?? 0;
}

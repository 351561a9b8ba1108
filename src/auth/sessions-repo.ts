import type { Queryable } from '../store/index.ts';

export interface SessionRecord {
  readonly id: string;
  readonly userId: number;
  readonly csrfToken: string;
  readonly passwordChangeOnly: boolean;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
}

interface SessionRow { id: string; user_id: number; csrf_token: string; password_change_only: boolean; created_at: Date; last_seen_at: Date; expires_at: Date }

export async function insertSession(
  tx: Queryable,
  s: { id: string; userId: number; csrfToken: string; passwordChangeOnly: boolean; now: Date; expiresAt: Date; ip: string | null; userAgent: string | null },
): Promise<void> {
  await tx.query(
    `INSERT INTO user_session (id, user_id, csrf_token, password_change_only, created_at, last_seen_at, expires_at, ip, user_agent)
     VALUES ($1,$2,$3,$4,$5,$5,$6,$7,$8)`,
    [s.id, s.userId, s.csrfToken, s.passwordChangeOnly, s.now, s.expiresAt, s.ip, s.userAgent],
  );
}

export async function findSession(db: Queryable, id: string): Promise<SessionRecord | null> {
  const r = await db.query<SessionRow>('SELECT * FROM user_session WHERE id = $1', [id]);
  const s = r.rows[0];
  return s
    ? { id: s.id, userId: s.user_id, csrfToken: s.csrf_token, passwordChangeOnly: s.password_change_only, createdAt: s.created_at, lastSeenAt: s.last_seen_at, expiresAt: s.expires_at }
    : null;
}

export async function touchSession(db: Queryable, id: string, now: Date): Promise<void> {
  await db.query('UPDATE user_session SET last_seen_at = $2 WHERE id = $1', [id, now]);
}

export async function clearPasswordChangeOnly(tx: Queryable, id: string): Promise<void> {
  await tx.query('UPDATE user_session SET password_change_only = false WHERE id = $1', [id]);
}

export async function deleteSession(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM user_session WHERE id = $1', [id]);
}

export async function deleteOtherSessions(tx: Queryable, userId: number, keepId: string | null): Promise<void> {
  await tx.query('DELETE FROM user_session WHERE user_id = $1 AND id IS DISTINCT FROM $2', [userId, keepId]);
}

import type { Queryable } from '../store/index.ts';
import { throttleMemoryMs, type ThrottleState } from './login-throttle.ts';

interface ThrottleRow { key: string; failures: number; last_failure_at: Date; blocked_until: Date | null }

export async function readThrottles(db: Queryable, keys: readonly string[]): Promise<Map<string, ThrottleState>> {
  const r = await db.query<ThrottleRow>('SELECT * FROM login_throttle WHERE key = ANY($1::text[])', [keys]);
  return new Map(r.rows.map((row) => [row.key, { failures: row.failures, lastFailureAt: row.last_failure_at, blockedUntil: row.blocked_until }]));
}

/** Writes the states and forgets every key without a failure for a day. */
export async function writeThrottles(tx: Queryable, states: ReadonlyMap<string, ThrottleState>, now: Date): Promise<void> {
  for (const [key, s] of states) {
    await tx.query(
      `INSERT INTO login_throttle (key, failures, last_failure_at, blocked_until) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key) DO UPDATE SET failures = EXCLUDED.failures, last_failure_at = EXCLUDED.last_failure_at, blocked_until = EXCLUDED.blocked_until`,
      [key, s.failures, s.lastFailureAt, s.blockedUntil],
    );
  }
  await tx.query('DELETE FROM login_throttle WHERE last_failure_at < $1', [new Date(now.getTime() - throttleMemoryMs)]);
}

export async function deleteThrottles(tx: Queryable, keys: readonly string[]): Promise<void> {
  await tx.query('DELETE FROM login_throttle WHERE key = ANY($1::text[])', [keys]);
}

/** Every key of one account, from any address (an administrator's unlock). */
export async function deleteAccountThrottles(tx: Queryable, accountId: string): Promise<void> {
  await tx.query('DELETE FROM login_throttle WHERE key LIKE $1', [`account:${accountId}@%`]);
}

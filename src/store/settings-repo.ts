import type { Queryable } from './db.ts';

/** Installation-wide settings stored as JSON (password policy, time zone). */
export async function readSetting<T>(db: Queryable, key: string): Promise<T | null> {
  const r = await db.query<{ value: T }>('SELECT value FROM setting WHERE key = $1', [key]);
  return r.rows[0]?.value ?? null;
}

export async function writeSetting(tx: Queryable, key: string, value: unknown, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO setting (key, value, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
    [key, JSON.stringify(value), now],
  );
}

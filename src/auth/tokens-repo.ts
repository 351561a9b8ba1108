import type { Queryable } from '../store/index.ts';
import type { TokenRole } from './permissions.ts';

export interface TokenRecord {
  readonly id: number;
  readonly name: string;
  readonly tokenPrefix: string;
  readonly role: TokenRole;
  readonly orgUnitId: number;
  readonly orgPath: string;
  readonly orgCode: string;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

interface TokenRow {
  id: number; name: string; token_prefix: string; role: TokenRole; org_unit_id: number; path: string; code: string;
  created_at: Date; expires_at: Date | null; revoked_at: Date | null; last_used_at: Date | null;
}

const tokenSelect = `SELECT t.id, t.name, t.token_prefix, t.role, t.org_unit_id, o.path, o.code, t.created_at, t.expires_at, t.revoked_at, t.last_used_at
  FROM api_token t JOIN org_unit o ON o.id = t.org_unit_id`;

function toToken(r: TokenRow): TokenRecord {
  return {
    id: r.id, name: r.name, tokenPrefix: r.token_prefix, role: r.role, orgUnitId: r.org_unit_id, orgPath: r.path, orgCode: r.code,
    createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at, lastUsedAt: r.last_used_at,
  };
}

export async function insertToken(
  tx: Queryable,
  t: { name: string; tokenHash: string; tokenPrefix: string; role: TokenRole; orgUnitId: number; createdBy: number | null; now: Date; expiresAt: Date | null },
): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO api_token (name, token_hash, token_prefix, role, org_unit_id, created_by, created_at, expires_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`,
    [t.name, t.tokenHash, t.tokenPrefix, t.role, t.orgUnitId, t.createdBy, t.now, t.expiresAt],
  );
  const id = r.rows[0]?.id;
  if (id === undefined) throw new Error('insert returned no id');
  return id;
}

export async function findTokenByHash(db: Queryable, tokenHash: string): Promise<TokenRecord | null> {
  const r = await db.query<TokenRow>(`${tokenSelect} WHERE t.token_hash = $1`, [tokenHash]);
  return r.rows[0] ? toToken(r.rows[0]) : null;
}

export async function findTokenById(db: Queryable, id: number): Promise<TokenRecord | null> {
  const r = await db.query<TokenRow>(`${tokenSelect} WHERE t.id = $1`, [id]);
  return r.rows[0] ? toToken(r.rows[0]) : null;
}

export async function listTokensInScope(db: Queryable, scopePaths: readonly string[]): Promise<TokenRecord[]> {
  if (scopePaths.length === 0) return [];
  const r = await db.query<TokenRow>(`${tokenSelect} WHERE o.path LIKE ANY ($1) ORDER BY t.id`, [scopePaths.map((p) => `${p}%`)]);
  return r.rows.map(toToken);
}

export async function revokeToken(tx: Queryable, id: number, now: Date): Promise<void> {
  await tx.query('UPDATE api_token SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1', [id, now]);
}

export async function touchToken(db: Queryable, id: number, now: Date): Promise<void> {
  await db.query('UPDATE api_token SET last_used_at = $2 WHERE id = $1', [id, now]);
}

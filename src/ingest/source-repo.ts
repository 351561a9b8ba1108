/**
 * SQL for registered sources, the schemas they declared and their saved column mappings.
 */
import type { Queryable } from '../store/index.ts';

/** Expected cadence of a source, judged by the quality report's capture rate. */
export type Cadence =
  | {
      readonly kind: 'batches';
      /** At least one batch in every window of this many minutes… */
      readonly everyMinutes: number;
      /** …between these local times (HH:mm, default the whole day)… */
      readonly from?: string;
      readonly to?: string;
      /** …on Monday to Friday only when true. */
      readonly weekdaysOnly?: boolean;
    }
  | { readonly kind: 'events'; readonly perDay: number };

export interface Source {
  readonly id: number;
  readonly name: string;
  readonly orgUnitId: number;
  readonly orgCode: string;
  readonly orgPath: string;
  readonly allowedTypes: readonly string[];
  readonly cadence: Cadence | null;
  readonly tokenId: number;
  readonly mapping: unknown;
  readonly active: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface SourceSchemaRow {
  readonly typeName: string;
  readonly version: number;
  readonly definition: unknown;
}

interface SourceRow {
  id: number; name: string; org_unit_id: number; code: string; path: string; allowed_types: string[]; cadence: Cadence | null;
  token_id: number; mapping: unknown; active: boolean; created_at: Date; updated_at: Date;
}

const sourceSelect = `SELECT s.id, s.name, s.org_unit_id, o.code, o.path, s.allowed_types, s.cadence, s.token_id, s.mapping, s.active,
  s.created_at, s.updated_at FROM source s JOIN org_unit o ON o.id = s.org_unit_id`;

function toSource(r: SourceRow): Source {
  return {
    id: r.id, name: r.name, orgUnitId: r.org_unit_id, orgCode: r.code, orgPath: r.path, allowedTypes: r.allowed_types,
    cadence: r.cadence, tokenId: r.token_id, mapping: r.mapping, active: r.active, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export async function insertSource(
  tx: Queryable,
  s: { name: string; orgUnitId: number; allowedTypes: readonly string[]; cadence: Cadence | null; tokenId: number; now: Date },
): Promise<number> {
  const r = await tx.query<{ id: number }>(
    `INSERT INTO source (name, org_unit_id, allowed_types, cadence, token_id, created_at, updated_at)
     VALUES ($1, $2, $3::text[], $4::jsonb, $5, $6, $6) RETURNING id`,
    [s.name, s.orgUnitId, s.allowedTypes, s.cadence === null ? null : JSON.stringify(s.cadence), s.tokenId, s.now],
  );
  const id = r.rows[0]?.id;
  if (id === undefined) throw new Error('insert returned no id');
  return id;
}

export async function updateSource(
  tx: Queryable,
  id: number,
  s: { name: string; allowedTypes: readonly string[]; cadence: Cadence | null; active: boolean; now: Date },
): Promise<void> {
  await tx.query(
    `UPDATE source SET name = $2, allowed_types = $3::text[], cadence = $4::jsonb, active = $5, updated_at = $6 WHERE id = $1`,
    [id, s.name, s.allowedTypes, s.cadence === null ? null : JSON.stringify(s.cadence), s.active, s.now],
  );
}

export async function setSourceMapping(tx: Queryable, id: number, mapping: unknown, now: Date): Promise<void> {
  await tx.query('UPDATE source SET mapping = $2::jsonb, updated_at = $3 WHERE id = $1', [id, JSON.stringify(mapping), now]);
}

export async function findSourceById(db: Queryable, id: number): Promise<Source | null> {
  const r = await db.query<SourceRow>(`${sourceSelect} WHERE s.id = $1`, [id]);
  return r.rows[0] ? toSource(r.rows[0]) : null;
}

export async function findSourceByName(db: Queryable, name: string): Promise<Source | null> {
  const r = await db.query<SourceRow>(`${sourceSelect} WHERE s.name = $1`, [name]);
  return r.rows[0] ? toSource(r.rows[0]) : null;
}

export async function findSourceByToken(db: Queryable, tokenId: number): Promise<Source | null> {
  const r = await db.query<SourceRow>(`${sourceSelect} WHERE s.token_id = $1`, [tokenId]);
  return r.rows[0] ? toSource(r.rows[0]) : null;
}

/** Sources whose org unit lies in one of the subtrees (`/1/4/` prefixes). */
export async function listSourcesInScope(db: Queryable, scopePaths: readonly string[]): Promise<Source[]> {
  if (scopePaths.length === 0) return [];
  const r = await db.query<SourceRow>(`${sourceSelect} WHERE o.path LIKE ANY ($1::text[]) ORDER BY s.id`, [scopePaths.map((p) => `${p}%`)]);
  return r.rows.map(toSource);
}

export async function upsertSourceSchema(tx: Queryable, sourceId: number, typeName: string, version: number, definition: unknown, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO source_schema (source_id, type_name, version, definition, updated_at) VALUES ($1, $2, $3, $4::jsonb, $5)
     ON CONFLICT (source_id, type_name) DO UPDATE SET version = EXCLUDED.version, definition = EXCLUDED.definition, updated_at = EXCLUDED.updated_at`,
    [sourceId, typeName, version, JSON.stringify(definition), now],
  );
}

export async function listSourceSchemas(db: Queryable, sourceId: number): Promise<SourceSchemaRow[]> {
  const r = await db.query<{ type_name: string; version: number; definition: unknown }>(
    'SELECT type_name, version, definition FROM source_schema WHERE source_id = $1 ORDER BY type_name',
    [sourceId],
  );
  return r.rows.map((row) => ({ typeName: row.type_name, version: row.version, definition: row.definition }));
}

/** Org units by code, restricted to one subtree: a code outside it is simply not found. */
export async function findOrgUnitsInSubtree(db: Queryable, codes: readonly string[], subtreePath: string): Promise<Map<string, { id: number; path: string }>> {
  if (codes.length === 0) return new Map();
  const r = await db.query<{ id: number; code: string; path: string }>(
    `SELECT id, code, path FROM org_unit WHERE code = ANY ($1::text[]) AND path LIKE $2 AND active`,
    [codes, `${subtreePath}%`],
  );
  return new Map(r.rows.map((row) => [row.code, { id: row.id, path: row.path }]));
}

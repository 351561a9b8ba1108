import type { Queryable } from '../store/index.ts';
import type { Channel, OrgKind, OrgUnit } from './org-unit.ts';

interface OrgRow {
  id: number; code: string; name: string; name_en: string | null; kind: OrgKind; channel: Channel | null;
  parent_id: number | null; path: string; active: boolean;
}

function toOrg(row: OrgRow): OrgUnit {
  return { id: row.id, code: row.code, name: row.name, nameEn: row.name_en, kind: row.kind, channel: row.channel, parentId: row.parent_id, path: row.path, active: row.active };
}

export async function findOrgByCode(db: Queryable, code: string): Promise<OrgUnit | null> {
  const r = await db.query<OrgRow>('SELECT * FROM org_unit WHERE code = $1', [code]);
  return r.rows[0] ? toOrg(r.rows[0]) : null;
}

export async function findOrgById(db: Queryable, id: number): Promise<OrgUnit | null> {
  const r = await db.query<OrgRow>('SELECT * FROM org_unit WHERE id = $1', [id]);
  return r.rows[0] ? toOrg(r.rows[0]) : null;
}

export async function insertOrg(
  tx: Queryable,
  org: { code: string; name: string; nameEn: string | null; kind: OrgKind; channel: Channel | null; parent: OrgUnit | null },
): Promise<OrgUnit> {
  const r = await tx.query<OrgRow>(
    `INSERT INTO org_unit (code, name, name_en, kind, channel, parent_id, path) VALUES ($1,$2,$3,$4,$5,$6,'/')
     RETURNING *`,
    [org.code, org.name, org.nameEn, org.kind, org.channel, org.parent?.id ?? null],
  );
  const row = r.rows[0];
  if (!row) throw new Error('insert returned no row');
  const path = `${org.parent?.path ?? '/'}${row.id}/`;
  await tx.query('UPDATE org_unit SET path = $2 WHERE id = $1', [row.id, path]);
  return toOrg({ ...row, path });
}

export async function updateOrgNames(tx: Queryable, id: number, name: string, nameEn: string | null): Promise<void> {
  await tx.query('UPDATE org_unit SET name = $2, name_en = $3, updated_at = now() WHERE id = $1', [id, name, nameEn]);
}

/** Re-parents a node and rewrites the paths of its whole subtree in one statement. */
export async function moveOrg(tx: Queryable, node: OrgUnit, newParent: OrgUnit): Promise<void> {
  const newPath = `${newParent.path}${node.id}/`;
  await tx.query('UPDATE org_unit SET parent_id = $2, updated_at = now() WHERE id = $1', [node.id, newParent.id]);
  await tx.query(
    `UPDATE org_unit SET path = $2 || substr(path, length($1) + 1) WHERE path LIKE $1 || '%'`,
    [node.path, newPath],
  );
}

export async function setOrgActive(tx: Queryable, id: number, active: boolean): Promise<void> {
  await tx.query('UPDATE org_unit SET active = $2, updated_at = now() WHERE id = $1', [id, active]);
}

/** The subtree under `rootPath`, in tree order (parents before children). */
export async function listSubtree(db: Queryable, rootPath: string, includeInactive: boolean): Promise<OrgUnit[]> {
  const r = await db.query<OrgRow>(
    `SELECT * FROM org_unit WHERE path LIKE $1 || '%' ${includeInactive ? '' : 'AND active'} ORDER BY path`,
    [rootPath],
  );
  return r.rows.map(toOrg);
}

export async function listOrgsByIds(db: Queryable, ids: readonly number[]): Promise<OrgUnit[]> {
  if (ids.length === 0) return [];
  const r = await db.query<OrgRow>('SELECT * FROM org_unit WHERE id = ANY($1) ORDER BY path', [ids]);
  return r.rows.map(toOrg);
}

export async function listRoots(db: Queryable): Promise<OrgUnit[]> {
  const r = await db.query<OrgRow>('SELECT * FROM org_unit WHERE parent_id IS NULL ORDER BY code');
  return r.rows.map(toOrg);
}

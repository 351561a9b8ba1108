import type { Queryable } from '../store/index.ts';

/**
 * SQL for editing recurring mute windows (the engine reads them through alerts-repo's
 * `listMuteWindows`; creation uses its `insertMuteWindow`). Mute windows are installation-wide:
 * they belong to the root of the org tree, which `installationRoot` finds.
 */
export interface MuteWindowRow {
  readonly id: number;
  readonly name: string;
  readonly definition: unknown;
  readonly createdAt: Date;
}

const COLUMNS = 'id, name, definition, created_at AS "createdAt"';

export async function listMuteWindowRows(db: Queryable): Promise<MuteWindowRow[]> {
  return (await db.query<MuteWindowRow>(`SELECT ${COLUMNS} FROM mute_window ORDER BY id`)).rows;
}

export async function findMuteWindow(db: Queryable, id: number, forUpdate = false): Promise<MuteWindowRow | null> {
  const { rows } = await db.query<MuteWindowRow>(`SELECT ${COLUMNS} FROM mute_window WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ?? null;
}

/** The id of another window with this name, if any (names are unique). */
export async function muteWindowNamedOtherThan(db: Queryable, name: string, exceptId: number | null): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM mute_window WHERE name = $1 AND ($2::bigint IS NULL OR id <> $2)', [name, exceptId]);
  return rows[0]?.id ?? null;
}

export async function updateMuteWindow(tx: Queryable, id: number, name: string, definition: unknown): Promise<void> {
  await tx.query('UPDATE mute_window SET name = $2, definition = $3 WHERE id = $1', [id, name, JSON.stringify(definition)]);
}

export async function deleteMuteWindow(tx: Queryable, id: number): Promise<void> {
  await tx.query('DELETE FROM mute_window WHERE id = $1', [id]);
}

export interface InstallationRoot {
  readonly id: number;
  readonly code: string;
  readonly path: string;
}

/** The root org unit (the first by code when several exist, as the access layer's `installation` resolver picks it). */
export async function installationRoot(db: Queryable): Promise<InstallationRoot | null> {
  const { rows } = await db.query<InstallationRoot>('SELECT id, code, path FROM org_unit WHERE parent_id IS NULL ORDER BY code LIMIT 1');
  return rows[0] ?? null;
}

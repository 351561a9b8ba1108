import type { Queryable } from '../store/index.ts';
import type { ScopedPerson } from './people.ts';

/**
 * The users among `ids` with the paths of the active org units where they hold one of `roles`;
 * users without such a grant come back with no paths, ids that are not users do not come back.
 */
export async function scopedPeople(db: Queryable, ids: readonly number[], roles: readonly string[]): Promise<ScopedPerson[]> {
  if (ids.length === 0) return [];
  const r = await db.query<{ id: number; display_name: string; disabled: boolean; paths: (string | null)[] }>(
    `SELECT u.id, u.display_name, u.disabled_at IS NOT NULL AS disabled,
            array_agg(go.path ORDER BY go.path) FILTER (WHERE go.path IS NOT NULL) AS paths
     FROM app_user u
     LEFT JOIN role_grant g ON g.user_id = u.id AND g.role = ANY($2::text[])
     LEFT JOIN org_unit go ON go.id = g.org_unit_id AND go.active
     WHERE u.id = ANY($1::bigint[])
     GROUP BY u.id, u.display_name, u.disabled_at`,
    [ids, roles],
  );
  return r.rows.map((x) => ({
    id: String(x.id), displayName: x.display_name, enabled: !x.disabled, grantPaths: (x.paths ?? []).filter((p): p is string => p !== null),
  }));
}

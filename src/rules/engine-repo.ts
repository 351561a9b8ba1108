import type { Queryable } from '../store/index.ts';
import type { RelatedEventQuery } from './evaluate/compliance.ts';

/** What the rule engine reads besides rules: org units (for scope and roll-up ancestors) and events (compliance). */
export interface EngineOrg {
  readonly id: number;
  readonly code: string;
  readonly name: string;
  readonly kind: string;
  readonly path: string;
}

export async function listOrgsByIds(db: Queryable, ids: readonly number[]): Promise<EngineOrg[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<EngineOrg>('SELECT id, code, name, kind, path FROM org_unit WHERE id = ANY($1)', [ids]);
  return rows;
}

export async function listOrgsByCodes(db: Queryable, codes: readonly string[]): Promise<EngineOrg[]> {
  if (codes.length === 0) return [];
  const { rows } = await db.query<EngineOrg>('SELECT id, code, name, kind, path FROM org_unit WHERE code = ANY($1)', [codes]);
  return rows;
}

/** Active org units in a subtree (the rule's scope), in tree order. */
export async function listSubtreeOrgs(db: Queryable, path: string): Promise<EngineOrg[]> {
  const { rows } = await db.query<EngineOrg>('SELECT id, code, name, kind, path FROM org_unit WHERE path LIKE $1 AND active ORDER BY path', [`${path}%`]);
  return rows;
}

export interface EngineEvent {
  readonly id: number;
  readonly sourceId: number;
  readonly eventId: string;
  readonly type: string;
  readonly orgUnitId: number;
  readonly orgUnitCode: string;
  readonly orgPath: string;
  readonly occurredAt: Date;
  readonly receivedAt: Date;
  readonly patient: string | null;
  readonly attributes: Readonly<Record<string, unknown>>;
}

const EVENT_COLUMNS = `e.id, e.source_id AS "sourceId", e.event_id AS "eventId", e.type, e.org_unit_id AS "orgUnitId", o.code AS "orgUnitCode",
  o.path AS "orgPath", e.occurred_at AS "occurredAt", e.received_at AS "receivedAt", e.patient, e.attributes`;

export async function listEventsByIds(db: Queryable, ids: readonly number[]): Promise<EngineEvent[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<EngineEvent>(`SELECT ${EVENT_COLUMNS} FROM event e JOIN org_unit o ON o.id = e.org_unit_id WHERE e.id = ANY($1)`, [ids]);
  return rows;
}

const ENVELOPE: Readonly<Record<string, string>> = { patient: 'e.patient', type: 'e.type', sourceId: 'e.source_id::text', orgUnit: 'o.code' };

/** A compliance rule's look-up for one event (events of `types` in [from, to] joined on `joinField`), other than that event itself. */
export type RelatedEventsQuery = RelatedEventQuery & { readonly excludeId: number };

const RELATED_LIMIT = 1000;

/** The value a join compares, as the query sends it (null: nothing can match). */
function joinText(column: string | undefined, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (column === undefined) return JSON.stringify(value);
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;
}

/**
 * Answers many related-event lookups (one per event a compliance rule judges) in one query per join
 * field and type list: the lookups are sent as arrays and each is answered by an index-backed
 * lateral subquery, so a pass over thousands of events makes a few round trips, not one per event.
 * Envelope fields join by column, anything else by the attributes (a dotted path). One answer per
 * query, in order.
 */
export async function findRelatedEventsMany(db: Queryable, queries: readonly RelatedEventsQuery[]): Promise<EngineEvent[][]> {
  const out: EngineEvent[][] = queries.map(() => []);
  const groups = new Map<string, { at: number; value: string; q: RelatedEventsQuery }[]>();
  queries.forEach((q, at) => {
    const value = joinText(ENVELOPE[q.joinField], q.joinValue);
    if (value === null) return;
    const key = JSON.stringify([q.joinField, q.types]);
    const members = groups.get(key);
    if (members) members.push({ at, value, q });
    else groups.set(key, [{ at, value, q }]);
  });
  for (const members of groups.values()) {
    const first = members[0]?.q;
    if (!first) continue;
    const column = ENVELOPE[first.joinField];
    const path = (first.joinField.startsWith('attributes.') ? first.joinField.slice('attributes.'.length) : first.joinField).split('.');
    const join = column !== undefined ? `${column} = q.val` : 'e.attributes #> $7 = q.val::jsonb';
    const params: unknown[] = [
      members.map((m) => m.at), members.map((m) => m.value), members.map((m) => m.q.from), members.map((m) => m.q.to), members.map((m) => m.q.excludeId), first.types,
    ];
    if (column === undefined) params.push(path);
    const { rows } = await db.query<EngineEvent & { ord: number }>(
      `SELECT q.ord, r.* FROM unnest($1::int[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::bigint[]) AS q(ord, val, f, t, ex)
       CROSS JOIN LATERAL (
         SELECT ${EVENT_COLUMNS} FROM event e JOIN org_unit o ON o.id = e.org_unit_id
          WHERE e.type = ANY($6) AND e.occurred_at BETWEEN q.f AND q.t AND e.id <> q.ex AND ${join} LIMIT ${String(RELATED_LIMIT)}
       ) r`,
      params,
    );
    for (const { ord, ...event } of rows) out[ord]?.push(event);
  }
  return out;
}

/** Replays events of `types` in [from, to) in a subtree, for dry runs of compliance rules. */
export async function listEventsInRange(db: Queryable, q: { types: readonly string[]; path: string; from: Date; to: Date; limit: number }): Promise<EngineEvent[]> {
  const { rows } = await db.query<EngineEvent>(
    `SELECT ${EVENT_COLUMNS} FROM event e JOIN org_unit o ON o.id = e.org_unit_id
     WHERE e.type = ANY($1) AND o.path LIKE $2 AND e.occurred_at >= $3 AND e.occurred_at < $4 ORDER BY e.occurred_at, e.id LIMIT $5`,
    [q.types, `${q.path}%`, q.from, q.to, q.limit],
  );
  return rows;
}

/**
 * The durable side of the engine's queue (rule_evaluation_queue): a row per ingest commit, written
 * in the commit's transaction, deleted once evaluated, so a restart evaluates what a crash left.
 */
export async function enqueueEvaluation(tx: Queryable, eventIds: readonly number[], at: Date): Promise<void> {
  if (eventIds.length === 0) return;
  await tx.query('INSERT INTO rule_evaluation_queue (event_ids, committed_at) VALUES ($1::bigint[], $2)', [eventIds, at]);
}

/** Forgets the queued commits whose first event is one of `firstEventIds` (they have been evaluated). */
export async function dequeueEvaluations(db: Queryable, firstEventIds: readonly number[]): Promise<void> {
  if (firstEventIds.length === 0) return;
  await db.query('DELETE FROM rule_evaluation_queue WHERE event_ids[1] = ANY($1::bigint[])', [firstEventIds]);
}

/** Commits queued before `before` and still not evaluated (oldest first). */
export async function listQueuedEvaluations(db: Queryable, before: Date, limit: number): Promise<{ id: number; eventIds: number[] }[]> {
  const { rows } = await db.query<{ id: number; eventIds: (number | string)[] }>(
    'SELECT id, event_ids AS "eventIds" FROM rule_evaluation_queue WHERE committed_at < $1 ORDER BY id LIMIT $2',
    [before, limit],
  );
  return rows.map((r) => ({ id: r.id, eventIds: r.eventIds.map(Number) }));
}

export async function deleteQueuedEvaluations(db: Queryable, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query('DELETE FROM rule_evaluation_queue WHERE id = ANY($1::bigint[])', [ids]);
}

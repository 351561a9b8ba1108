import type { Queryable } from '../store/index.ts';

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

/**
 * Events of `types` in [from, to] whose `joinField` equals `joinValue`: envelope fields by column,
 * anything else from the attributes (a dotted path).
 */
export async function findRelatedEvents(
  db: Queryable,
  q: { types: readonly string[]; joinField: string; joinValue: unknown; from: Date; to: Date; excludeId: number },
): Promise<EngineEvent[]> {
  if (q.joinValue === null || q.joinValue === undefined) return [];
  const column = ENVELOPE[q.joinField];
  const base = `SELECT ${EVENT_COLUMNS} FROM event e JOIN org_unit o ON o.id = e.org_unit_id
    WHERE e.type = ANY($1) AND e.occurred_at BETWEEN $2 AND $3 AND e.id <> $4`;
  if (column !== undefined) {
    if (typeof q.joinValue !== 'string' && typeof q.joinValue !== 'number' && typeof q.joinValue !== 'boolean') return [];
    const { rows } = await db.query<EngineEvent>(`${base} AND ${column} = $5 LIMIT 1000`, [q.types, q.from, q.to, q.excludeId, String(q.joinValue)]);
    return rows;
  }
  const path = (q.joinField.startsWith('attributes.') ? q.joinField.slice('attributes.'.length) : q.joinField).split('.');
  const { rows } = await db.query<EngineEvent>(`${base} AND e.attributes #> $5 = $6::jsonb LIMIT 1000`, [
    q.types, q.from, q.to, q.excludeId, path, JSON.stringify(q.joinValue),
  ]);
  return rows;
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

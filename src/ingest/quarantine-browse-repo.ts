/**
 * SQL for browsing one source's quarantine: filtered by reason code, counted by code, and read
 * back by id (to tell per record what a re-process did). Writes stay in quarantine-repo.ts.
 */
import type { Queryable } from '../store/index.ts';
import type { QuarantineFormat, QuarantineRecord } from './quarantine-repo.ts';

type Status = QuarantineRecord['status'];

interface Row {
  id: number; source_id: number; received_at: Date; format: QuarantineFormat; outcome: 'rejected' | 'conflict'; record_index: number;
  code: string; message: string; path: string; event_id: string | null; event_type: string | null; payload: unknown; payload_bytes: number;
  status: Status; reprocessed_at: Date | null;
}

const columns = `id, source_id, received_at, format, outcome, record_index, code, message, path, event_id, event_type, payload, payload_bytes,
  status, reprocessed_at`;

function toRecord(r: Row): QuarantineRecord {
  return {
    id: r.id, sourceId: r.source_id, receivedAt: r.received_at, format: r.format, outcome: r.outcome, recordIndex: r.record_index,
    code: r.code, message: r.message, path: r.path, eventId: r.event_id, eventType: r.event_type, payload: r.payload,
    payloadBytes: r.payload_bytes, status: r.status, reprocessedAt: r.reprocessed_at,
  };
}

/** Quarantined records after `afterId`, oldest first, optionally of one status and reason code. */
export async function listQuarantinePage(
  db: Queryable,
  sourceId: number,
  options: { readonly status?: Status; readonly code?: string; readonly afterId?: number; readonly limit: number },
): Promise<QuarantineRecord[]> {
  const r = await db.query<Row>(
    `SELECT ${columns} FROM quarantine
      WHERE source_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR code = $3) AND id > $4
      ORDER BY id LIMIT $5`,
    [sourceId, options.status ?? null, options.code ?? null, options.afterId ?? 0, options.limit],
  );
  return r.rows.map(toRecord);
}

/** How many records of one status wait under each reason code, most frequent first. */
export async function countQuarantineByCode(db: Queryable, sourceId: number, status: Status): Promise<{ code: string; count: number }[]> {
  const r = await db.query<{ code: string; count: number }>(
    `SELECT code, count(*)::int8 AS count FROM quarantine WHERE source_id = $1 AND status = $2 GROUP BY code ORDER BY count DESC, code`,
    [sourceId, status],
  );
  return r.rows.map((row) => ({ code: row.code, count: row.count }));
}

/**
 * The ids a re-process will run, in its order: open rejected records that kept a payload
 * (conflicts and unparseable records cannot settle by being run again).
 */
export async function listReprocessableIds(db: Queryable, sourceId: number, max: number): Promise<number[]> {
  const r = await db.query<{ id: number }>(
    `SELECT id FROM quarantine WHERE source_id = $1 AND status = 'open' AND outcome = 'rejected' AND payload IS NOT NULL ORDER BY id LIMIT $2`,
    [sourceId, max],
  );
  return r.rows.map((row) => row.id);
}

export async function readQuarantineByIds(db: Queryable, sourceId: number, ids: readonly number[]): Promise<QuarantineRecord[]> {
  if (ids.length === 0) return [];
  const r = await db.query<Row>(`SELECT ${columns} FROM quarantine WHERE source_id = $1 AND id = ANY ($2::int8[]) ORDER BY id`, [sourceId, ids]);
  return r.rows.map(toRecord);
}

/**
 * SQL for quarantined records: rejected or conflicting records with their (already
 * pseudonymised) payload and reason, listed and re-processed per source.
 */
import type { Queryable } from '../store/index.ts';

export type QuarantineFormat = 'event' | 'fhir' | 'row';

export interface QuarantineInput {
  readonly format: QuarantineFormat;
  readonly outcome: 'rejected' | 'conflict';
  readonly recordIndex: number;
  readonly code: string;
  readonly message: string;
  readonly path: string;
  readonly eventId: string | null;
  readonly eventType: string | null;
  /** Pseudonymised JSON, or null when the record could not be parsed. */
  readonly payload: unknown;
  readonly payloadBytes: number;
}

export interface QuarantineRecord extends QuarantineInput {
  readonly id: number;
  readonly sourceId: number;
  readonly receivedAt: Date;
  readonly status: 'open' | 'reprocessed';
  readonly reprocessedAt: Date | null;
}

interface QuarantineRow {
  id: number; source_id: number; received_at: Date; format: QuarantineFormat; outcome: 'rejected' | 'conflict'; record_index: number;
  code: string; message: string; path: string; event_id: string | null; event_type: string | null; payload: unknown; payload_bytes: number;
  status: 'open' | 'reprocessed'; reprocessed_at: Date | null;
}

function toRecord(r: QuarantineRow): QuarantineRecord {
  return {
    id: r.id, sourceId: r.source_id, receivedAt: r.received_at, format: r.format, outcome: r.outcome, recordIndex: r.record_index,
    code: r.code, message: r.message, path: r.path, eventId: r.event_id, eventType: r.event_type, payload: r.payload,
    payloadBytes: r.payload_bytes, status: r.status, reprocessedAt: r.reprocessed_at,
  };
}

const clip = (s: string, n: number): string => (s.length > n ? s.slice(0, n) : s);

export async function insertQuarantine(tx: Queryable, sourceId: number, receivedAt: Date, records: readonly QuarantineInput[]): Promise<void> {
  if (records.length === 0) return;
  await tx.query(
    `INSERT INTO quarantine (source_id, received_at, format, outcome, record_index, code, message, path, event_id, event_type, payload, payload_bytes)
     SELECT $1, $2, u.f, u.o, u.i, u.c, u.m, u.p, u.e, u.t, u.d::jsonb, u.b
       FROM unnest($3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::int[])
         AS u(f, o, i, c, m, p, e, t, d, b)`,
    [
      sourceId, receivedAt,
      records.map((r) => r.format), records.map((r) => r.outcome), records.map((r) => r.recordIndex), records.map((r) => r.code),
      records.map((r) => clip(r.message, 1000)), records.map((r) => clip(r.path, 300)), records.map((r) => (r.eventId === null ? null : clip(r.eventId, 128))),
      records.map((r) => (r.eventType === null ? null : clip(r.eventType, 64))),
      records.map((r) => (r.payload === null || r.payload === undefined ? null : JSON.stringify(r.payload))), records.map((r) => r.payloadBytes),
    ],
  );
}

export async function listQuarantine(
  db: Queryable,
  sourceId: number,
  options: { status?: 'open' | 'reprocessed'; outcome?: 'rejected' | 'conflict'; afterId?: number; limit: number; withPayload?: boolean },
): Promise<QuarantineRecord[]> {
  const r = await db.query<QuarantineRow>(
    `SELECT id, source_id, received_at, format, outcome, record_index, code, message, path, event_id, event_type, payload, payload_bytes, status, reprocessed_at
       FROM quarantine WHERE source_id = $1 AND ($2::text IS NULL OR status = $2) AND id > $3
        AND ($5::boolean IS NOT TRUE OR payload IS NOT NULL) AND ($6::text IS NULL OR outcome = $6) ORDER BY id LIMIT $4`,
    [sourceId, options.status ?? null, options.afterId ?? 0, options.limit, options.withPayload ?? false, options.outcome ?? null],
  );
  return r.rows.map(toRecord);
}

export async function countOpenQuarantine(db: Queryable, sourceId: number): Promise<number> {
  const r = await db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM quarantine WHERE source_id = $1 AND status = 'open'`, [sourceId]);
  return r.rows[0]?.n ?? 0;
}

export async function markReprocessed(tx: Queryable, ids: readonly number[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(`UPDATE quarantine SET status = 'reprocessed', reprocessed_at = $2 WHERE id = ANY ($1::int8[]) AND status = 'open'`, [ids, now]);
}

/** A record that still fails keeps its place in the queue with the new reason. */
export async function updateReason(tx: Queryable, updates: readonly { id: number; code: string; message: string; path: string }[]): Promise<void> {
  if (updates.length === 0) return;
  await tx.query(
    `UPDATE quarantine q SET code = u.c, message = u.m, path = u.p
       FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[]) AS u(id, c, m, p) WHERE q.id = u.id`,
    [updates.map((u) => u.id), updates.map((u) => u.code), updates.map((u) => clip(u.message, 1000)), updates.map((u) => clip(u.path, 300))],
  );
}

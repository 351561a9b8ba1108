import type { Queryable } from '../store/index.ts';

/**
 * SQL of the work-order facts feed: the timeline entries after a read position, and which facts
 * the feed's source has already stored (the event table belongs to ingest: read-only here).
 */
export interface TimelineRef {
  readonly id: number;
  readonly orderId: string;
}

/** Timeline entries with id above `after` or among `awaited`, in id order. */
export async function readTimelineAfter(db: Queryable, after: number, awaited: readonly number[], limit: number): Promise<TimelineRef[]> {
  const { rows } = await db.query<{ id: number | string; order_id: number | string }>(
    'SELECT id, order_id FROM work_order_event WHERE id > $1 OR id = ANY($2::bigint[]) ORDER BY id LIMIT $3',
    [after, awaited, limit],
  );
  return rows.map((r) => ({ id: Number(r.id), orderId: String(r.order_id) }));
}

/** The ids among `eventIds` that the source has stored. */
export async function storedEventIds(db: Queryable, sourceId: number, eventIds: readonly string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const { rows } = await db.query<{ event_id: string }>('SELECT event_id FROM event WHERE source_id = $1 AND event_id = ANY($2::text[])', [sourceId, eventIds]);
  return new Set(rows.map((r) => r.event_id));
}

/**
 * A read position in an identity-keyed table that several processes write. Identity values are
 * handed out when a row is inserted, not when its transaction commits, so a reader that has seen
 * id 12 may later find id 11 committed. The cursor therefore remembers the ids it skipped ("gaps")
 * and asks for them again on each poll until they appear or are old enough to be a rolled-back
 * transaction's. Pure: the caller passes the ids it read and the time.
 */
export interface IdCursor {
  /** Every id at or below this was seen or is an open gap. */
  readonly after: number;
  /** Skipped ids still awaited, with the time each was first noticed (ms). */
  readonly gaps: ReadonlyMap<number, number>;
}

/** How long a skipped id is awaited; a transaction open longer than this is not waited for. */
export const GAP_PATIENCE_MS = 60_000;
/** At most this many gaps are remembered; a larger hole (a bulk delete, a sequence jump) is given up. */
export const MAX_GAPS = 1000;

export function startCursor(after: number): IdCursor {
  return { after, gaps: new Map() };
}

/** The ids to ask for besides those above `after`. */
export function awaitedIds(cursor: IdCursor): number[] {
  return [...cursor.gaps.keys()].sort((a, b) => a - b);
}

/** The cursor after reading `ids` (above `after` or awaited gaps, any order) at `nowMs`. */
export function advanceCursor(cursor: IdCursor, ids: readonly number[], nowMs: number): IdCursor {
  const gaps = new Map(cursor.gaps);
  for (const id of ids) gaps.delete(id);
  const fresh = [...new Set(ids.filter((id) => id > cursor.after))].sort((a, b) => a - b);
  let after = cursor.after;
  for (const id of fresh) {
    if (id - after - 1 <= MAX_GAPS) for (let missing = after + 1; missing < id; missing++) gaps.set(missing, nowMs);
    after = id;
  }
  for (const [id, since] of gaps) if (nowMs - since > GAP_PATIENCE_MS) gaps.delete(id);
  if (gaps.size > MAX_GAPS) {
    const keep = [...gaps.keys()].sort((a, b) => b - a).slice(0, MAX_GAPS);
    return { after, gaps: new Map(keep.map((id) => [id, gaps.get(id) ?? nowMs])) };
  }
  return { after, gaps };
}

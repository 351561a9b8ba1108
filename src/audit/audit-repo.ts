import { advisoryLocks, type Queryable } from '../store/index.ts';
import { hashAuditEntry, type AuditActor, type AuditEntry } from './audit-chain.ts';

export interface AuditRecord {
  readonly action: string;
  readonly targetKind?: string | null;
  readonly targetId?: string | null;
  readonly orgUnitId?: number | null;
  /** Before/after summary; never a password, token or raw patient identifier. */
  readonly summary?: Record<string, unknown>;
}

interface AuditRow {
  seq: number; at: Date; actor_kind: AuditActor['kind']; actor_id: string | null; actor_name: string; action: string;
  target_kind: string | null; target_id: string | null; org_unit_id: number | null; summary: unknown; ip: string | null;
  user_agent: string | null; request_id: string | null; prev_hash: string; hash: string;
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq, at: row.at, actorKind: row.actor_kind, actorId: row.actor_id, actorName: row.actor_name, action: row.action,
    targetKind: row.target_kind, targetId: row.target_id, orgUnitId: row.org_unit_id, summary: row.summary, ip: row.ip,
    userAgent: row.user_agent, requestId: row.request_id, prevHash: row.prev_hash, hash: row.hash,
  };
}

/**
 * Appends one entry inside the caller's transaction, so the entry commits with the change it
 * records. The transaction-scoped advisory lock serialises appends across processes; call this
 * last in a transaction to keep the lock short.
 */
export async function appendAudit(tx: Queryable, actor: AuditActor, record: AuditRecord, at: Date): Promise<AuditEntry> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [advisoryLocks.auditAppend]);
  const last = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1');
  const prev = last.rows[0];
  // Timestamps are kept to the millisecond so the hash survives the database round trip.
  const content = {
    seq: (prev?.seq ?? 0) + 1,
    at: new Date(Math.floor(at.getTime())),
    actorKind: actor.kind,
    actorId: actor.id,
    actorName: actor.name,
    action: record.action,
    targetKind: record.targetKind ?? null,
    targetId: record.targetId ?? null,
    orgUnitId: record.orgUnitId ?? null,
    summary: record.summary ?? {},
    ip: actor.ip ?? null,
    userAgent: actor.userAgent ?? null,
    requestId: actor.requestId ?? null,
  };
  const prevHash = prev?.hash ?? '';
  const hash = hashAuditEntry(content, prevHash);
  await tx.query(
    `INSERT INTO audit_entry (seq, at, actor_kind, actor_id, actor_name, action, target_kind, target_id, org_unit_id, summary, ip, user_agent, request_id, prev_hash, hash)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
    [content.seq, content.at, content.actorKind, content.actorId, content.actorName, content.action, content.targetKind, content.targetId,
      content.orgUnitId, JSON.stringify(content.summary), content.ip, content.userAgent, content.requestId, prevHash, hash],
  );
  return { ...content, prevHash, hash };
}

export interface AuditQuery {
  readonly actorId?: string;
  readonly action?: string;
  readonly targetKind?: string;
  readonly targetId?: string;
  readonly from?: Date;
  readonly to?: Date;
  /** Only entries about these org subtrees (materialised paths) or about no org unit. */
  readonly scopePaths?: readonly string[];
  readonly limit: number;
  readonly beforeSeq?: number;
}

export async function queryAudit(db: Queryable, q: AuditQuery): Promise<AuditEntry[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (q.actorId !== undefined) add('a.actor_id = ?', q.actorId);
  if (q.action !== undefined) add('a.action = ?', q.action);
  if (q.targetKind !== undefined) add('a.target_kind = ?', q.targetKind);
  if (q.targetId !== undefined) add('a.target_id = ?', q.targetId);
  if (q.from !== undefined) add('a.at >= ?', q.from);
  if (q.to !== undefined) add('a.at < ?', q.to);
  if (q.beforeSeq !== undefined) add('a.seq < ?', q.beforeSeq);
  if (q.scopePaths !== undefined) {
    params.push(q.scopePaths.map((p) => `${p}%`));
    where.push(`(a.org_unit_id IS NULL OR EXISTS (SELECT 1 FROM org_unit o WHERE o.id = a.org_unit_id AND o.path LIKE ANY ($${params.length})))`);
  }
  params.push(q.limit);
  const rows = await db.query<AuditRow>(
    `SELECT a.* FROM audit_entry a ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.seq DESC LIMIT $${params.length}`,
    params,
  );
  return rows.rows.map(toEntry);
}

/** Streams the whole log in seq order, a page at a time (the log can be large). */
export async function* readAuditChain(db: Queryable, pageSize = 5000): AsyncGenerator<AuditEntry> {
  let after = 0;
  for (;;) {
    const page = await db.query<AuditRow>('SELECT * FROM audit_entry WHERE seq > $1 ORDER BY seq LIMIT $2', [after, pageSize]);
    for (const row of page.rows) yield toEntry(row);
    const lastRow = page.rows.at(-1);
    if (lastRow === undefined || page.rows.length < pageSize) return;
    after = lastRow.seq;
  }
}

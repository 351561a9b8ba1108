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

/** One entry to append: who, what, when. */
export interface AuditAppend {
  readonly actor: AuditActor;
  readonly record: AuditRecord;
  readonly at: Date;
}

/**
 * Appends one entry inside the caller's transaction, so the entry commits with the change it
 * records. The transaction-scoped advisory lock serialises appends across processes; call this
 * last in a transaction to keep the lock short.
 */
export async function appendAudit(tx: Queryable, actor: AuditActor, record: AuditRecord, at: Date): Promise<AuditEntry> {
  const [entry] = await appendAudits(tx, [{ actor, record, at }]);
  if (entry === undefined) throw new Error('audit append stored nothing');
  return entry;
}

/**
 * Appends entries in the order given, chained as if appended one by one: one lock, one read of
 * the chain's end and one multi-row insert, for the work-order consumer's passes that record
 * hundreds of transitions at once.
 */
export async function appendAudits(tx: Queryable, appends: readonly AuditAppend[]): Promise<AuditEntry[]> {
  if (appends.length === 0) return [];
  await tx.query('SELECT pg_advisory_xact_lock($1)', [advisoryLocks.auditAppend]);
  const last = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1');
  let seq = last.rows[0]?.seq ?? 0;
  let prevHash = last.rows[0]?.hash ?? '';
  const entries: AuditEntry[] = [];
  for (const { actor, record, at } of appends) {
    seq += 1;
    // Timestamps are kept to the millisecond so the hash survives the database round trip.
    const content = {
      seq,
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
    const hash = hashAuditEntry(content, prevHash);
    entries.push({ ...content, prevHash, hash });
    prevHash = hash;
  }
  await tx.query(
    `INSERT INTO audit_entry (seq, at, actor_kind, actor_id, actor_name, action, target_kind, target_id, org_unit_id, summary, ip, user_agent, request_id, prev_hash, hash)
     SELECT x.seq, x.at, x.actor_kind, x.actor_id, x.actor_name, x.action, x.target_kind, x.target_id, x.org_unit_id, x.summary, x.ip, x.user_agent, x.request_id, x.prev_hash, x.hash
       FROM jsonb_to_recordset($1::jsonb) AS x(seq bigint, at timestamptz, actor_kind text, actor_id text, actor_name text, action text, target_kind text,
            target_id text, org_unit_id bigint, summary jsonb, ip text, user_agent text, request_id text, prev_hash text, hash text)
      ORDER BY x.seq`,
    [JSON.stringify(entries.map((e) => ({
      seq: e.seq, at: e.at.toISOString(), actor_kind: e.actorKind, actor_id: e.actorId, actor_name: e.actorName, action: e.action, target_kind: e.targetKind,
      target_id: e.targetId, org_unit_id: e.orgUnitId, summary: e.summary, ip: e.ip, user_agent: e.userAgent, request_id: e.requestId, prev_hash: e.prevHash, hash: e.hash,
    })))],
  );
  return entries;
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

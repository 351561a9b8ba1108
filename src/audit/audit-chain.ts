import { createHash } from 'node:crypto';

/**
 * The hash chain of the audit log. Each entry's hash covers its own content and the previous
 * entry's hash, so changing, removing or reordering any entry breaks every later link.
 */
export interface AuditActor {
  readonly kind: 'user' | 'token' | 'system';
  readonly id: string | null;
  readonly name: string;
  readonly ip?: string | null;
  readonly userAgent?: string | null;
  readonly requestId?: string | null;
}

export interface AuditEntryContent {
  readonly seq: number;
  readonly at: Date;
  readonly actorKind: AuditActor['kind'];
  readonly actorId: string | null;
  readonly actorName: string;
  readonly action: string;
  readonly targetKind: string | null;
  readonly targetId: string | null;
  readonly orgUnitId: number | null;
  readonly summary: unknown;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly requestId: string | null;
}

export interface AuditEntry extends AuditEntryContent {
  readonly prevHash: string;
  readonly hash: string;
}

/** JSON with object keys sorted, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function hashAuditEntry(content: AuditEntryContent, prevHash: string): string {
  // Only the content fields: an entry object also carries its own hash.
  const payload = canonicalJson({
    seq: content.seq, at: content.at.toISOString(), actorKind: content.actorKind, actorId: content.actorId,
    actorName: content.actorName, action: content.action, targetKind: content.targetKind, targetId: content.targetId,
    orgUnitId: content.orgUnitId, summary: content.summary, ip: content.ip, userAgent: content.userAgent,
    requestId: content.requestId, prevHash,
  });
  return createHash('sha256').update(payload).digest('hex');
}

export type ChainVerdict =
  | { readonly ok: true; readonly entries: number }
  | { readonly ok: false; readonly entries: number; readonly brokenAt: number; readonly reason: string };

/** Walks entries in seq order; reports the first entry whose link or content does not match. */
export function verifyAuditChain(entries: Iterable<AuditEntry>, startPrevHash = ''): ChainVerdict {
  let prevHash = startPrevHash;
  let count = 0;
  let expectedSeq: number | null = null;
  for (const entry of entries) {
    count += 1;
    if (expectedSeq !== null && entry.seq !== expectedSeq) {
      return { ok: false, entries: count, brokenAt: entry.seq, reason: `entry ${expectedSeq} is missing (next entry is ${entry.seq})` };
    }
    if (entry.prevHash !== prevHash) {
      return { ok: false, entries: count, brokenAt: entry.seq, reason: `entry ${entry.seq} does not link to the entry before it` };
    }
    if (hashAuditEntry(entry, entry.prevHash) !== entry.hash) {
      return { ok: false, entries: count, brokenAt: entry.seq, reason: `entry ${entry.seq} was changed after it was written` };
    }
    prevHash = entry.hash;
    expectedSeq = entry.seq + 1;
  }
  return { ok: true, entries: count };
}

/** Who is acting and when: passed to every service call that writes. */
export interface ActionContext {
  readonly actor: AuditActor;
  readonly now: Date;
}

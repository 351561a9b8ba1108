/**
 * The audit log: every write (and every read of patient-level data) appends who, when, what
 * and from where, in the same transaction as the change. Append-only and hash-chained, so
 * `verifyAuditLog` finds the first entry that was changed, removed or reordered.
 */
export { canonicalJson, hashAuditEntry, verifyAuditChain, type ActionContext, type AuditActor, type AuditEntry, type ChainVerdict } from './audit-chain.ts';
export { appendAudit, appendAudits, queryAudit, readAuditChain, type AuditAppend, type AuditQuery, type AuditRecord } from './audit-repo.ts';
export { verifyAuditLog } from './audit-service.ts';

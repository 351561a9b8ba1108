import type { Queryable } from '../store/index.ts';
import { verifyAuditChain, type AuditEntry, type ChainVerdict } from './audit-chain.ts';
import { readAuditChain } from './audit-repo.ts';

/** Verifies the whole chain without holding it in memory. */
export async function verifyAuditLog(db: Queryable): Promise<ChainVerdict> {
  const entries: AuditEntry[] = [];
  let verified = 0;
  let prevHash = '';
  let prevSeq: number | null = null;
  const flush = (): ChainVerdict | null => {
    if (entries.length === 0) return null;
    const verdict = verifyAuditChain(entries, prevHash);
    if (!verdict.ok) return { ...verdict, entries: verified + verdict.entries };
    verified += entries.length;
    const last = entries.at(-1);
    prevHash = last?.hash ?? prevHash;
    entries.length = 0;
    return null;
  };
  for await (const entry of readAuditChain(db)) {
    if (prevSeq !== null && entry.seq !== prevSeq + 1 && entries.length === 0) {
      return { ok: false, entries: verified + 1, brokenAt: entry.seq, reason: `entry ${prevSeq + 1} is missing (next entry is ${entry.seq})` };
    }
    entries.push(entry);
    prevSeq = entry.seq;
    if (entries.length >= 5000) {
      const broken = flush();
      if (broken) return broken;
    }
  }
  const broken = flush();
  return broken ?? { ok: true, entries: verified };
}

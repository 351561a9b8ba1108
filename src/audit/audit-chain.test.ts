import { describe, expect, it } from 'vitest';
import { canonicalJson, hashAuditEntry, verifyAuditChain, type AuditEntry, type AuditEntryContent } from './audit-chain.ts';

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = '';
  for (let seq = 1; seq <= n; seq += 1) {
    const content: AuditEntryContent = {
      seq, at: new Date(Date.UTC(2026, 0, 1, 0, seq)), actorKind: 'user', actorId: '1', actorName: 'admin',
      action: 'org.created', targetKind: 'org', targetId: `D${seq}`, orgUnitId: 1, summary: { after: { name: `科室${seq}` } },
      ip: '127.0.0.1', userAgent: 'test', requestId: `r${seq}`,
    };
    const hash = hashAuditEntry(content, prev);
    out.push({ ...content, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe('audit hash chain', () => {
  it('verifies an untouched chain', () => {
    expect(verifyAuditChain(chain(5))).toEqual({ ok: true, entries: 5 });
  });

  it('reports the first entry whose content was changed', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, summary: { after: { name: 'forged' } } };
    expect(verifyAuditChain(entries)).toMatchObject({ ok: false, brokenAt: 3, reason: expect.stringMatching(/changed/) });
  });

  it('reports a removed entry', () => {
    const entries = chain(5);
    entries.splice(1, 1);
    expect(verifyAuditChain(entries)).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it('reports an entry rewritten with a fresh hash but a stale link in the next', () => {
    const entries = chain(4);
    const forged = { ...entries[1]!, actorName: 'someone else' };
    entries[1] = { ...forged, hash: hashAuditEntry(forged, forged.prevHash) };
    expect(verifyAuditChain(entries)).toMatchObject({ ok: false, brokenAt: 3, reason: expect.stringMatching(/link/) });
  });

  it('hashes key order independently', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });
});

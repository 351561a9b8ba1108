/**
 * Canonical content hash of an accepted event: sha256 over a stable JSON rendering (object keys
 * sorted at every level, arrays in order). Two records with the same id and hash are duplicates
 * (idempotent re-send); the same id with a different hash is a conflict. Lives apart from the pure
 * core because it needs node:crypto.
 */
import { createHash } from 'node:crypto';
import { stableStringify } from './stable-json.ts';

export function contentHash(value: unknown): string {
  return createHash('sha256').update(stableStringify(value), 'utf8').digest('hex');
}

/**
 * Keyed pseudonyms for patient identifiers: `p_` + the first 22 base64url characters (132 bits) of
 * HMAC-SHA256(key, identifier). Deterministic for one key, so the same patient links across events
 * and sources; without the key the raw identifier cannot be recovered or confirmed by guessing.
 * The identifier is trimmed first so " 123" and "123" are the same patient.
 */
import { createHmac } from 'node:crypto';

export const PSEUDONYM_PATTERN = /^p_[A-Za-z0-9_-]{22}$/;
const MIN_KEY_BYTES = 16;

export function pseudonymise(key: Uint8Array, raw: string): string {
  const mac = createHmac('sha256', key).update(raw.trim(), 'utf8').digest('base64url');
  return `p_${mac.slice(0, 22)}`;
}

/** A pseudonymiser bound to one key; rejects keys shorter than 16 bytes. */
export function createPseudonymiser(key: Uint8Array): (raw: string) => string {
  if (key.byteLength < MIN_KEY_BYTES) {
    throw new RangeError(`pseudonymisation key must be at least ${MIN_KEY_BYTES} bytes`);
  }
  const copy = Uint8Array.from(key);
  return (raw) => pseudonymise(copy, raw);
}

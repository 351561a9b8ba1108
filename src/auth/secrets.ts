import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';

/** argon2id with the library's defaults (64 MiB, t=3, p=4), the OWASP-recommended family. */
let hashCost: { memoryCost?: number; timeCost?: number } = {};

/**
 * Lowers the hashing cost: for the test suite only, which hashes hundreds of passwords on two
 * cores. Verification reads the cost from each stored hash, so both costs verify everywhere.
 */
export function setPasswordHashCostForTests(cost: { memoryCost: number; timeCost: number }): void {
  hashCost = cost;
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, ...hashCost });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** A random secret for a cookie or API token; stored only as its sha256. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * How the sign-in throttle names an account: a digest of the user name as typed, trimmed and
 * lower-cased, so names that exist and names that do not are keyed alike and none is stored.
 */
export function throttleAccountId(username: string): string {
  return sha256(`login:${username.trim().toLowerCase()}`);
}

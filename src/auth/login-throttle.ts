/**
 * Throttling of failed sign-ins, instead of a lock anyone could set off. Failures are counted
 * per client address (any user name) and per pair of account and client address; once a
 * counter passes its free attempts, every further failure makes that key wait twice as long as
 * the last (1 s, 2 s, 4 s … up to a cap). An attempt while a key waits is answered "try again
 * in N s" without checking the password. Failures from one address never delay another, so the
 * real owner signing in from their own machine is not refused because of someone else's
 * guesses. Keys name the account by the user name as typed (normalised), whether or not it
 * exists, so unknown and known user names are throttled, and answered, alike. Pure: the
 * service reads and writes the states and passes the clock.
 */
export interface ThrottleState {
  readonly failures: number;
  readonly lastFailureAt: Date;
  readonly blockedUntil: Date | null;
}

export interface ThrottleRule {
  /** Failures allowed before waits begin. */
  readonly freeAttempts: number;
  /** The longest wait. */
  readonly maxDelaySeconds: number;
}

export interface ThrottleKey {
  readonly key: string;
  readonly rule: ThrottleRule;
}

/** Failures are forgotten after a day without any. */
export const throttleMemoryMs = 24 * 3_600_000;

/** Failures any user names may have from one client address before its waits begin. */
export const addressFreeAttempts = 20;

/** The keys a sign-in attempt is counted under; `accountId` is a digest of the normalised user name. */
export function throttleKeys(accountId: string, address: string, policy: { readonly maxFailedAttempts: number; readonly lockoutMinutes: number }): ThrottleKey[] {
  const maxDelaySeconds = policy.lockoutMinutes * 60;
  return [
    { key: `address:${address}`, rule: { freeAttempts: Math.max(addressFreeAttempts, policy.maxFailedAttempts), maxDelaySeconds } },
    { key: `account:${accountId}@${address}`, rule: { freeAttempts: policy.maxFailedAttempts, maxDelaySeconds } },
  ];
}

/** Whole seconds until an attempt under this state may be made; 0 when it may be made now. */
export function secondsToWait(state: ThrottleState | undefined, now: Date): number {
  if (!state?.blockedUntil) return 0;
  return Math.max(0, Math.ceil((state.blockedUntil.getTime() - now.getTime()) / 1000));
}

/** The state after one more failure. */
export function afterFailure(state: ThrottleState | undefined, rule: ThrottleRule, now: Date): ThrottleState {
  const remembered = state !== undefined && now.getTime() - state.lastFailureAt.getTime() < throttleMemoryMs;
  const failures = (remembered ? state.failures : 0) + 1;
  const over = failures - rule.freeAttempts;
  if (over <= 0) return { failures, lastFailureAt: now, blockedUntil: null };
  // 2^(over-1) seconds, without overflowing for long runs of failures.
  const delaySeconds = Math.min(rule.maxDelaySeconds, 2 ** Math.min(over - 1, 30));
  return { failures, lastFailureAt: now, blockedUntil: new Date(now.getTime() + delaySeconds * 1000) };
}

import { describe, expect, it } from 'vitest';
import { afterFailure, secondsToWait, throttleKeys, throttleMemoryMs, type ThrottleState } from './login-throttle.ts';

const now = new Date('2026-11-23T08:00:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);
const rule = { freeAttempts: 5, maxDelaySeconds: 900 };

function failures(n: number, start: Date = now): ThrottleState | undefined {
  let state: ThrottleState | undefined;
  for (let i = 0; i < n; i += 1) state = afterFailure(state, rule, start);
  return state;
}

describe('sign-in throttle', () => {
  it('lets the free attempts through without a wait', () => {
    const state = failures(5);
    expect(state).toEqual({ failures: 5, lastFailureAt: now, blockedUntil: null });
    expect(secondsToWait(state, now)).toBe(0);
  });

  it('doubles the wait with each failure past the free ones, up to the cap', () => {
    expect([6, 7, 8, 9].map((n) => secondsToWait(failures(n), now))).toEqual([1, 2, 4, 8]);
    expect(secondsToWait(failures(20), now)).toBe(900);
    expect(secondsToWait(failures(200), now)).toBe(900);
  });

  it('ends the wait when its time is up', () => {
    const state = failures(8);
    expect(secondsToWait(state, at(3_000))).toBe(1);
    expect(secondsToWait(state, at(4_000))).toBe(0);
  });

  it('forgets failures after a day without one', () => {
    const state = failures(9);
    expect(afterFailure(state, rule, at(throttleMemoryMs))).toEqual({ failures: 1, lastFailureAt: at(throttleMemoryMs), blockedUntil: null });
  });

  it('keys the pair of account and address apart from the address alone', () => {
    const policy = { maxFailedAttempts: 5, lockoutMinutes: 15 };
    const fromA = throttleKeys('acct1', '10.0.0.1', policy).map((k) => k.key);
    const fromB = throttleKeys('acct1', '10.0.0.2', policy).map((k) => k.key);
    expect(fromA).toEqual(['address:10.0.0.1', 'account:acct1@10.0.0.1']);
    expect(fromA.filter((k) => fromB.includes(k))).toEqual([]);
    expect(throttleKeys('acct1', '10.0.0.1', policy).map((k) => k.rule)).toEqual([{ freeAttempts: 20, maxDelaySeconds: 900 }, { freeAttempts: 5, maxDelaySeconds: 900 }]);
  });
});

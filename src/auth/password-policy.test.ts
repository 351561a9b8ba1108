import { describe, expect, it } from 'vitest';
import { checkPasswordStrength, decideLogin, defaultPasswordPolicy as policy, type AccountLoginState } from './password-policy.ts';

const now = new Date('2026-11-23T08:00:00Z');
const fresh: AccountLoginState = { disabledAt: null, lockedUntil: null, failedLoginCount: 0, mustChangePassword: false, passwordChangedAt: new Date('2026-11-01T00:00:00Z') };

describe('password strength', () => {
  it.each([
    ['short1', ['AUTH_PASSWORD_TOO_SHORT']],
    ['lettersonly', ['AUTH_PASSWORD_NEEDS_LETTER_AND_DIGIT']],
    ['1234567890', ['AUTH_PASSWORD_NEEDS_LETTER_AND_DIGIT']],
    ['zhang.wei2026', ['AUTH_PASSWORD_CONTAINS_USERNAME']],
    ['运监中心2026年', []],
    ['harbour7light', []],
  ])('%s → %j', (password, codes) => {
    expect(checkPasswordStrength(policy, password, 'zhang.wei').map((p) => p.code)).toEqual(codes);
  });
});

describe('login decisions', () => {
  it('asks for a change at first login', () => {
    expect(decideLogin(policy, { ...fresh, mustChangePassword: true }, true, now)).toEqual({ kind: 'ok', passwordChangeRequired: 'first_login' });
  });

  it('asks for a change after 90 days', () => {
    const old = { ...fresh, passwordChangedAt: new Date('2026-08-24T07:59:00Z') };
    expect(decideLogin(policy, old, true, now)).toEqual({ kind: 'ok', passwordChangeRequired: 'expired' });
    const notYet = { ...fresh, passwordChangedAt: new Date('2026-08-25T08:00:00Z') };
    expect(decideLogin(policy, notYet, true, now)).toEqual({ kind: 'ok', passwordChangeRequired: null });
  });

  it('counts failures and locks at the fifth with a message that says so', () => {
    const fourth = decideLogin(policy, { ...fresh, failedLoginCount: 3 }, false, now);
    expect(fourth).toMatchObject({ kind: 'bad_password', failedLoginCount: 4, lockedUntil: null, message: expect.stringMatching(/1 attempt\(s\) left/) });
    const fifth = decideLogin(policy, { ...fresh, failedLoginCount: 4 }, false, now);
    expect(fifth).toMatchObject({ kind: 'bad_password', failedLoginCount: 5, lockedUntil: new Date('2026-11-23T08:15:00Z'), message: expect.stringMatching(/locked for 15 minutes/) });
  });

  it('refuses even the right password while locked, and accepts it after the lock ends', () => {
    const locked = { ...fresh, failedLoginCount: 5, lockedUntil: new Date('2026-11-23T08:15:00Z') };
    expect(decideLogin(policy, locked, true, now)).toMatchObject({ kind: 'refused', code: 'AUTH_ACCOUNT_LOCKED' });
    expect(decideLogin(policy, locked, true, new Date('2026-11-23T08:16:00Z'))).toEqual({ kind: 'ok', passwordChangeRequired: null });
    expect(decideLogin(policy, locked, false, new Date('2026-11-23T08:16:00Z'))).toMatchObject({ failedLoginCount: 1 });
  });

  it('refuses a disabled account', () => {
    expect(decideLogin(policy, { ...fresh, disabledAt: now }, true, now)).toMatchObject({ kind: 'refused', code: 'AUTH_ACCOUNT_DISABLED' });
  });
});

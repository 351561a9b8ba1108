import { describe, expect, it } from 'vitest';
import { checkPasswordStrength, decideLogin, defaultPasswordPolicy as policy, type AccountLoginState } from './password-policy.ts';

const now = new Date('2026-11-23T08:00:00Z');
const fresh: AccountLoginState = { disabledAt: null, mustChangePassword: false, passwordChangedAt: new Date('2026-11-01T00:00:00Z') };

describe('password strength', () => {
  it.each([
    ['short1', ['AUTH_PASSWORD_TOO_SHORT', 'AUTH_PASSWORD_COMMON']],
    ['lettersonly', ['AUTH_PASSWORD_NEEDS_LETTER_AND_DIGIT']],
    ['1234567890', ['AUTH_PASSWORD_NEEDS_LETTER_AND_DIGIT', 'AUTH_PASSWORD_COMMON']],
    ['zhang.wei2026', ['AUTH_PASSWORD_CONTAINS_USERNAME']],
    ['运监中心2026年', []],
    ['harbour7light', []],
    // Blanks at either end or in runs do not make a password long.
    ['        1a', ['AUTH_PASSWORD_BLANK_PADDED']],
    ['1a        ', ['AUTH_PASSWORD_BLANK_PADDED']],
    ['ab1     cd', ['AUTH_PASSWORD_BLANK_PADDED']],
    ['harbour 7 light', []],
    // Common passwords of leaked-password lists, in any case, blanks ignored.
    ['password1', ['AUTH_PASSWORD_COMMON']],
    ['Qwerty123', ['AUTH_PASSWORD_COMMON']],
    ['1qaz2wsx', ['AUTH_PASSWORD_COMMON']],
    ['abc 12345', ['AUTH_PASSWORD_COMMON']],
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

  it('says only "bad password" for a wrong one, whatever the account', () => {
    expect(decideLogin(policy, fresh, false, now)).toEqual({ kind: 'bad_password' });
    expect(decideLogin(policy, { ...fresh, disabledAt: now }, false, now)).toEqual({ kind: 'bad_password' });
  });

  it('refuses a disabled account', () => {
    expect(decideLogin(policy, { ...fresh, disabledAt: now }, true, now)).toMatchObject({ kind: 'refused', code: 'AUTH_ACCOUNT_DISABLED' });
  });
});

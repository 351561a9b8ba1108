/**
 * The password policy of DOMAIN §12, configurable per installation: length, letters and
 * digits, change at first login, expiry, no reuse of the last N, lockout after repeated
 * failures. Pure: the service supplies hashes' comparison results and the clock.
 */
export interface PasswordPolicy {
  readonly minLength: number;
  readonly requireLetterAndDigit: boolean;
  readonly maxAgeDays: number;
  readonly historyCount: number;
  readonly maxFailedAttempts: number;
  readonly lockoutMinutes: number;
  readonly changeAtFirstLogin: boolean;
}

export const defaultPasswordPolicy: PasswordPolicy = Object.freeze({
  minLength: 8,
  requireLetterAndDigit: true,
  maxAgeDays: 90,
  historyCount: 1,
  maxFailedAttempts: 5,
  lockoutMinutes: 15,
  changeAtFirstLogin: true,
});

export interface PasswordProblem {
  readonly code: 'AUTH_PASSWORD_TOO_SHORT' | 'AUTH_PASSWORD_NEEDS_LETTER_AND_DIGIT' | 'AUTH_PASSWORD_CONTAINS_USERNAME' | 'AUTH_PASSWORD_TOO_LONG';
  readonly message: string;
}

/** Problems with a proposed password, before any reuse check (that needs the hashes). */
export function checkPasswordStrength(policy: PasswordPolicy, password: string, username: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if (Array.from(password).length < policy.minLength) {
    problems.push({ code: 'AUTH_PASSWORD_TOO_SHORT', message: `The password must have at least ${policy.minLength} characters.` });
  }
  if (password.length > 256) problems.push({ code: 'AUTH_PASSWORD_TOO_LONG', message: 'The password may have at most 256 characters.' });
  if (policy.requireLetterAndDigit && !(/\p{L}/u.test(password) && /\p{Nd}/u.test(password))) {
    problems.push({ code: 'AUTH_PASSWORD_NEEDS_LETTER_AND_DIGIT', message: 'The password must contain both letters and digits.' });
  }
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) {
    problems.push({ code: 'AUTH_PASSWORD_CONTAINS_USERNAME', message: 'The password must not contain the user name.' });
  }
  return problems;
}

export interface AccountLoginState {
  readonly disabledAt: Date | null;
  readonly lockedUntil: Date | null;
  readonly failedLoginCount: number;
  readonly mustChangePassword: boolean;
  readonly passwordChangedAt: Date;
}

export type LoginVerdict =
  | { readonly kind: 'refused'; readonly code: 'AUTH_ACCOUNT_DISABLED' | 'AUTH_ACCOUNT_LOCKED'; readonly message: string; readonly lockedUntil?: Date }
  | { readonly kind: 'bad_password'; readonly failedLoginCount: number; readonly lockedUntil: Date | null; readonly message: string }
  | { readonly kind: 'ok'; readonly passwordChangeRequired: 'first_login' | 'expired' | null };

/** The outcome of a login attempt, given whether the password matched. */
export function decideLogin(policy: PasswordPolicy, account: AccountLoginState, passwordMatches: boolean, now: Date): LoginVerdict {
  if (account.disabledAt !== null) {
    return { kind: 'refused', code: 'AUTH_ACCOUNT_DISABLED', message: 'This account is disabled. Ask an administrator.' };
  }
  if (account.lockedUntil !== null && account.lockedUntil > now) {
    return {
      kind: 'refused', code: 'AUTH_ACCOUNT_LOCKED', lockedUntil: account.lockedUntil,
      message: `This account is locked after ${policy.maxFailedAttempts} failed attempts until ${account.lockedUntil.toISOString()}. Try again later or ask an administrator to unlock it.`,
    };
  }
  if (!passwordMatches) {
    // A lock that has expired starts a fresh count.
    const previous = account.lockedUntil !== null ? 0 : account.failedLoginCount;
    const failed = previous + 1;
    if (failed >= policy.maxFailedAttempts) {
      const lockedUntil = new Date(now.getTime() + policy.lockoutMinutes * 60_000);
      return {
        kind: 'bad_password', failedLoginCount: failed, lockedUntil,
        message: `Wrong user name or password. The account is now locked for ${policy.lockoutMinutes} minutes after ${failed} failed attempts.`,
      };
    }
    const left = policy.maxFailedAttempts - failed;
    return { kind: 'bad_password', failedLoginCount: failed, lockedUntil: null, message: `Wrong user name or password. ${left} attempt(s) left before the account is locked.` };
  }
  if (account.mustChangePassword && policy.changeAtFirstLogin) return { kind: 'ok', passwordChangeRequired: 'first_login' };
  if (policy.maxAgeDays > 0 && now.getTime() - account.passwordChangedAt.getTime() > policy.maxAgeDays * 86_400_000) {
    return { kind: 'ok', passwordChangeRequired: 'expired' };
  }
  return { kind: 'ok', passwordChangeRequired: null };
}

export function validatePasswordPolicy(value: PasswordPolicy): string[] {
  const errors: string[] = [];
  if (value.minLength < 8 || value.minLength > 128) errors.push('/minLength must be from 8 to 128');
  if (value.maxAgeDays < 0 || value.maxAgeDays > 3650) errors.push('/maxAgeDays must be from 0 (never) to 3650');
  if (value.historyCount < 0 || value.historyCount > 24) errors.push('/historyCount must be from 0 to 24');
  if (value.maxFailedAttempts < 1 || value.maxFailedAttempts > 100) errors.push('/maxFailedAttempts must be from 1 to 100');
  if (value.lockoutMinutes < 1 || value.lockoutMinutes > 1440) errors.push('/lockoutMinutes must be from 1 to 1440');
  return errors;
}

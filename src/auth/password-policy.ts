import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The password policy of DOMAIN §12, configurable per installation: length, letters and
 * digits, no common or blank-padded passwords, change at first login, expiry, no reuse of the
 * last N, and how failed sign-ins are throttled (`login-throttle.ts`; no hard lock). Pure: the
 * service supplies hashes' comparison results and the clock.
 */
export interface PasswordPolicy {
  readonly minLength: number;
  readonly requireLetterAndDigit: boolean;
  readonly maxAgeDays: number;
  readonly historyCount: number;
  /** Failed sign-ins one client address may make on one account before each further one waits. */
  readonly maxFailedAttempts: number;
  /** The longest wait between throttled sign-in attempts (the waits double up to it). */
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
  readonly code:
    | 'AUTH_PASSWORD_TOO_SHORT' | 'AUTH_PASSWORD_NEEDS_LETTER_AND_DIGIT' | 'AUTH_PASSWORD_CONTAINS_USERNAME' | 'AUTH_PASSWORD_TOO_LONG'
    | 'AUTH_PASSWORD_BLANK_PADDED' | 'AUTH_PASSWORD_COMMON';
  readonly message: string;
}

// The 49,000 most common passwords of leaked-password corpora, ranked, from the maintained
// zxcvbn-ts "common" language package (MIT), lower-cased once.
let commonPasswords: ReadonlySet<string> | null = null;

function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  const lower = password.toLowerCase();
  return commonPasswords.has(lower) || commonPasswords.has(lower.replace(/\s+/gu, ''));
}

/** The length that counts: blanks at either end do not, and a run of blanks counts once. */
function effectiveLength(password: string): number {
  return Array.from(password.trim().replace(/\s+/gu, ' ')).length;
}

/** Problems with a proposed password, before any reuse check (that needs the hashes). */
export function checkPasswordStrength(policy: PasswordPolicy, password: string, username: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = Array.from(password).length;
  if (length < policy.minLength) {
    problems.push({ code: 'AUTH_PASSWORD_TOO_SHORT', message: `The password must have at least ${policy.minLength} characters.` });
  } else if (effectiveLength(password) < policy.minLength) {
    problems.push({ code: 'AUTH_PASSWORD_BLANK_PADDED', message: `The password must have at least ${policy.minLength} characters besides blanks at either end or repeated blanks.` });
  }
  if (password.length > 256) problems.push({ code: 'AUTH_PASSWORD_TOO_LONG', message: 'The password may have at most 256 characters.' });
  if (policy.requireLetterAndDigit && !(/\p{L}/u.test(password) && /\p{Nd}/u.test(password))) {
    problems.push({ code: 'AUTH_PASSWORD_NEEDS_LETTER_AND_DIGIT', message: 'The password must contain both letters and digits.' });
  }
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) {
    problems.push({ code: 'AUTH_PASSWORD_CONTAINS_USERNAME', message: 'The password must not contain the user name.' });
  }
  if (isCommonPassword(password)) {
    problems.push({ code: 'AUTH_PASSWORD_COMMON', message: 'This password is among the most common ones in leaked-password lists; choose another.' });
  }
  return problems;
}

export interface AccountLoginState {
  readonly disabledAt: Date | null;
  readonly mustChangePassword: boolean;
  readonly passwordChangedAt: Date;
}

export type LoginVerdict =
  | { readonly kind: 'refused'; readonly code: 'AUTH_ACCOUNT_DISABLED'; readonly message: string }
  | { readonly kind: 'bad_password' }
  | { readonly kind: 'ok'; readonly passwordChangeRequired: 'first_login' | 'expired' | null };

/**
 * The outcome of a sign-in attempt, given whether the password matched. A wrong password says
 * nothing about the account (disabled or not, failures so far): only someone who knows the
 * password learns that the account is disabled.
 */
export function decideLogin(policy: PasswordPolicy, account: AccountLoginState, passwordMatches: boolean, now: Date): LoginVerdict {
  if (!passwordMatches) return { kind: 'bad_password' };
  if (account.disabledAt !== null) {
    return { kind: 'refused', code: 'AUTH_ACCOUNT_DISABLED', message: 'This account is disabled. Ask an administrator.' };
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

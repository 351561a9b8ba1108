/** The shapes the console reads from the API (see /api/openapi.json). */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details: Readonly<Record<string, unknown>> };
}

export interface SessionGrant {
  readonly role: string;
  readonly orgUnit: string;
  readonly permissions: readonly string[];
}

export interface SessionView {
  readonly user: { readonly id: number; readonly username: string; readonly displayName: string; readonly orgUnit: string };
  readonly grants: readonly SessionGrant[];
  readonly csrfToken: string;
  /** 'first_login' | 'expired' when the session may only change the password. */
  readonly passwordChangeRequired: string | null;
}

export interface PasswordPolicy {
  readonly minLength: number;
  readonly requireLetterAndDigit: boolean;
  readonly maxAgeDays: number;
  readonly historyCount: number;
  readonly maxFailedAttempts: number;
  readonly lockoutMinutes: number;
  readonly changeAtFirstLogin: boolean;
}

export interface OrgView {
  readonly code: string;
  readonly name: string;
  readonly nameEn: string | null;
  readonly kind: string;
  readonly channel: string | null;
  readonly parentCode: string | null;
  readonly active: boolean;
  readonly depth: number;
}

export interface UserView {
  readonly id: number;
  readonly username: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly orgUnit: string;
  readonly disabled: boolean;
  readonly locked: boolean;
  readonly mustChangePassword: boolean;
  readonly lastLoginAt: string | null;
  readonly grants: readonly { readonly id: number; readonly role: string; readonly orgUnit: string }[];
}

export interface TokenView {
  readonly id: number;
  readonly name: string;
  readonly prefix: string;
  readonly role: string;
  readonly orgUnit: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

export interface AuditEntryView {
  readonly seq: number;
  readonly at: string;
  readonly actorKind: string;
  readonly actorId: string | null;
  readonly actorName: string;
  readonly action: string;
  readonly targetKind: string | null;
  readonly targetId: string | null;
  readonly summary: unknown;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly requestId: string | null;
  readonly hash: string;
}

export interface ListOf<T> {
  readonly items: readonly T[];
}

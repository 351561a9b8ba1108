import { appendAudit, type ActionContext, type AuditActor } from '../audit/index.ts';
import { AppError } from '../shared/index.ts';
import { readSetting, writeSetting, type Db } from '../store/index.ts';
import { checkPasswordStrength, decideLogin, defaultPasswordPolicy, validatePasswordPolicy, type PasswordPolicy } from './password-policy.ts';
import type { Principal } from './permissions.ts';
import { hashPassword, newSecret, sha256, verifyPassword } from './secrets.ts';
import * as sessions from './sessions-repo.ts';
import * as tokens from './tokens-repo.ts';
import * as users from './users-repo.ts';

export interface SessionSettings {
  readonly idleMinutes: number;
  readonly maxHours: number;
}

export interface LoginResult {
  readonly sessionToken: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
  readonly passwordChangeRequired: 'first_login' | 'expired' | null;
  readonly userId: number;
}

export interface AuthenticatedSession {
  readonly principal: Principal;
  readonly sessionId: string;
  readonly csrfToken: string;
}

const policyKey = 'password_policy';
// Compared against when the user name is unknown, so a miss costs as much time as a hit.
let decoyHash: Promise<string> | null = null;

export function createAuthService(deps: { db: Db; session: SessionSettings }) {
  const { db } = deps;

  async function passwordPolicy(): Promise<PasswordPolicy> {
    return { ...defaultPasswordPolicy, ...((await readSetting<Partial<PasswordPolicy>>(db, policyKey)) ?? {}) };
  }

  async function principalOfUser(user: users.UserRecord, passwordChangeOnly: boolean): Promise<Principal> {
    const grants = await users.grantsOfUser(db, user.id);
    return { kind: 'user', id: user.id, name: user.username, passwordChangeOnly, grants };
  }

  async function checkNewPassword(policy: PasswordPolicy, user: { id: number; username: string }, password: string): Promise<void> {
    const problems = checkPasswordStrength(policy, password, user.username);
    const first = problems[0];
    if (first) throw new AppError(first.code, first.message, { field: '/newPassword', problems });
    if (policy.historyCount > 0) {
      for (const hash of await users.recentPasswordHashes(db, user.id, policy.historyCount)) {
        if (await verifyPassword(hash, password)) {
          throw new AppError('AUTH_PASSWORD_REUSED', `The new password must differ from the last ${policy.historyCount} password(s).`, { field: '/newPassword' });
        }
      }
    }
  }

  return {
    passwordPolicy,

    async setPasswordPolicy(ctx: ActionContext, next: PasswordPolicy): Promise<PasswordPolicy> {
      const errors = validatePasswordPolicy(next);
      if (errors.length > 0) throw new AppError('SETTINGS_INVALID', errors.join('; '), { field: errors[0]?.split(' ')[0] ?? '/' });
      const before = await passwordPolicy();
      await db.transaction(async (tx) => {
        await writeSetting(tx, policyKey, next, ctx.now);
        await appendAudit(tx, ctx.actor, { action: 'settings.passwordPolicyChanged', targetKind: 'setting', targetId: policyKey, summary: { before, after: next } }, ctx.now);
      });
      return next;
    },

    async login(username: string, password: string, meta: { ip: string | null; userAgent: string | null; requestId: string | null }, now: Date): Promise<LoginResult> {
      const policy = await passwordPolicy();
      const user = await users.findUserByUsername(db, username);
      const actor: AuditActor = { kind: 'user', id: user ? String(user.id) : null, name: username.slice(0, 64), ...meta };
      if (!user) {
        decoyHash ??= hashPassword('decoy-password-1');
        await verifyPassword(await decoyHash, password);
        await db.transaction((tx) => appendAudit(tx, actor, { action: 'auth.loginFailed', summary: { reason: 'unknown_user' } }, now));
        throw new AppError('AUTH_INVALID_CREDENTIALS', 'Wrong user name or password.');
      }
      const matches = user.disabledAt === null && (user.lockedUntil === null || user.lockedUntil <= now) ? await verifyPassword(user.passwordHash, password) : false;
      const verdict = decideLogin(policy, user, matches, now);
      switch (verdict.kind) {
        case 'refused':
          await db.transaction((tx) => appendAudit(tx, actor, { action: 'auth.loginRefused', targetKind: 'user', targetId: String(user.id), summary: { reason: verdict.code } }, now));
          throw new AppError(verdict.code, verdict.message, verdict.lockedUntil ? { lockedUntil: verdict.lockedUntil.toISOString() } : {});
        case 'bad_password':
          await db.transaction(async (tx) => {
            await users.recordLoginOutcome(tx, user.id, { failedLoginCount: verdict.failedLoginCount, lockedUntil: verdict.lockedUntil });
            await appendAudit(tx, actor, {
              action: verdict.lockedUntil ? 'auth.accountLocked' : 'auth.loginFailed', targetKind: 'user', targetId: String(user.id),
              summary: { failedLoginCount: verdict.failedLoginCount },
            }, now);
          });
          throw new AppError(verdict.lockedUntil ? 'AUTH_ACCOUNT_LOCKED' : 'AUTH_INVALID_CREDENTIALS', verdict.message,
            verdict.lockedUntil ? { lockedUntil: verdict.lockedUntil.toISOString() } : {});
        case 'ok': {
          const sessionToken = newSecret('yjs');
          const csrfToken = newSecret('csrf');
          const expiresAt = new Date(now.getTime() + deps.session.maxHours * 3_600_000);
          await db.transaction(async (tx) => {
            await users.recordLoginOutcome(tx, user.id, { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now });
            await sessions.insertSession(tx, {
              id: sha256(sessionToken), userId: user.id, csrfToken, passwordChangeOnly: verdict.passwordChangeRequired !== null, now, expiresAt,
              ip: meta.ip, userAgent: meta.userAgent,
            });
            await appendAudit(tx, actor, { action: 'auth.loggedIn', targetKind: 'user', targetId: String(user.id), orgUnitId: user.orgUnitId, summary: { passwordChangeRequired: verdict.passwordChangeRequired } }, now);
          });
          return { sessionToken, csrfToken, expiresAt, passwordChangeRequired: verdict.passwordChangeRequired, userId: user.id };
        }
      }
    },

    /** The principal behind a session cookie, or null when it is unknown, idle too long or expired. */
    async authenticateSession(sessionToken: string, now: Date): Promise<AuthenticatedSession | null> {
      const id = sha256(sessionToken);
      const session = await sessions.findSession(db, id);
      if (!session) return null;
      const idleLimit = session.lastSeenAt.getTime() + deps.session.idleMinutes * 60_000;
      if (session.expiresAt <= now || idleLimit <= now.getTime()) {
        await sessions.deleteSession(db, id);
        return null;
      }
      const user = await users.findUserById(db, session.userId);
      if (!user || user.disabledAt !== null) return null;
      // Write last-seen at most once a minute: a page load makes many requests.
      if (now.getTime() - session.lastSeenAt.getTime() > 60_000) await sessions.touchSession(db, id, now);
      return { principal: await principalOfUser(user, session.passwordChangeOnly), sessionId: id, csrfToken: session.csrfToken };
    },

    async authenticateToken(secret: string, now: Date): Promise<Principal | null> {
      const token = await tokens.findTokenByHash(db, sha256(secret));
      if (!token || token.revokedAt !== null || (token.expiresAt !== null && token.expiresAt <= now)) return null;
      if (token.lastUsedAt === null || now.getTime() - token.lastUsedAt.getTime() > 60_000) await tokens.touchToken(db, token.id, now);
      return {
        kind: 'token', id: token.id, name: token.name, passwordChangeOnly: false,
        grants: [{ role: token.role, orgUnitId: token.orgUnitId, orgPath: token.orgPath }],
      };
    },

    async logout(ctx: ActionContext, sessionId: string): Promise<void> {
      await db.transaction(async (tx) => {
        await sessions.deleteSession(tx, sessionId);
        await appendAudit(tx, ctx.actor, { action: 'auth.loggedOut' }, ctx.now);
      });
    },

    async changePassword(ctx: ActionContext, userId: number, sessionId: string | null, currentPassword: string, newPassword: string): Promise<void> {
      const user = await users.findUserById(db, userId);
      if (!user) throw new AppError('AUTH_UNAUTHENTICATED', 'Sign in first.');
      if (!(await verifyPassword(user.passwordHash, currentPassword))) {
        throw new AppError('AUTH_WRONG_PASSWORD', 'The current password is wrong.', { field: '/currentPassword' });
      }
      await checkNewPassword(await passwordPolicy(), user, newPassword);
      const hash = await hashPassword(newPassword);
      await db.transaction(async (tx) => {
        await users.setPassword(tx, user.id, hash, false, ctx.now);
        if (sessionId !== null) await sessions.clearPasswordChangeOnly(tx, sessionId);
        await sessions.deleteOtherSessions(tx, user.id, sessionId);
        await appendAudit(tx, ctx.actor, { action: 'auth.passwordChanged', targetKind: 'user', targetId: String(user.id), orgUnitId: user.orgUnitId }, ctx.now);
      });
    },

    /** Sets a new initial password chosen by an administrator; the user must change it at next login. */
    async resetPassword(ctx: ActionContext, userId: number, newPassword: string): Promise<void> {
      const user = await users.findUserById(db, userId);
      if (!user) throw new AppError('USER_NOT_FOUND', `User ${userId} does not exist.`);
      await checkNewPassword(await passwordPolicy(), user, newPassword);
      const hash = await hashPassword(newPassword);
      await db.transaction(async (tx) => {
        await users.setPassword(tx, user.id, hash, true, ctx.now);
        await sessions.deleteOtherSessions(tx, user.id, null);
        await appendAudit(tx, ctx.actor, { action: 'user.passwordReset', targetKind: 'user', targetId: String(user.id), orgUnitId: user.orgUnitId }, ctx.now);
      });
    },

    checkNewPassword,
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

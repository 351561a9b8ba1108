import { appendAudit, type ActionContext, type AuditActor } from '../audit/index.ts';
import { AppError } from '../shared/index.ts';
import { readSetting, writeSetting, type Db } from '../store/index.ts';
import { checkPasswordStrength, decideLogin, defaultPasswordPolicy, validatePasswordPolicy, type PasswordPolicy } from './password-policy.ts';
import type { Principal } from './permissions.ts';
import { afterFailure, secondsToWait, throttleKeys } from './login-throttle.ts';
import * as throttles from './login-throttle-repo.ts';
import { hashPassword, newSecret, sha256, throttleAccountId, verifyPassword } from './secrets.ts';
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

    /**
     * Signs in. Every failure answers the same, whatever the user name: the client address and
     * the pair of user name and address are throttled (login-throttle.ts), a password is always
     * hashed (a decoy's for unknown names), and the audit keeps no user name that matched no
     * account (it may be a patient's identity number typed in the wrong box).
     */
    async login(username: string, password: string, meta: { ip: string | null; userAgent: string | null; requestId: string | null }, now: Date): Promise<LoginResult> {
      const policy = await passwordPolicy();
      const keys = throttleKeys(throttleAccountId(username), meta.ip ?? 'unknown', policy);
      const states = await throttles.readThrottles(db, keys.map((k) => k.key));
      const wait = Math.max(0, ...keys.map((k) => secondsToWait(states.get(k.key), now)));
      if (wait > 0) {
        throw new AppError('AUTH_THROTTLED', `Too many failed sign-ins. Try again in ${wait} s.`, { retryAfterSeconds: wait });
      }
      const user = await users.findUserByUsername(db, username);
      decoyHash ??= hashPassword('decoy-password-1');
      const matches = await verifyPassword(user ? user.passwordHash : await decoyHash, password);
      const verdict = user ? decideLogin(policy, user, matches, now) : { kind: 'bad_password' as const };
      const actor: AuditActor = { kind: 'user', id: user ? String(user.id) : null, name: user ? user.username : '(unknown user name)', ...meta };
      const target = user ? { targetKind: 'user', targetId: String(user.id), orgUnitId: user.orgUnitId } : {};
      switch (verdict.kind) {
        case 'refused':
          await db.transaction((tx) => appendAudit(tx, actor, { action: 'auth.loginRefused', ...target, summary: { reason: verdict.code } }, now));
          throw new AppError(verdict.code, verdict.message);
        case 'bad_password': {
          const next = new Map(keys.map((k) => [k.key, afterFailure(states.get(k.key), k.rule, now)]));
          const throttledFor = Math.max(0, ...[...next.values()].map((st) => secondsToWait(st, now)));
          await db.transaction(async (tx) => {
            await throttles.writeThrottles(tx, next, now);
            await appendAudit(tx, actor, {
              action: 'auth.loginFailed', ...target,
              summary: { reason: user ? 'wrong_password' : 'unknown_user', ...(throttledFor > 0 ? { throttledForSeconds: throttledFor } : {}) },
            }, now);
          });
          throw new AppError('AUTH_INVALID_CREDENTIALS', 'Wrong user name or password.');
        }
        case 'ok': {
          if (!user) throw new Error('unreachable: a verdict of ok needs an account');
          const sessionToken = newSecret('yjs');
          const csrfToken = newSecret('csrf');
          const expiresAt = new Date(now.getTime() + deps.session.maxHours * 3_600_000);
          await db.transaction(async (tx) => {
            // The pair's failures end with a success; the address's do not (one's own account must not clear it).
            await throttles.deleteThrottles(tx, keys.filter((k) => k.key.startsWith('account:')).map((k) => k.key));
            await users.recordLoginOutcome(tx, user.id, { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now });
            await sessions.insertSession(tx, {
              id: sha256(sessionToken), userId: user.id, csrfToken, passwordChangeOnly: verdict.passwordChangeRequired !== null, now, expiresAt,
              ip: meta.ip, userAgent: meta.userAgent,
            });
            await appendAudit(tx, actor, { action: 'auth.loggedIn', ...target, summary: { passwordChangeRequired: verdict.passwordChangeRequired } }, now);
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

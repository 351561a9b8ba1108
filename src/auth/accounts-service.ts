import { appendAudit, type ActionContext } from '../audit/index.ts';
import { AppError } from '../shared/index.ts';
import type { Db } from '../store/index.ts';
import type { AuthService } from './auth-service.ts';
import type { TokenRole, UserRole } from './permissions.ts';
import { deleteAccountThrottles } from './login-throttle-repo.ts';
import { hashPassword, newSecret, sha256, throttleAccountId } from './secrets.ts';
import * as tokens from './tokens-repo.ts';
import * as users from './users-repo.ts';

export interface CreateUserInput {
  readonly username: string;
  readonly displayName: string;
  readonly email?: string | null;
  readonly orgUnitId: number;
  readonly initialPassword: string;
  /** Demo accounts skip the first-login change; real accounts never do. */
  readonly mustChangePassword?: boolean;
}

export interface PublicUser {
  readonly id: number;
  readonly username: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly orgUnit: string;
  readonly disabled: boolean;
  readonly locked: boolean;
  readonly mustChangePassword: boolean;
  readonly lastLoginAt: string | null;
  readonly grants: readonly { id: number; role: string; orgUnit: string }[];
}

/** Users, grants and API tokens, as administrators manage them. A departed user is disabled, never deleted. */
export function createAccountsService(deps: { db: Db; auth: Pick<AuthService, 'passwordPolicy' | 'checkNewPassword'> }) {
  const { db } = deps;

  async function requireUser(id: number): Promise<users.UserRecord> {
    const user = await users.findUserById(db, id);
    if (!user) throw new AppError('USER_NOT_FOUND', `User ${id} does not exist.`);
    return user;
  }

  async function toPublic(user: users.UserRecord, now: Date): Promise<PublicUser> {
    const grants = await users.grantsOfUser(db, user.id);
    return {
      id: user.id, username: user.username, displayName: user.displayName, email: user.email, orgUnit: user.orgCode,
      disabled: user.disabledAt !== null, locked: user.lockedUntil !== null && user.lockedUntil > now, mustChangePassword: user.mustChangePassword,
      lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
      grants: grants.map((g) => ({ id: g.id, role: g.role, orgUnit: g.orgCode })),
    };
  }

  return {
    requireUser,
    toPublic,
    findUserByUsername: (username: string) => users.findUserByUsername(db, username),
    grantsOf: (userId: number) => users.grantsOfUser(db, userId),
    listUsers: (scopePaths: readonly string[]) => users.listUsersInScope(db, scopePaths),
    countUsers: () => users.countUsers(db),

    async createUser(ctx: ActionContext, input: CreateUserInput): Promise<users.UserRecord> {
      if (await users.findUserByUsername(db, input.username)) {
        throw new AppError('USER_USERNAME_TAKEN', `User name "${input.username}" is taken (disabled accounts keep their names).`, { field: '/username' });
      }
      await deps.auth.checkNewPassword(await deps.auth.passwordPolicy(), { id: -1, username: input.username }, input.initialPassword).catch((error: unknown) => {
        if (error instanceof AppError) throw new AppError(error.code, error.message, { ...error.details, field: '/initialPassword' });
        throw error;
      });
      const hash = await hashPassword(input.initialPassword);
      const id = await db.transaction(async (tx) => {
        const newId = await users.insertUser(tx, {
          username: input.username, displayName: input.displayName, email: input.email ?? null, orgUnitId: input.orgUnitId,
          passwordHash: hash, mustChangePassword: input.mustChangePassword ?? true, now: ctx.now,
        });
        await appendAudit(tx, ctx.actor, {
          action: 'user.created', targetKind: 'user', targetId: String(newId), orgUnitId: input.orgUnitId,
          summary: { after: { username: input.username, displayName: input.displayName, email: input.email ?? null } },
        }, ctx.now);
        return newId;
      });
      return requireUser(id);
    },

    async updateUser(ctx: ActionContext, id: number, patch: { displayName?: string; email?: string | null }): Promise<users.UserRecord> {
      const user = await requireUser(id);
      const next = { displayName: patch.displayName ?? user.displayName, email: patch.email === undefined ? user.email : patch.email };
      await db.transaction(async (tx) => {
        await users.updateUserProfile(tx, id, next);
        await appendAudit(tx, ctx.actor, {
          action: 'user.updated', targetKind: 'user', targetId: String(id), orgUnitId: user.orgUnitId,
          summary: { before: { displayName: user.displayName, email: user.email }, after: next },
        }, ctx.now);
      });
      return requireUser(id);
    },

    async setDisabled(ctx: ActionContext, id: number, disabled: boolean): Promise<users.UserRecord> {
      const user = await requireUser(id);
      if (ctx.actor.kind === 'user' && ctx.actor.id === String(id) && disabled) {
        throw new AppError('USER_CANNOT_DISABLE_SELF', 'You cannot disable your own account.');
      }
      await db.transaction(async (tx) => {
        await users.setUserDisabled(tx, id, disabled ? ctx.now : null);
        await appendAudit(tx, ctx.actor, { action: disabled ? 'user.disabled' : 'user.enabled', targetKind: 'user', targetId: String(id), orgUnitId: user.orgUnitId }, ctx.now);
      });
      return requireUser(id);
    },

    async unlock(ctx: ActionContext, id: number): Promise<users.UserRecord> {
      const user = await requireUser(id);
      await db.transaction(async (tx) => {
        await users.unlockUser(tx, id);
        await deleteAccountThrottles(tx, throttleAccountId(user.username));
        await appendAudit(tx, ctx.actor, { action: 'user.unlocked', targetKind: 'user', targetId: String(id), orgUnitId: user.orgUnitId }, ctx.now);
      });
      return requireUser(id);
    },

    async grant(ctx: ActionContext, userId: number, role: UserRole, org: { id: number; code: string }): Promise<number> {
      const user = await requireUser(userId);
      return db.transaction(async (tx) => {
        const grantId = await users.insertGrant(tx, userId, role, org.id);
        await appendAudit(tx, ctx.actor, {
          action: 'user.granted', targetKind: 'user', targetId: String(userId), orgUnitId: org.id,
          summary: { after: { role, orgUnit: org.code, username: user.username } },
        }, ctx.now);
        return grantId;
      });
    },

    findGrant: (grantId: number) => users.findGrant(db, grantId),

    async revokeGrant(ctx: ActionContext, grant: users.GrantRecord): Promise<void> {
      await db.transaction(async (tx) => {
        await users.deleteGrant(tx, grant.id);
        await appendAudit(tx, ctx.actor, {
          action: 'user.grantRevoked', targetKind: 'user', targetId: String(grant.userId), orgUnitId: grant.orgUnitId,
          summary: { before: { role: grant.role, orgUnit: grant.orgCode } },
        }, ctx.now);
      });
    },

    /** Creates an API token; the secret is returned once and only its hash is kept. */
    async createToken(ctx: ActionContext, input: { name: string; role: TokenRole; orgUnitId: number; expiresAt: Date | null; createdBy: number | null }) {
      if (input.expiresAt !== null && input.expiresAt <= ctx.now) {
        throw new AppError('TOKEN_EXPIRY_IN_PAST', 'The expiry must be in the future.', { field: '/expiresAt' });
      }
      const secret = newSecret('yjt');
      const id = await db.transaction(async (tx) => {
        const tokenId = await tokens.insertToken(tx, {
          name: input.name, tokenHash: sha256(secret), tokenPrefix: secret.slice(0, 12), role: input.role, orgUnitId: input.orgUnitId,
          createdBy: input.createdBy, now: ctx.now, expiresAt: input.expiresAt,
        });
        await appendAudit(tx, ctx.actor, {
          action: 'token.created', targetKind: 'token', targetId: String(tokenId), orgUnitId: input.orgUnitId,
          summary: { after: { name: input.name, role: input.role, expiresAt: input.expiresAt?.toISOString() ?? null } },
        }, ctx.now);
        return tokenId;
      });
      const token = await tokens.findTokenById(db, id);
      if (!token) throw new Error('token vanished after insert');
      return { token, secret };
    },

    findToken: (id: number) => tokens.findTokenById(db, id),
    listTokens: (scopePaths: readonly string[]) => tokens.listTokensInScope(db, scopePaths),

    async revokeToken(ctx: ActionContext, token: tokens.TokenRecord): Promise<void> {
      await db.transaction(async (tx) => {
        await tokens.revokeToken(tx, token.id, ctx.now);
        await appendAudit(tx, ctx.actor, { action: 'token.revoked', targetKind: 'token', targetId: String(token.id), orgUnitId: token.orgUnitId, summary: { name: token.name } }, ctx.now);
      });
    },
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;

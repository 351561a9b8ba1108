/**
 * Accounts and access: users with argon2id passwords under the configurable policy of DOMAIN
 * §12, sessions (cookie + CSRF token), API tokens (hashed, shown once, revocable, expiring),
 * grants of role × org subtree, and the permission and scope checks every route goes through.
 */
export { createAccountsService, type AccountsService, type CreateUserInput, type PublicUser } from './accounts-service.ts';
export { createAuthService, type AuthenticatedSession, type AuthService, type LoginResult, type SessionSettings } from './auth-service.ts';
export { checkPasswordStrength, decideLogin, defaultPasswordPolicy, type PasswordPolicy } from './password-policy.ts';
export {
  can, canSee, holdsAnywhere, permissions, roleHas, rolePermissions, scopePaths, userRoles,
  type Grant, type Permission, type Principal, type Role, type TokenRole, type UserRole,
} from './permissions.ts';
export { hashPassword, newSecret, sha256, verifyPassword } from './secrets.ts';
export type { TokenRecord } from './tokens-repo.ts';
export type { GrantRecord, UserRecord } from './users-repo.ts';

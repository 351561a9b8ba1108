import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { rolePermissions, type AccountsService, type AuthService } from '../auth/index.ts';
import { AppError, type Clock } from '../shared/index.ts';
import { actionContext, principalOf, sessionCookie } from './access.ts';
import { Body, errorResponses, Nullable } from './schemas.ts';

const PasswordPolicy = Type.Object({
  minLength: Type.Integer({ minimum: 8, maximum: 128 }),
  requireLetterAndDigit: Type.Boolean(),
  maxAgeDays: Type.Integer({ minimum: 0, maximum: 3650, description: '0 = never expires' }),
  historyCount: Type.Integer({ minimum: 0, maximum: 24 }),
  maxFailedAttempts: Type.Integer({ minimum: 1, maximum: 100, description: 'Failed sign-ins one client address may make on one account before each further attempt waits (1 s, doubling)' }),
  lockoutMinutes: Type.Integer({ minimum: 1, maximum: 1440, description: 'The longest wait between throttled sign-in attempts, in minutes (no account is ever locked)' }),
  changeAtFirstLogin: Type.Boolean(),
}, { additionalProperties: false });

const SessionView = Type.Object({
  user: Type.Object({ id: Type.Integer(), username: Type.String(), displayName: Type.String(), orgUnit: Type.String() }),
  grants: Type.Array(Type.Object({ role: Type.String(), orgUnit: Type.String(), permissions: Type.Array(Type.String()) })),
  csrfToken: Type.String(),
  passwordChangeRequired: Nullable(Type.String()),
});

export function registerAuthRoutes(app: FastifyInstance, deps: { auth: AuthService; accounts: AccountsService; clock: Clock; cookieSecure: boolean; sessionMaxHours: number }) {
  const { auth, accounts, clock } = deps;

  function setCookie(reply: FastifyReply, value: string, maxAgeSeconds: number) {
    void reply.setCookie(sessionCookie, value, { httpOnly: true, sameSite: 'strict', secure: deps.cookieSecure, path: '/', maxAge: maxAgeSeconds });
  }

  async function sessionView(request: FastifyRequest, csrfToken: string, passwordChangeRequired: string | null) {
    const principal = principalOf(request);
    const user = await accounts.requireUser(principal.id);
    const pub = await accounts.toPublic(user, clock.now());
    return {
      user: { id: user.id, username: user.username, displayName: user.displayName, orgUnit: user.orgCode },
      grants: pub.grants.map((g) => ({ role: g.role, orgUnit: g.orgUnit, permissions: [...(rolePermissions[g.role as keyof typeof rolePermissions] ?? [])] })),
      csrfToken,
      passwordChangeRequired,
    };
  }

  app.post('/api/auth/login', {
    config: { access: { public: true } },
    schema: {
      tags: ['auth'], summary: 'Sign in with user name and password; sets the session cookie',
      body: Body({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }),
      response: { 200: SessionView, ...errorResponses, 429: errorResponses[400] },
    },
  }, async (request, reply) => {
    const body = request.body as { username: string; password: string };
    const result = await auth.login(body.username.trim(), body.password, { ip: request.ip, userAgent: request.headers['user-agent'] ?? null, requestId: request.id }, clock.now());
    setCookie(reply, result.sessionToken, deps.sessionMaxHours * 3600);
    const session = await auth.authenticateSession(result.sessionToken, clock.now());
    if (!session) throw new AppError('AUTH_SESSION_EXPIRED', 'The session ended at once; check the server clock.');
    request.principal = session.principal;
    return sessionView(request, result.csrfToken, result.passwordChangeRequired);
  });

  app.get('/api/auth/session', {
    config: { access: { signedIn: true, duringPasswordChange: true } },
    schema: { tags: ['auth'], summary: 'The signed-in user, their grants and the CSRF token', response: { 200: SessionView, ...errorResponses } },
  }, async (request) => {
    const principal = principalOf(request);
    if (principal.kind !== 'user' || request.sessionId === null) throw new AppError('AUTH_FORBIDDEN', 'API tokens have no session.');
    const session = await auth.authenticateSession(request.cookies[sessionCookie] ?? '', clock.now());
    if (!session) throw new AppError('AUTH_SESSION_EXPIRED', 'The session has expired. Sign in again.');
    const user = await accounts.requireUser(principal.id);
    const reason = principal.passwordChangeOnly ? (user.mustChangePassword ? 'first_login' : 'expired') : null;
    return sessionView(request, session.csrfToken, reason);
  });

  app.post('/api/auth/logout', {
    config: { access: { signedIn: true, duringPasswordChange: true } },
    schema: { tags: ['auth'], summary: 'Sign out and end the session', response: { 200: Type.Object({ ok: Type.Literal(true) }), ...errorResponses } },
  }, async (request, reply) => {
    if (request.sessionId !== null) await auth.logout(actionContext(request, clock), request.sessionId);
    setCookie(reply, '', 0);
    return { ok: true as const };
  });

  app.post('/api/auth/password', {
    config: { access: { signedIn: true, duringPasswordChange: true } },
    schema: {
      tags: ['auth'], summary: 'Change one’s own password (also ends the first-login and expiry restriction)',
      body: Body({ currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Type.String({ minLength: 1, maxLength: 256 }) }),
      response: { 200: Type.Object({ ok: Type.Literal(true) }), ...errorResponses },
    },
  }, async (request) => {
    const principal = principalOf(request);
    if (principal.kind !== 'user') throw new AppError('AUTH_FORBIDDEN', 'API tokens have no password.');
    const body = request.body as { currentPassword: string; newPassword: string };
    await auth.changePassword(actionContext(request, clock), principal.id, request.sessionId, body.currentPassword, body.newPassword);
    return { ok: true as const };
  });

  app.get('/api/settings/password-policy', {
    config: { access: { signedIn: true, duringPasswordChange: true } },
    schema: { tags: ['settings'], summary: 'The password policy in force', response: { 200: PasswordPolicy, ...errorResponses } },
  }, () => auth.passwordPolicy());

  app.put('/api/settings/password-policy', {
    config: { access: { permission: 'settings.manage', resources: [{ kind: 'installation', from: 'fixed', field: 'root' }] } },
    schema: { tags: ['settings'], summary: 'Change the password policy (administrators of the whole group)', body: PasswordPolicy, response: { 200: PasswordPolicy, ...errorResponses } },
  }, (request) => auth.setPasswordPolicy(actionContext(request, clock), request.body as Parameters<AuthService['setPasswordPolicy']>[1]));
}

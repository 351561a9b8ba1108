import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedPassword, createTestApp, testPassword, type TestApp } from '../../test/support/test-app.ts';
import { testBackend } from '../../test/support/test-db.ts';

describe(`sign-in, sessions and the password policy on ${testBackend}`, () => {
  let ta: TestApp;
  beforeAll(async () => {
    ta = await createTestApp();
  });
  afterAll(async () => ta.close());

  const login = (username: string, password: string) => ta.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  const cookieOf = (res: Awaited<ReturnType<typeof login>>) => res.cookies.find((c) => c.name === 'yj_session');

  it('sets an httpOnly, SameSite session cookie and restricts a first login to changing the password', async () => {
    const res = await login('exec', testPassword);
    expect(res.statusCode).toBe(200);
    const cookie = cookieOf(res)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const body = res.json<{ passwordChangeRequired: string; csrfToken: string; grants: { role: string; orgUnit: string }[] }>();
    expect(body.passwordChangeRequired).toBe('first_login');
    expect(body.grants).toEqual([expect.objectContaining({ role: 'executive', orgUnit: 'H1' })]);
    const headers = { cookie: `yj_session=${cookie.value}`, 'x-csrf-token': body.csrfToken };
    const blocked = await ta.app.inject({ method: 'GET', url: '/api/orgs', headers });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json()).toMatchObject({ error: { code: 'AUTH_PASSWORD_CHANGE_REQUIRED' } });

    const weak = await ta.app.inject({ method: 'POST', url: '/api/auth/password', headers, payload: { currentPassword: testPassword, newPassword: 'onlyletters' } });
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ error: { code: 'AUTH_PASSWORD_NEEDS_LETTER_AND_DIGIT', details: { field: '/newPassword' } } });
    const same = await ta.app.inject({ method: 'POST', url: '/api/auth/password', headers, payload: { currentPassword: testPassword, newPassword: testPassword } });
    expect(same.json()).toMatchObject({ error: { code: 'AUTH_PASSWORD_REUSED' } });
    const wrong = await ta.app.inject({ method: 'POST', url: '/api/auth/password', headers, payload: { currentPassword: 'nope1234', newPassword: changedPassword } });
    expect(wrong.json()).toMatchObject({ error: { code: 'AUTH_WRONG_PASSWORD', details: { field: '/currentPassword' } } });

    const ok = await ta.app.inject({ method: 'POST', url: '/api/auth/password', headers, payload: { currentPassword: testPassword, newPassword: changedPassword } });
    expect(ok.statusCode).toBe(200);
    const orgs = await ta.app.inject({ method: 'GET', url: '/api/orgs', headers });
    expect(orgs.statusCode).toBe(200);
    expect(orgs.json<{ items: { code: string }[] }>().items.map((o) => o.code)).toEqual(['H1', 'H1-OFF', 'DEPT-A', 'DEPT-B']);
  });

  it('refuses a cookie-authenticated change without the CSRF token', async () => {
    const client = await ta.signIn('admin');
    const res = await ta.app.inject({ method: 'POST', url: '/api/orgs', headers: { cookie: `yj_session=${client.cookie}` }, payload: { code: 'X1', name: 'x', kind: 'department', parentCode: 'H1-OFF' } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'AUTH_CSRF' } });
    const withToken = await client.request({ method: 'POST', url: '/api/orgs', payload: { code: 'X1', name: '新科室', kind: 'department', parentCode: 'H1-OFF' } });
    expect(withToken.statusCode).toBe(201);
  });

  const loginFrom = (address: string, username: string, password: string) =>
    ta.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: address, payload: { username, password } });

  it('throttles failures from one address with growing waits, but never refuses the owner from elsewhere', async () => {
    const attacker = '198.51.100.7';
    for (let i = 1; i <= 6; i += 1) {
      const res = await loginFrom(attacker, 'analyst', `wrong-pass-${i}`);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'AUTH_INVALID_CREDENTIALS', message: 'Wrong user name or password.', details: {} } });
    }
    // Past the five free attempts the pair waits 1 s, then 2 s, …; meanwhile the password is not even checked.
    const throttled = await loginFrom(attacker, 'analyst', testPassword);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json()).toMatchObject({ error: { code: 'AUTH_THROTTLED', details: { retryAfterSeconds: 1 } } });
    expect(throttled.headers['retry-after']).toBe('1');
    // The owner, signing in from their own address, is let in at once.
    expect((await loginFrom('203.0.113.20', 'analyst', testPassword)).statusCode).toBe(200);
    ta.clock.advance(1_000);
    expect((await loginFrom(attacker, 'analyst', 'wrong-pass-7')).statusCode).toBe(401);
    expect((await loginFrom(attacker, 'analyst', 'wrong-pass-8')).json()).toMatchObject({ error: { details: { retryAfterSeconds: 2 } } });
    ta.clock.advance(2_000);
    expect((await loginFrom(attacker, 'analyst', testPassword)).statusCode).toBe(200);
  });

  it('throttles one address trying many user names', async () => {
    const sprayer = '198.51.100.8';
    for (let i = 1; i <= 21; i += 1) expect((await loginFrom(sprayer, `user${i}`, 'Spring2026')).statusCode).toBe(401);
    expect((await loginFrom(sprayer, 'someone.else', 'Spring2026')).statusCode).toBe(429);
  });

  it('answers unknown and known user names alike, and keeps no unknown user name in the audit', async () => {
    const known = await loginFrom('198.51.100.9', 'admin.a', 'Wrong2026pass');
    const identityNumber = '11010519491231002X';
    const unknown = await loginFrom('198.51.100.9', identityNumber, 'Wrong2026pass');
    expect([unknown.statusCode, unknown.body]).toEqual([known.statusCode, known.body]);
    for (let i = 0; i < 6; i += 1) {
      await loginFrom('198.51.100.10', 'admin.a', 'Wrong2026pass');
      await loginFrom('198.51.100.10', identityNumber, 'Wrong2026pass');
    }
    const [knownLater, unknownLater] = [await loginFrom('198.51.100.10', 'admin.a', 'x'), await loginFrom('198.51.100.10', identityNumber, 'x')];
    expect(knownLater.statusCode).toBe(429);
    expect([unknownLater.statusCode, unknownLater.body]).toEqual([knownLater.statusCode, knownLater.body]);
    const audit = await ta.t.db.query<{ j: string }>('SELECT row_to_json(a)::text AS j FROM audit_entry a');
    const all = audit.rows.map((r) => r.j).join('\n');
    expect(all).toContain('unknown_user');
    expect(all).not.toContain(identityNumber);
    expect(all).not.toContain(identityNumber.toLowerCase());
  });

  it('refuses a common or blank-padded password', async () => {
    const admin = await ta.signIn('admin');
    const user = await ta.services.accounts.findUserByUsername('liaison.a');
    for (const [newPassword, code] of [['        1a', 'AUTH_PASSWORD_BLANK_PADDED'], ['password123', 'AUTH_PASSWORD_COMMON']] as const) {
      const res = await admin.request({ method: 'POST', url: `/api/users/${user!.id}/reset-password`, payload: { newPassword } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code, details: { field: '/newPassword' } } });
    }
  });

  it('lets an administrator clear an account\'s waits', async () => {
    const from = '198.51.100.11';
    for (let i = 0; i < 6; i += 1) await loginFrom(from, 'exec', 'Wrong2026pass');
    expect((await loginFrom(from, 'exec', changedPassword)).statusCode).toBe(429);
    const admin = await ta.signIn('admin');
    const user = await ta.services.accounts.findUserByUsername('exec');
    expect((await admin.request({ method: 'POST', url: `/api/users/${user!.id}/unlock` })).statusCode).toBe(200);
    expect((await loginFrom(from, 'exec', changedPassword)).statusCode).toBe(200);
  });

  it('asks for a new password after 90 days', async () => {
    const liaison = await ta.signIn('liaison.b');
    expect((await liaison.request({ method: 'GET', url: '/api/orgs' })).statusCode).toBe(200);
    ta.clock.advance(91 * 86_400_000);
    try {
      const res = await login('liaison.b', changedPassword);
      expect(res.json()).toMatchObject({ passwordChangeRequired: 'expired' });
    } finally {
      ta.clock.advance(-91 * 86_400_000);
    }
  });

  it('ends a session after 30 idle minutes and on logout', async () => {
    const client = await ta.signIn('admin.a');
    ta.clock.advance(31 * 60_000);
    const idle = await client.request({ method: 'GET', url: '/api/orgs' });
    expect(idle.statusCode).toBe(401);
    expect(idle.json()).toMatchObject({ error: { code: 'AUTH_SESSION_EXPIRED' } });
    const again = await ta.signIn('admin.a');
    expect((await again.request({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(200);
    expect((await again.request({ method: 'GET', url: '/api/orgs' })).statusCode).toBe(401);
  });

  it('disables a departed user without deleting them, ending their sessions', async () => {
    const admin = await ta.signIn('admin');
    const exec = await ta.signIn('exec');
    const user = await ta.services.accounts.findUserByUsername('exec');
    const res = await admin.request({ method: 'POST', url: `/api/users/${user!.id}/disable` });
    expect(res.json()).toMatchObject({ username: 'exec', disabled: true });
    expect((await exec.request({ method: 'GET', url: '/api/orgs' })).statusCode).toBe(401);
    const relogin = await login('exec', changedPassword);
    expect(relogin.json()).toMatchObject({ error: { code: 'AUTH_ACCOUNT_DISABLED' } });
    const list = await admin.request({ method: 'GET', url: '/api/users' });
    expect(list.json<{ items: { username: string; disabled: boolean }[] }>().items).toContainEqual(expect.objectContaining({ username: 'exec', disabled: true }));
  });

  it('shows an API token secret once, stores only its hash, and honours revocation and expiry', async () => {
    const admin = await ta.signIn('admin');
    const created = await admin.request({ method: 'POST', url: '/api/tokens', payload: { name: 'HIS feed', role: 'analyst', orgUnit: 'H1', expiresAt: new Date(ta.clock.now().getTime() + 3_600_000).toISOString() } });
    expect(created.statusCode).toBe(201);
    const { secret, token } = created.json<{ secret: string; token: { id: number; prefix: string } }>();
    expect(secret.startsWith(token.prefix)).toBe(true);
    const stored = await ta.t.db.query<{ token_hash: string }>('SELECT token_hash FROM api_token WHERE id = $1', [token.id]);
    expect(stored.rows[0]!.token_hash).not.toContain(secret);
    const listed = await admin.request({ method: 'GET', url: '/api/tokens' });
    expect(listed.body).not.toContain(secret);

    const bearer = { authorization: `Bearer ${secret}` };
    expect((await ta.app.inject({ method: 'GET', url: '/api/orgs', headers: bearer })).statusCode).toBe(200);
    ta.clock.advance(2 * 3_600_000);
    expect((await ta.app.inject({ method: 'GET', url: '/api/orgs', headers: bearer })).statusCode).toBe(401);
    ta.clock.advance(-2 * 3_600_000);
    expect((await admin.request({ method: 'DELETE', url: `/api/tokens/${token.id}` })).json()).toMatchObject({ revokedAt: expect.any(String) });
    expect((await ta.app.inject({ method: 'GET', url: '/api/orgs', headers: bearer })).statusCode).toBe(401);
  });

  it('lets only a group-wide administrator change the password policy, and applies it', async () => {
    const adminA = await ta.signIn('admin.a');
    const policy = { minLength: 10, requireLetterAndDigit: true, maxAgeDays: 90, historyCount: 3, maxFailedAttempts: 5, lockoutMinutes: 15, changeAtFirstLogin: true };
    // Installation-wide settings are invisible to a department administrator.
    expect((await adminA.request({ method: 'PUT', url: '/api/settings/password-policy', payload: policy })).statusCode).toBe(404);
    const admin = await ta.signIn('admin');
    expect((await admin.request({ method: 'PUT', url: '/api/settings/password-policy', payload: { ...policy, minLength: 4 } })).statusCode).toBe(400);
    expect((await admin.request({ method: 'PUT', url: '/api/settings/password-policy', payload: policy })).statusCode).toBe(200);
    const user = await ta.services.accounts.findUserByUsername('liaison.a');
    const short = await admin.request({ method: 'POST', url: `/api/users/${user!.id}/reset-password`, payload: { newPassword: 'abc123def' } });
    expect(short.json()).toMatchObject({ error: { code: 'AUTH_PASSWORD_TOO_SHORT', message: expect.stringContaining('10') } });
  });

  it('audits sign-ins and changes, and serves the log to administrators only', async () => {
    const admin = await ta.signIn('admin');
    const res = await admin.request({ method: 'GET', url: '/api/audit?action=auth.loginFailed' });
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: { action: string; ip: string; targetKind: string | null }[] }>().items;
    expect(items).toContainEqual(expect.objectContaining({ action: 'auth.loginFailed', targetKind: 'user', ip: '198.51.100.7' }));
    const liaison = await ta.signIn('liaison.a');
    expect((await liaison.request({ method: 'GET', url: '/api/audit' })).statusCode).toBe(403);
  });
});

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

  it('locks an account after five failures with a clear message, and an admin can unlock it', async () => {
    for (let i = 1; i <= 4; i += 1) {
      const res = await login('analyst', `wrong-pass-${i}`);
      expect(res.statusCode).toBe(401);
      expect(res.json<{ error: { message: string } }>().error.message).toContain(`${5 - i} attempt(s) left`);
    }
    const fifth = await login('analyst', 'wrong-pass-5');
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json()).toMatchObject({ error: { code: 'AUTH_ACCOUNT_LOCKED', message: expect.stringMatching(/locked for 15 minutes/) } });
    const right = await login('analyst', testPassword);
    expect(right.statusCode).toBe(423);
    const admin = await ta.signIn('admin');
    const user = await ta.services.accounts.findUserByUsername('analyst');
    expect((await admin.request({ method: 'POST', url: `/api/users/${user!.id}/unlock` })).statusCode).toBe(200);
    expect((await login('analyst', testPassword)).statusCode).toBe(200);
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
    const res = await admin.request({ method: 'GET', url: '/api/audit?action=auth.accountLocked' });
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: { action: string; ip: string; targetKind: string }[] }>().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ action: 'auth.accountLocked', targetKind: 'user', ip: expect.any(String) });
    const liaison = await ta.signIn('liaison.a');
    expect((await liaison.request({ method: 'GET', url: '/api/audit' })).statusCode).toBe(403);
  });
});

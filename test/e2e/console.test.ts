import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/cli/bootstrap.ts';
import { changedPassword, testPassword } from '../support/test-app.ts';
import { launchChromium, type WatchedPage } from './support/browser.ts';
import { withDemoPage, type DemoPageOptions } from './support/demo-page.ts';
import { createSignIn } from './support/sign-in.ts';
import { startWebServer, type WebServer } from './support/web-server.ts';

let server: WebServer;
let browser: Browser;
const changed = new Set<string>();
const signIn = createSignIn(changed);

beforeAll(async () => {
  server = await startWebServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser.close();
  await server.close();
});

/** Runs a browser session, saves its screenshot and fails on any console error (refusals named in `options` excepted). */
const withPage = (name: string, run: (w: WatchedPage) => Promise<void>, options: DemoPageOptions = {}) => withDemoPage(browser, server, name, run, options);

/** The sidebar's entries, in order. */
async function navEntries(page: Page): Promise<(string | null)[]> {
  return Promise.all((await page.locator('[data-nav]').all()).map((entry) => entry.getAttribute('data-nav')));
}

describe('web console', () => {
  it('sends the administrator through the first-login password change to the overview of the group', async () => {
    await withPage('admin-first-login', async ({ page }) => {
      await page.goto('/');
      await page.waitForURL('**/login');
      await page.fill('input[name="username"]', 'admin');
      await page.fill('input[name="password"]', testPassword);
      await page.click('button[type="submit"]');
      await page.waitForURL('**/change-password');
      await expect.poll(() => page.textContent('[data-testid="password-reason"]')).toContain('首次登录');
      await expect.poll(() => page.textContent('[data-testid="password-policy"]')).toContain('至少 8 个字符');

      await page.fill('input[name="currentPassword"]', testPassword);
      await page.fill('input[name="newPassword"]', 'short1');
      await page.fill('input[name="confirmPassword"]', 'other1');
      await page.click('button[type="submit"]');
      await expect.poll(() => page.textContent('[data-testid="password-error"]')).toContain('不一致');

      await page.fill('input[name="newPassword"]', changedPassword);
      await page.fill('input[name="confirmPassword"]', changedPassword);
      await page.click('button[type="submit"]');
      await page.waitForURL((url) => url.pathname === '/');
      changed.add('admin');
      await expect.poll(() => page.textContent('[data-testid="scope-name"]')).toBe('集团');
      await expect.poll(() => page.textContent('[data-testid="unit-count"]')).toBe('5');
      expect(await navEntries(page)).toEqual(
        [
          'overview', 'orgs', 'indicators', 'alerts', 'workorders', 'problems', 'sources', 'budgets', 'quality-costs', 'screen',
          'admin-users', 'admin-orgs', 'admin-tokens', 'admin-sources', 'admin-indicators', 'admin-rules', 'admin-silences',
          'admin-routing', 'admin-calendars', 'admin-audit',
        ],
      );
      await page.waitForSelector('[data-testid="overview-alerts"] [data-testid="alerts-by-severity"]');
    });
  });

  it('switches the language to English and back, and keeps the choice after a reload', async () => {
    await withPage('language-switch', async ({ page }) => {
      await signIn(page, 'admin');
      await expect.poll(() => page.textContent('h1')).toContain('总览');
      await page.click('.topbar [data-locale="en"]');
      await expect.poll(() => page.textContent('h1')).toContain('Overview');
      await expect.poll(() => page.textContent('[data-testid="scope-name"]')).toBe('Group');
      await page.reload();
      await expect.poll(() => page.textContent('h1')).toContain('Overview');
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      await page.click('.topbar [data-locale="zh-CN"]');
      await expect.poll(() => page.textContent('h1')).toContain('总览');
    });
  });

  it('lets the administrator create a user, who must then change the initial password', async () => {
    await withPage('admin-create-user', async ({ page }) => {
      await signIn(page, 'admin');
      await page.click('[data-nav="admin-users"]');
      await page.waitForSelector('[data-user="liaison.b"]');
      await page.click('[data-action="create-user"]');
      await page.fill('.modal input[name="username"]', 'nurse.wang');
      await page.fill('.modal input[name="displayName"]', '王护士');
      await page.selectOption('.modal select[name="orgUnit"]', 'DEPT-B');
      await page.fill('.modal input[name="initialPassword"]', 'Welcome2026x');
      await page.click('.modal [data-action="submit"]');
      await page.waitForSelector('[data-user="nurse.wang"]');
      await expect.poll(() => page.textContent('[data-user="nurse.wang"]')).toContain('待改密');

      await page.click('[data-user="nurse.wang"] [data-action="add-grant"]');
      await page.selectOption('.modal select[name="orgUnit"]', 'DEPT-B');
      await page.selectOption('.modal select[name="role"]', 'liaison');
      await page.click('.modal [data-action="submit"]');
      await expect.poll(() => page.textContent('[data-user="nurse.wang"]')).toContain('科室联络员 · 儿科');

      await page.click('[data-nav="admin-audit"]');
      await page.waitForSelector('[data-audit="user.created"]');
    });
    const created = await server.services.accounts.findUserByUsername('nurse.wang');
    expect(created?.mustChangePassword).toBe(true);
  });

  it('shows a liaison only their own department and no administration', async () => {
    await withPage('liaison-scope', async ({ page }) => {
      await signIn(page, 'liaison.a');
      await expect.poll(() => page.textContent('[data-testid="scope-name"]')).toBe('心内科');
      await expect.poll(() => page.textContent('[data-testid="unit-count"]')).toBe('1');
      // Liaisons read indicators and alerts and work their orders; no sources, rules or administration.
      expect(await navEntries(page)).toEqual(['overview', 'orgs', 'indicators', 'alerts', 'workorders', 'problems', 'budgets', 'quality-costs', 'screen']);
      await page.click('[data-nav="orgs"]');
      await page.waitForSelector('[data-org="DEPT-A"]');
      expect(await page.locator('[data-org]').count()).toBe(1);
      await page.goto('/admin/users');
      await page.waitForSelector('[data-testid="not-found"]');
    });
  });

  it('fits the overview on a phone with the navigation in a drawer', async () => {
    await withPage('phone-overview', async ({ page }) => {
      await signIn(page, 'analyst');
      const menu = page.locator('.menu-button');
      await menu.click();
      await page.click('[data-nav="orgs"]');
      await page.waitForSelector('[data-testid="orgs-page"]');
      await page.click('[data-org="DEPT-B"]');
      await expect.poll(() => page.textContent('[data-testid="org-detail-name"]')).toBe('儿科');
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow).toBeLessThanOrEqual(0);
    }, { viewport: { width: 390, height: 844 }, isMobile: true });
  });

  it('shows the big screen with a running clock and rotating pages', async () => {
    await withPage('big-screen', async ({ page }) => {
      await signIn(page, 'exec');
      await page.goto('/screen?rotate=1');
      await page.waitForSelector('[data-testid="big-screen"] [data-screen-page="overview"]');
      const first = await page.textContent('[data-testid="screen-clock"]');
      await page.waitForSelector('[data-screen-page="quality"]', { timeout: 5000 });
      await expect.poll(() => page.textContent('[data-testid="screen-clock"]')).not.toBe(first);
      await page.goto('/screen?rotate=0');
      await page.waitForSelector('[data-screen-page="overview"] [data-site="H1-OFF"]');
    }, { viewport: { width: 1920, height: 1080 } });
  });

  it('shows the server’s wrong-password and throttling messages on the sign-in page', async () => {
    const policy = await server.services.auth.passwordPolicy();
    await withPage('login-lockout', async ({ page }) => {
      await page.goto('/login');
      await page.fill('input[name="username"]', 'admin.a');
      await page.fill('input[name="password"]', 'wrong-password-1');
      await page.click('button[type="submit"]');
      await expect.poll(() => page.textContent('[data-testid="login-error"]')).toBe('用户名或密码错误。');
      // Past the free attempts each failure makes this address wait longer (1 s, 2 s, 4 s …; no lock
      // anyone could set off): an attempt inside a wait is refused with a message that says so.
      let throttled = false;
      for (let attempt = 2; attempt <= policy.maxFailedAttempts + 6 && !throttled; attempt++) {
        await page.fill('input[name="password"]', `wrong-password-${attempt}`);
        await page.click('button[type="submit"]');
        await page.waitForSelector(`form[data-attempts="${attempt}"]`);
        throttled = (await page.textContent('[data-testid="login-error"]'))?.includes('登录失败次数过多') ?? false;
        if (attempt <= policy.maxFailedAttempts) expect(throttled).toBe(false);
      }
      expect(throttled).toBe(true);
    }, { refusals: [401, 429] });
  });

  it('sends the user to the sign-in page with a message when the session has ended', async () => {
    await withPage('session-expired', async ({ page, context }) => {
      await signIn(page, 'exec');
      const cookie = (await context.cookies()).find((c) => c.name === 'yj_session');
      const headers = { cookie: `yj_session=${cookie?.value ?? ''}` };
      const session = await (await fetch(`${server.url}/api/auth/session`, { headers })).json() as { csrfToken: string };
      const ended = await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers: { ...headers, 'x-csrf-token': session.csrfToken } });
      expect(ended.status).toBe(200);

      await page.click('[data-nav="orgs"]');
      await page.click('[data-org="DEPT-A"]');
      await page.waitForURL('**/login?next=**');
      await expect.poll(() => page.textContent('[data-testid="login-notice"]')).toBe('会话已过期，请重新登录。');
    }, { refusals: [401] });
  });

  it('shows a new API token’s secret once, revokes the token, and adds and renames an org unit', async () => {
    await withPage('admin-tokens-orgs', async ({ page }) => {
      await signIn(page, 'admin');
      page.on('dialog', (dialog) => { void dialog.accept(); });
      await page.click('[data-nav="admin-tokens"]');
      await page.click('[data-action="create-token"]');
      await page.fill('.modal input[name="name"]', 'HIS feed');
      await page.selectOption('.modal select[name="orgUnit"]', 'H1');
      await page.click('.modal [data-action="submit"]');
      const secret = await page.textContent('[data-testid="token-secret"]');
      expect(secret?.length).toBeGreaterThan(20);
      await page.click('.modal button:has-text("关闭")');
      await page.click('[data-token="HIS feed"] [data-action="revoke"]');
      await expect.poll(() => page.textContent('[data-token="HIS feed"]')).toContain('已吊销');
      expect(await page.locator('[data-testid="token-secret"]').count()).toBe(0);

      await page.click('[data-nav="admin-orgs"]');
      await page.click('[data-action="create-org"]');
      await page.fill('.modal input[name="code"]', 'DEPT-C');
      await page.fill('.modal input[name="name"]', '骨科');
      await page.fill('.modal input[name="nameEn"]', 'Orthopaedics');
      await page.selectOption('.modal select[name="parentCode"]', 'H1-OFF');
      await page.click('.modal [data-action="submit"]');
      await page.waitForSelector('[data-org-row="DEPT-C"]');
      await page.click('[data-org-row="DEPT-C"] [data-action="rename"]');
      await page.fill('.modal input[name="name"]', '骨外科');
      await page.click('.modal [data-action="submit"]');
      await expect.poll(() => page.textContent('[data-org-row="DEPT-C"]')).toContain('骨外科');
    });
    expect((await server.services.orgs.findByCode('DEPT-C'))?.name).toBe('骨外科');
  });

  it('lets a user with grants on two departments switch the scope, and remembers it', async () => {
    const user = await server.services.accounts.findUserByUsername('liaison.b');
    await server.services.accounts.grant(systemContext(new Date()), user!.id, 'liaison', await server.services.orgs.require('DEPT-A'));
    await withPage('scope-switch', async ({ page }) => {
      await signIn(page, 'liaison.b');
      expect(await page.locator('[data-testid="scope-select"] option').count()).toBe(2);
      await page.selectOption('[data-testid="scope-select"]', 'DEPT-B');
      await expect.poll(() => page.textContent('[data-testid="scope-name"]')).toBe('儿科');
      await page.selectOption('[data-testid="scope-select"]', 'DEPT-A');
      await expect.poll(() => page.textContent('[data-testid="scope-name"]')).toBe('心内科');
      await page.reload();
      await expect.poll(() => page.textContent('[data-testid="scope-name"]')).toBe('心内科');
    });
  });
});

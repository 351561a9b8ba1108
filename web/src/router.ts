import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { features } from './features/index.ts';
import { navEntries } from './nav.ts';
import { holds, loadSession, state } from './session.ts';

/**
 * History-mode routes (the server answers index.html for any non-/api path). Every page but
 * sign-in needs a session; a session restricted to the password change only reaches that
 * page; a page whose permission the user lacks is not found.
 */
declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean;
    permission?: string;
    bare?: boolean;
  }
}

const permissionOf = (name: string) => navEntries.find((e) => e.name === name)?.permission ?? 'org.read';

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { public: true, bare: true } },
  { path: '/change-password', name: 'change-password', component: () => import('./pages/ChangePasswordPage.vue'), meta: { bare: true } },
  { path: '/', name: 'overview', component: () => import('./pages/OverviewPage.vue'), meta: { permission: permissionOf('overview') } },
  { path: '/orgs/:code?', name: 'orgs', component: () => import('./pages/OrgsPage.vue'), meta: { permission: permissionOf('orgs') } },
  { path: '/screen', name: 'screen', component: () => import('./pages/screen/ScreenPage.vue'), meta: { permission: permissionOf('screen'), bare: true } },
  { path: '/admin/users', name: 'admin-users', component: () => import('./pages/admin/UsersPage.vue'), meta: { permission: permissionOf('admin-users') } },
  { path: '/admin/orgs', name: 'admin-orgs', component: () => import('./pages/admin/OrgUnitsPage.vue'), meta: { permission: permissionOf('admin-orgs') } },
  { path: '/admin/tokens', name: 'admin-tokens', component: () => import('./pages/admin/TokensPage.vue'), meta: { permission: permissionOf('admin-tokens') } },
  { path: '/admin/audit', name: 'admin-audit', component: () => import('./pages/admin/AuditPage.vue'), meta: { permission: permissionOf('admin-audit') } },
  ...features.flatMap((f) => f.routes),
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./pages/NotFoundPage.vue') },
];

export const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach(async (to) => {
  if (!state.loaded) await loadSession();
  if (to.meta.public === true) {
    return state.session !== null && to.name === 'login' && state.session.passwordChangeRequired === null ? { name: 'overview' } : true;
  }
  if (state.session === null) return { name: 'login', query: to.fullPath === '/' ? {} : { next: to.fullPath } };
  if (state.session.passwordChangeRequired !== null && to.name !== 'change-password') return { name: 'change-password' };
  if (to.meta.permission !== undefined && !holds(to.meta.permission)) return { name: 'not-found', params: { rest: to.path.split('/').filter(Boolean) } };
  return true;
});

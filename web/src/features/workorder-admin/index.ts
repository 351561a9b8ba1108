import { defineFeature } from '../../feature.ts';
import { en, zhCN } from './messages.ts';

/**
 * Administration of the closed loop (DOMAIN §4): routing rules and duty roster, escalation
 * contacts and policy, deadlines per severity, and the groups' working calendars.
 */
export default defineFeature({
  routes: [
    { path: '/admin/routing', name: 'admin-routing', component: () => import('./RoutingPage.vue'), meta: { permission: 'workorder.manage' } },
    { path: '/admin/calendars', name: 'admin-calendars', component: () => import('./CalendarsPage.vue'), meta: { permission: 'workorder.manage' } },
  ],
  nav: [
    { section: 'admin', entry: { name: 'admin-routing', path: '/admin/routing', label: 'woAdmin.nav.routing', permission: 'workorder.manage', order: 70, icon: 'M3 4h7v5H3zm11 11h7v5h-7zM6 9h2v5h8v2H6z' } },
    { section: 'admin', entry: { name: 'admin-calendars', path: '/admin/calendars', label: 'woAdmin.nav.calendars', permission: 'workorder.manage', order: 80, icon: 'M4 5h16v16H4zm2 6v8h12v-8zM7 2h2v4H7zm8 0h2v4h-2z' } },
  ],
  messages: { 'zh-CN': zhCN, en },
});

import { defineFeature } from '../../feature.ts';
import { en, zhCN } from './messages.ts';

/**
 * Alerts: the inbox (filters in the URL, list or grouped by rule and parent org unit), one
 * alert's page (indicator chart around the firing, full history, linked work order, silence from
 * the alert), and the administration of silences and recurring mute windows.
 */
export default defineFeature({
  routes: [
    { path: '/alerts', name: 'alerts', component: () => import('./AlertsInboxPage.vue'), meta: { permission: 'alert.read' } },
    { path: '/alerts/:id(\\d+)', name: 'alert', component: () => import('./AlertDetailPage.vue'), meta: { permission: 'alert.read' } },
    { path: '/admin/silences', name: 'admin-silences', component: () => import('./SilencesPage.vue'), meta: { permission: 'alert.act' } },
  ],
  nav: [
    {
      section: 'main',
      entry: {
        name: 'alerts', path: '/alerts', label: 'alerts.nav.inbox', permission: 'alert.read', order: 40,
        icon: 'M12 3a6 6 0 0 0-6 6v4l-2 3v1h16v-1l-2-3V9a6 6 0 0 0-6-6zm-2 16a2 2 0 0 0 4 0z',
      },
    },
    {
      section: 'admin',
      entry: {
        name: 'admin-silences', path: '/admin/silences', label: 'alerts.nav.silences', permission: 'alert.act', order: 65,
        icon: 'M12 3a6 6 0 0 0-6 6v4l-2 3v1h12.6L4 4.4 5.4 3l16 16-1.4 1.4L17.6 17H4M18 13V9a6 6 0 0 0-9.3-5z',
      },
    },
  ],
  messages: { 'zh-CN': zhCN, en },
});

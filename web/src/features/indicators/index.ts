import { defineFeature } from '../../feature.ts';
import { en, zhCN } from './messages.ts';

/**
 * Indicators in the console: the explorer (`/indicators?code=&org=&grain=&from=&to=`, trend with
 * overlays, target, open periods and anomalies; breakdown, ranking and downloads) and the
 * administration of definitions, targets and manual values (`/admin/indicators`).
 */
export default defineFeature({
  routes: [
    { path: '/indicators', name: 'indicators', component: () => import('./IndicatorExplorerPage.vue'), meta: { permission: 'indicator.read' } },
    { path: '/admin/indicators', name: 'admin-indicators', component: () => import('./IndicatorAdminPage.vue'), meta: { permission: 'indicator.manage' } },
  ],
  nav: [
    { section: 'main', entry: { name: 'indicators', path: '/indicators', label: 'indicators.nav', permission: 'indicator.read', order: 30, icon: 'M3 20h18v2H3zM5 17l4-6 4 3 5-8 2 1.3-6.2 9.7-4-3L6.7 18z' } },
    { section: 'admin', entry: { name: 'admin-indicators', path: '/admin/indicators', label: 'indicatorAdmin.nav', permission: 'indicator.manage', order: 50, icon: 'M4 4h16v4H4zm0 6h10v4H4zm0 6h16v4H4zm12-6h4v4h-4z' } },
  ],
  messages: { 'zh-CN': zhCN, en },
});

import { defineFeature } from '../../feature.ts';
import { en, zhCN } from './messages.ts';

/**
 * Budgets (预算执行与预警, DOMAIN §8) and quality costs (品质成本): the execution view drillable
 * along the org and item trees, template download and import, adjustment and out-of-budget
 * approvals, and the PAF report.
 */
export default defineFeature({
  routes: [
    { path: '/budgets', name: 'budgets', component: () => import('./BudgetsPage.vue'), meta: { permission: 'budget.read' } },
    { path: '/quality-costs', name: 'quality-costs', component: () => import('./QualityCostsPage.vue'), meta: { permission: 'budget.read' } },
  ],
  nav: [
    { section: 'main', entry: { name: 'budgets', path: '/budgets', label: 'budgets.nav', permission: 'budget.read', order: 62, icon: 'M4 20V10m6 10V4m6 16v-7m4 7H2' } },
    { section: 'main', entry: { name: 'quality-costs', path: '/quality-costs', label: 'qualityCosts.nav', permission: 'budget.read', order: 63, icon: 'M12 3l8 4v5c0 5-3.5 8-8 9-4.5-1-8-4-8-9V7z' } },
  ],
  messages: { 'zh-CN': zhCN, en },
});

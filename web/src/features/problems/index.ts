import { defineFeature } from '../../feature.ts';
import { en, zhCN } from './messages.ts';

/**
 * The problem library (问题库, DOMAIN §2/§4): recurring causes with owner, plan and deadline,
 * progress, links to alerts and work orders, verification by the proposer, and the knowledge
 * base their resolutions become.
 */
export default defineFeature({
  routes: [
    { path: '/problems', name: 'problems', component: () => import('./ProblemsPage.vue'), meta: { permission: 'workorder.read' } },
    { path: '/problems/:id', name: 'problem', component: () => import('./ProblemDetailPage.vue'), meta: { permission: 'workorder.read' } },
  ],
  nav: [{
    section: 'main',
    entry: {
      name: 'problems', path: '/problems', label: 'problems.nav', permission: 'workorder.read', order: 55,
      icon: 'M4 4h12l4 4v12H4zm11 0v5h5M8 12h8M8 16h5',
    },
  }],
  messages: { 'zh-CN': zhCN, en },
});

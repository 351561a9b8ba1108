import { defineFeature } from '../../feature.ts';
import { en, zhCN } from './messages.ts';

/**
 * Rules administration: the list (enable and disable in place), a rule's editor with the server's
 * validation errors beside the fields, creation from a kind template, and the dry run ("how often
 * would this have fired last quarter?") of the rule as edited.
 */
export default defineFeature({
  routes: [
    { path: '/admin/rules', name: 'admin-rules', component: () => import('./RulesPage.vue'), meta: { permission: 'rule.read' } },
    { path: '/admin/rules/:code', name: 'admin-rule', component: () => import('./RuleEditorPage.vue'), meta: { permission: 'rule.read' } },
  ],
  nav: [{
    section: 'admin',
    entry: {
      name: 'admin-rules', path: '/admin/rules', label: 'rules.nav', permission: 'rule.read', order: 60,
      icon: 'M4 5h10v2H4zm0 6h10v2H4zm0 6h10v2H4zm12-12 2 2 3-3 1.4 1.4L18 9.8 14.6 6.4zm0 8 2 2 3-3 1.4 1.4-4.4 4.4-3.4-3.4z',
    },
  }],
  messages: { 'zh-CN': zhCN, en },
});

import { defineFeature } from '../../feature.ts';
import { en, zhCN } from './messages.ts';
import './workorders.css';

/**
 * Work orders in the console (DOMAIN §4): the queue (mine, my department's, everything in
 * scope) as a board by state or a list, and the detail page with the allowed actions only.
 */
export default defineFeature({
  routes: [
    { path: '/workorders', name: 'workorders', component: () => import('./WorkQueuePage.vue'), meta: { permission: 'workorder.read' } },
    { path: '/workorders/:id', name: 'workorder', component: () => import('./WorkOrderDetailPage.vue'), meta: { permission: 'workorder.read' } },
  ],
  nav: [{
    section: 'main',
    entry: {
      name: 'workorders', path: '/workorders', label: 'workorders.nav', permission: 'workorder.read', order: 50,
      icon: 'M9 3h6v2h4v16H5V5h4zm0 2v2h6V5zm-1 6v2h8v-2zm0 4v2h5v-2z',
    },
  }],
  messages: { 'zh-CN': zhCN, en },
});

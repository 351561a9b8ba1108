import { defineFeature } from '../../feature.ts';
import { en, zhCN } from './messages.ts';

/** Source administration (DOMAIN §2 Source): registration and tokens, cadence and types, column mappings, custom schemas, file upload. */
export default defineFeature({
  routes: [
    { path: '/admin/sources', name: 'admin-sources', component: () => import('./SourceAdminPage.vue'), meta: { permission: 'source.manage' } },
  ],
  nav: [
    {
      section: 'admin',
      entry: { name: 'admin-sources', path: '/admin/sources', label: 'sourceAdmin.nav', permission: 'source.manage', order: 40, icon: 'M5 3h14v6H5zm0 12h14v6H5zM12 9v6M8 6h.01M8 18h.01' },
    },
  ],
  messages: { 'zh-CN': zhCN, en },
});

import { defineFeature } from '../../feature.ts';
import { en, zhCN } from './messages.ts';

/** Data sources and their data quality (DOMAIN §2 Source, §11 data quality): the list, one source, its quarantine. */
export default defineFeature({
  routes: [
    { path: '/sources', name: 'sources', component: () => import('./SourcesPage.vue'), meta: { permission: 'source.read' } },
    { path: '/sources/:id(\\d+)', name: 'source-detail', component: () => import('./SourceDetailPage.vue'), meta: { permission: 'source.read' } },
  ],
  nav: [
    {
      section: 'main',
      entry: { name: 'sources', path: '/sources', label: 'sources.nav', permission: 'source.read', order: 60, icon: 'M4 5c0-1.7 3.6-3 8-3s8 1.3 8 3v14c0 1.7-3.6 3-8 3s-8-1.3-8-3zm0 5c0 1.7 3.6 3 8 3s8-1.3 8-3M4 15c0 1.7 3.6 3 8 3s8-1.3 8-3' },
    },
  ],
  messages: { 'zh-CN': zhCN, en },
});

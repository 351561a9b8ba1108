import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The console is built from web/ into web/dist: `yunjian serve` and `npm run demo` build it when
// a source is newer than the bundle (src/web/web-build.ts) and serve it beside /api. For
// development, `npx vite web` serves it with hot reload and proxies /api to a local yunjian.
export default defineConfig({
  base: '/',
  plugins: [vue()],
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});

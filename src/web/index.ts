/**
 * The web console's server side: building the Vue app with Vite when its bundle is missing or
 * older than its sources (`ensureWebBuilt`), and serving the bundle beside the API with a
 * history-mode fallback to `index.html` (`registerWebApp`). The console itself lives in `web/`
 * and talks to `/api` only.
 */
export { registerWebApp, type WebAppOptions } from './web-app.ts';
export { ensureWebBuilt, newestSourceMtime, webBuildState, type WebBuildOptions, type WebBuildResult } from './web-build.ts';

import { defineConfig } from 'vitest/config';

// Browser tests: the real server on 127.0.0.1 with the built console, driven through Chromium.
// Run with `npm run test:e2e` (vitest run -c test/e2e/vitest.config.ts); CHROMIUM_PATH overrides
// /usr/bin/chromium. One file at a time: each launches a browser on a small machine.
export default defineConfig({
  root: new URL('../..', import.meta.url).pathname,
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    setupFiles: ['test/support/setup.ts'],
    reporters: ['default'],
  },
});

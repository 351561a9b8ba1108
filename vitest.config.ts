import { defineConfig } from 'vitest/config';

// One suite, two storage backends: YUNJIAN_TEST_BACKEND=pglite (default) or postgres
// (with DATABASE_URL pointing at a server where the test user may create databases).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    setupFiles: ['test/support/setup.ts'],
    reporters: ['default'],
  },
});

import { availableParallelism } from 'node:os';
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
    // Vitest runs one file at a time on a two-core machine (cores − 1), leaving a core idle while
    // a file's PGlite computes or its PostgreSQL server answers: at least two files at once.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    setupFiles: ['test/support/setup.ts'],
    reporters: ['default'],
  },
});

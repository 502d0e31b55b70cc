import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/postgres.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at once on a 2-core machine (vitest's default is cores - 1: one file at a time);
    // the tests wait on subprocesses, servers and PostgreSQL as much as they compute.
    poolOptions: { forks: { minForks: 1, maxForks: 2 } },
  },
});

import { defineConfig } from 'vitest/config';

/**
 * Tests that measure latency run alone, after everything else: beside other test files on this
 * machine's two cores, what they measured was the other files' load, not the server's.
 */
const ALONE = ['tests/security/flood.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['tests/**/*.test.ts'],
          exclude: ALONE,
          // PGlite instances are heavy (WASM Postgres); two workers fit this machine's two cores.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'alone', include: ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});

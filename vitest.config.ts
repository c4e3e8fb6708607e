import { defineConfig } from 'vitest/config';

// Unit and integration tests sit beside the code (`*.test.ts`); Playwright specs live under
// tests/e2e as `*.spec.ts` and must never be collected here.
export default defineConfig({
  test: {
    include: ['{electron,renderer,shared,scripts}/**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', 'out/**', 'tests/e2e/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The JSON report feeds the one closing count of `npm test` (scripts/test-summary.mjs).
    reporters: ['default', ['json', { outputFile: 'artifacts/vitest.json' }]],
    globalSetup: ['scripts/vitest-global-setup.ts'],
  },
});

import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript source (the `@klinik-desa/source` export
// condition), so no build step is needed between an edit and a test run.
const conditions = ['@klinik-desa/source', 'node', 'default'];

const integrationFiles = ['packages/e2e/tests/**/*.test.ts', '**/*.integration.test.ts'];
// Test files a run leaves out, comma-separated: the second pass on the current Node (.ci/test.mjs)
// leaves out the slowest tests of other programs' behaviour, so the whole run stays under 40 minutes.
const leftOut = (process.env['KD_TEST_EXCLUDE'] ?? '').split(',').filter((p) => p.trim() !== '');

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@klinik-desa/source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'kiosk-agent/src/**/*.test.ts',
            'examples/*/src/**/*.test.ts',
            'packaging/src/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**', '**/dist/**', ...integrationFiles, ...leftOut],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: integrationFiles,
          exclude: ['**/node_modules/**', '**/dist/**', ...leftOut],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // Real processes, ports and brokers: one file at a time keeps a 2-core machine honest.
          fileParallelism: false,
        },
      },
    ],
  },
});

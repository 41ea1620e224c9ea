import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Generous: integration and browser suites share two cores; a timeout here is a budget, not a speed claim.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration suites start real servers; two cores do best with two workers.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});

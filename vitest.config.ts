import { defineConfig } from 'vitest/config'

// The harness's own tests. (A run of authconform itself never reads this file: harness/run.ts
// drives vitest with `config: false`.)
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests each start Postgres, issuers and targets: one file at a time on 2 cores.
    fileParallelism: false,
    // Concurrent tests (the reference targets) run three at a time.
    maxConcurrency: 3,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: ['default', './test/support/summary-line-reporter.ts'],
  },
})

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // A fixed master key for the ledger's signing keys, so no test writes a key file into the repo.
    env: { TENANTPROOF_MASTER_KEY: '9f2c4b7e1d3a5f6c8b0e2d4f6a8c0e1f3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a' },
  },
});

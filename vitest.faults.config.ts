import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// The fault suite: heavier, one file at a time, GC exposed for the soak's heap check.
//
// The soak runs SOAK_MINUTES minutes when that is set. Otherwise `npm run test:faults` gives it
// 2 minutes, so the whole suite stays well under ten, and `npm run test:soak` (this config with
// `--mode soak`, the soak file alone) gives it the full 10.
export default defineConfig(({ mode }) => ({
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: ['tests/faults/**/*.test.ts'],
    globalSetup: ['tests/setup/global.ts'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 15 * 60_000,
    hookTimeout: 120_000,
    execArgv: ['--expose-gc'],
    env: { SOAK_MINUTES: process.env.SOAK_MINUTES || (mode === 'soak' ? '10' : '2') },
  },
}));

import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Resolve `graphql` the way Node does (its CommonJS entry). Vite would otherwise pick the
    // package's "module" build for our sources while Pothos and yoga load the CommonJS one, and
    // graphql refuses a schema from "another realm".
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/faults/**', 'node_modules/**'],
    globalSetup: ['tests/setup/global.ts'],
    pool: 'forks',
    // Each file gets its own database cloned from a migrated template, so files run in parallel.
    fileParallelism: true,
    maxWorkers: 3,
    testTimeout: 30_000,
    // "Eventually" checks (a save settles, a live event lands) get 5 s instead of vitest's 1 s: on a
    // busy two-core host a debounced autosave plus its request took longer than 1 s. Tests that
    // bound a latency measure it themselves.
    expect: { poll: { timeout: 5_000 } },
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // e2e tests spawn the real Stripe CLI and child processes; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    env: { FORCE_COLOR: '0', NO_COLOR: '1', CI: 'true' },
  },
});

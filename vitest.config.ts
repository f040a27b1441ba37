import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // e2e tests spawn the real Stripe CLI and child processes; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default is one worker per core less one: a single worker on 2 cores, so the files ran one after
    // another while their tests mostly waited on child processes and sockets. Four overlap those waits (the whole
    // suite on 2 cores: ~0.6x the wall time at the same CPU time). VITEST_MAX_WORKERS or --maxWorkers overrides it.
    maxWorkers: 4,
    env: { FORCE_COLOR: '0', NO_COLOR: '1', CI: 'true' },
  },
});

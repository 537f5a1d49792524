import { defineConfig } from 'vitest/config';

// Two projects, both run by `npm test` and CI: pure unit tests, and integration tests that start real
// processes (sshd, strace, the built CLI, the bot in HTTP mode against the local Slack stand-in).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Real sshd/strace processes: keep files sequential so timing-sensitive tests are not starved.
          fileParallelism: false,
        },
      },
    ],
  },
});

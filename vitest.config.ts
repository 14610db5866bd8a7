import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Node loads graphql's CommonJS build for the Apollo packages; vite would
  // hand our sources the ESM build, and graphql refuses schemas from "another
  // realm". One copy for everyone, as in production.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['common/test/**/*.test.ts', 'subgraphs/*/test/**/*.test.ts', 'router/test/**/*.test.ts', 'bridge/test/**/*.test.ts', 'e2e/**/*.test.ts'],
    globalSetup: ['test/kit/globalSetup.ts'],
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      JWT_SECRET: 'test-secret-that-is-at-least-32-characters-long',
      // Every test's client is 127.0.0.1, and many sign up or log in far more
      // often than one person would: rate limits stay on, only much higher.
      // Tests of the limits themselves set their own (e2e/rateLimits.test.ts).
      RATE_LIMIT_IP_OPERATIONS: '1000000',
      RATE_LIMIT_USER_OPERATIONS: '1000000',
      RATE_LIMIT_FIELD_MULTIPLIER: '1000',
    },
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

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
    },
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

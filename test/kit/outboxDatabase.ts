import type pg from 'pg';
import { afterEach, beforeEach, inject } from 'vitest';
import { createLogger, createPgPool } from '@supergraph/common';
import { createTestDatabase, type TestDatabase } from './postgres.ts';

/**
 * For a test file on the outbox: a fresh notes database per test (any
 * subgraph's outbox table would do), a pool of `connections` on it named
 * `name`, and whatever the test started, cleaned up after it, last started
 * first. Call it at the file's top level.
 */
export function outboxDatabasePerTest(name: string, connections: number) {
  let database: TestDatabase | undefined;
  let pool: pg.Pool | undefined;
  let cleanups: (() => Promise<unknown>)[] = [];
  beforeEach(async () => {
    cleanups = [];
    database = await createTestDatabase(inject('templates').notes);
    pool = createPgPool({ connectionString: database.url, max: connections, name, logger: createLogger(name, 'silent') });
    cleanups.push(() => database!.drop(), () => pool!.end());
  });
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  return {
    get url(): string {
      return database!.url;
    },
    get pool(): pg.Pool {
      return pool!;
    },
    /** Runs each of `cleanup` after the test, last first, before what was started earlier. */
    cleanup(...cleanup: (() => Promise<unknown>)[]): void {
      cleanups.push(...cleanup);
    },
  };
}

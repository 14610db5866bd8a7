import { PrismaPg } from '@prisma/adapter-pg';
import type { Logger } from './logger.ts';
import { createPgPool } from './pgPool.ts';

/**
 * Prisma's driver adapter over a pg pool that survives lost connections
 * (see `createPgPool`). The pool is built here rather than handed to the
 * adapter as a config object: adapter-pg 7.10 under a 6.19 client drops the
 * user name from a plain config (see shared TOOLCHAIN.md).
 */
export function createPgAdapter(connectionString: string, maxConnections: number, logger: Logger, name: string): PrismaPg {
  const pool = createPgPool({ connectionString, max: maxConnections, logger, name });
  return new PrismaPg(pool, { disposeExternalPool: true });
}

/**
 * Prisma's options for interactive transactions (`db.$transaction(async
 * (tx) => ...)`). A transaction waits for its connection as long as any
 * other query does (the pool's 5 s, see `createPgPool`), not Prisma's own
 * 2 s: under load that failed first, and as an internal error rather than
 * SERVICE_UNAVAILABLE. On the embedded PGlite, where one transaction runs
 * at a time, 32 concurrent sign-ups waited longer than 2 s.
 */
export const transactionOptions = { maxWait: 5_000 } as const;

/**
 * What every subgraph's PrismaClient is built with: the adapter over a pool
 * that survives lost connections, query events always on (they feed debug
 * logging, `db_statements_total` and the tests' statement counts), and the
 * transaction options above.
 */
export function subgraphClientOptions(connectionString: string, maxConnections: number, logger: Logger, name: string) {
  return {
    adapter: createPgAdapter(connectionString, maxConnections, logger, name),
    log: [{ emit: 'event' as const, level: 'query' as const }],
    transactionOptions,
  };
}

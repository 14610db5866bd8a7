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

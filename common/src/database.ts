import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

/**
 * Prisma's driver adapter over a pg pool. The pool is built here rather than
 * handed to the adapter as a config object: adapter-pg 7.10 under a 6.19
 * client drops the user name from a plain config (see shared TOOLCHAIN.md).
 */
export function createPgAdapter(connectionString: string, maxConnections: number): PrismaPg {
  const pool = new pg.Pool({ connectionString, max: maxConnections });
  // An idle connection the server drops (restart, failover) is replaced on next use; it must not crash the process.
  pool.on('error', () => {});
  return new PrismaPg(pool, { disposeExternalPool: true });
}

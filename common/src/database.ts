import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

/**
 * Prisma's driver adapter over a pg pool. The pool is built here rather than
 * handed to the adapter as a config object: adapter-pg 7.10 under a 6.19
 * client drops the user name from a plain config (see shared TOOLCHAIN.md).
 */
export function createPgAdapter(connectionString: string, maxConnections: number): PrismaPg {
  return new PrismaPg(new pg.Pool({ connectionString, max: maxConnections }));
}

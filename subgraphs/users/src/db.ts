import { createPgAdapter, transactionOptions, type Logger } from '@supergraph/common';
import { PrismaClient } from './__generated__/prisma/client.ts';

/**
 * Query events are always on: they feed debug logging and let tests count
 * SQL statements per request.
 */
export function createUsersDb(url: string, poolSize: number, logger: Logger) {
  return new PrismaClient({
    adapter: createPgAdapter(url, poolSize, logger, 'users'),
    log: [{ emit: 'event', level: 'query' }],
    transactionOptions,
  });
}

export type UsersDb = ReturnType<typeof createUsersDb>;

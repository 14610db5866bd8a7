import { createPgAdapter, transactionOptions, type Logger } from '@supergraph/common';
import { PrismaClient, type Prisma } from './__generated__/prisma/client.ts';

/**
 * Query events are always on: they feed debug logging and let tests count
 * SQL statements per request.
 */
export function createOrdersDb(url: string, poolSize: number, logger: Logger) {
  return new PrismaClient({
    adapter: createPgAdapter(url, poolSize, logger, 'orders'),
    log: [{ emit: 'event', level: 'query' }],
    transactionOptions,
  });
}

export type OrdersDb = ReturnType<typeof createOrdersDb>;

/** The client handed to an interactive transaction's callback. */
export type OrdersTx = Prisma.TransactionClient;

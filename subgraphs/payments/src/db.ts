import { createPgAdapter, transactionOptions, type Logger } from '@supergraph/common';
import { PrismaClient, type Prisma } from './__generated__/prisma/client.ts';

/** Query events are always on: they feed debug logging and let tests count SQL statements. */
export function createPaymentsDb(url: string, poolSize: number, logger: Logger) {
  return new PrismaClient({
    adapter: createPgAdapter(url, poolSize, logger, 'payments'),
    log: [{ emit: 'event', level: 'query' }],
    transactionOptions,
  });
}

export type PaymentsDb = ReturnType<typeof createPaymentsDb>;

/** The client inside `db.$transaction(async (tx) => ...)`. */
export type PaymentsTx = Prisma.TransactionClient;

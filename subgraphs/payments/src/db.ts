import { subgraphClientOptions, type Logger } from '@supergraph/common';
import { PrismaClient, type Prisma } from './__generated__/prisma/client.ts';

/** This subgraph's own database (see `subgraphClientOptions`). */
export function createPaymentsDb(url: string, poolSize: number, logger: Logger) {
  return new PrismaClient(subgraphClientOptions(url, poolSize, logger, 'payments'));
}

export type PaymentsDb = ReturnType<typeof createPaymentsDb>;

/** The client inside `db.$transaction(async (tx) => ...)`. */
export type PaymentsTx = Prisma.TransactionClient;

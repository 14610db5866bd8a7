import { subgraphClientOptions, type Logger } from '@supergraph/common';
import { PrismaClient, type Prisma } from './__generated__/prisma/client.ts';

/** This subgraph's own database (see `subgraphClientOptions`). */
export function createOrdersDb(url: string, poolSize: number, logger: Logger) {
  return new PrismaClient(subgraphClientOptions(url, poolSize, logger, 'orders'));
}

export type OrdersDb = ReturnType<typeof createOrdersDb>;

/** The client handed to an interactive transaction's callback. */
export type OrdersTx = Prisma.TransactionClient;

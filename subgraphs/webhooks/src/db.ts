import { subgraphClientOptions, type Logger } from '@supergraph/common';
import { PrismaClient, type Prisma } from './__generated__/prisma/client.ts';

/** This subgraph's own database (see `subgraphClientOptions`). */
export function createWebhooksDb(url: string, poolSize: number, logger: Logger) {
  return new PrismaClient(subgraphClientOptions(url, poolSize, logger, 'webhooks'));
}

export type WebhooksDb = ReturnType<typeof createWebhooksDb>;

/** The client inside `db.$transaction(async (tx) => ...)`. */
export type WebhooksTx = Prisma.TransactionClient;

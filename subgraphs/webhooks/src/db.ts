import { createPgAdapter, transactionOptions, type Logger } from '@supergraph/common';
import { PrismaClient, type Prisma } from './__generated__/prisma/client.ts';

/** Query events are always on: they feed debug logging and let tests count SQL statements. */
export function createWebhooksDb(url: string, poolSize: number, logger: Logger) {
  return new PrismaClient({
    adapter: createPgAdapter(url, poolSize, logger, 'webhooks'),
    log: [{ emit: 'event', level: 'query' }],
    transactionOptions,
  });
}

export type WebhooksDb = ReturnType<typeof createWebhooksDb>;

/** The client inside `db.$transaction(async (tx) => ...)`. */
export type WebhooksTx = Prisma.TransactionClient;

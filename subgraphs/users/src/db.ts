import { subgraphClientOptions, type Logger } from '@supergraph/common';
import { PrismaClient } from './__generated__/prisma/client.ts';

/** This subgraph's own database (see `subgraphClientOptions`). */
export function createUsersDb(url: string, poolSize: number, logger: Logger) {
  return new PrismaClient(subgraphClientOptions(url, poolSize, logger, 'users'));
}

export type UsersDb = ReturnType<typeof createUsersDb>;

import { subgraphClientOptions, type Logger } from '@supergraph/common';
import { PrismaClient, type Prisma } from './__generated__/prisma/client.ts';

/** This subgraph's own database (see `subgraphClientOptions`). */
export function createNotesDb(url: string, poolSize: number, logger: Logger) {
  return new PrismaClient(subgraphClientOptions(url, poolSize, logger, 'notes'));
}

export type NotesDb = ReturnType<typeof createNotesDb>;

/** The client inside `db.$transaction(async (tx) => ...)`: what mutations write through. */
export type NotesTx = Prisma.TransactionClient;

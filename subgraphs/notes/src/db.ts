import { createPgAdapter, transactionOptions, type Logger } from '@supergraph/common';
import { PrismaClient, type Prisma } from './__generated__/prisma/client.ts';

/**
 * Query events are always on: they feed debug logging and let tests count
 * SQL statements per request.
 */
export function createNotesDb(url: string, poolSize: number, logger: Logger) {
  return new PrismaClient({
    adapter: createPgAdapter(url, poolSize, logger, 'notes'),
    log: [{ emit: 'event', level: 'query' }],
    transactionOptions,
  });
}

export type NotesDb = ReturnType<typeof createNotesDb>;

/** The client inside `db.$transaction(async (tx) => ...)`: what mutations write through. */
export type NotesTx = Prisma.TransactionClient;

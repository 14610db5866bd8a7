import { createLogger, serveSubgraph, type RunningSubgraph, type SubgraphEvents } from '@supergraph/common';
import type { NotesConfig } from './config.ts';
import type { NotesContext } from './context.ts';
import { createNotesDb, type NotesDb } from './db.ts';
import { createNotesLoaders } from './loaders.ts';
import { notesSchema } from './schema.ts';

export type NotesSubgraph = RunningSubgraph<NotesDb>;

/** `events.publisher` replaces RabbitMQ as where the outbox goes (npm start passes its in-process bus). */
export function startNotesSubgraph(config: NotesConfig, events?: SubgraphEvents): Promise<NotesSubgraph> {
  return serveSubgraph<NotesDb, NotesContext>({
    name: 'notes',
    config,
    port: config.NOTES_PORT,
    host: config.NOTES_HOST,
    db: createNotesDb(config.NOTES_DATABASE_URL, config.NOTES_DB_POOL_SIZE, createLogger('notes', config.LOG_LEVEL)),
    databaseUrl: config.NOTES_DATABASE_URL,
    events,
    schema: notesSchema(),
    context: (base) => ({ ...base, loaders: createNotesLoaders(base.db), config }),
  });
}

import { serveSubgraph, type RunningSubgraph } from '@supergraph/common';
import type { NotesConfig } from './config.ts';
import type { NotesContext } from './context.ts';
import { createNotesDb, type NotesDb } from './db.ts';
import { createNotesLoaders } from './loaders.ts';
import { notesSchema } from './schema.ts';

export type NotesSubgraph = RunningSubgraph<NotesDb>;

export function startNotesSubgraph(config: NotesConfig): Promise<NotesSubgraph> {
  return serveSubgraph<NotesDb, NotesContext>({
    name: 'notes',
    config,
    port: config.NOTES_PORT,
    host: config.NOTES_HOST,
    db: createNotesDb(config.NOTES_DATABASE_URL, config.NOTES_DB_POOL_SIZE),
    schema: notesSchema(),
    context: (base) => ({ ...base, loaders: createNotesLoaders(base.db), config }),
  });
}

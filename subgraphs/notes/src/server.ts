import { createLogger, serveGraphQL, viewerFromAuthorization, type RunningServer } from '@supergraph/common';
import type { NotesConfig } from './config.ts';
import type { NotesContext } from './context.ts';
import { createNotesDb, type NotesDb } from './db.ts';
import { createNotesLoaders } from './loaders.ts';
import { notesSchema } from './schema.ts';

export interface NotesSubgraph extends RunningServer {
  db: NotesDb;
}

export async function startNotesSubgraph(config: NotesConfig): Promise<NotesSubgraph> {
  const logger = createLogger('notes', config.LOG_LEVEL);
  const db = createNotesDb(config.NOTES_DATABASE_URL, config.NOTES_DB_POOL_SIZE);
  db.$on('query', (event) => logger.debug({ sql: event.query, ms: event.duration }, 'sql'));
  const server = await serveGraphQL<NotesContext>({
    name: 'notes',
    port: config.NOTES_PORT,
    host: config.NOTES_HOST,
    config,
    logger,
    apollo: { schema: notesSchema() },
    checkHealth: async () => void (await db.$queryRaw`SELECT 1`),
    context: async ({ headers, requestId, logger }) => ({
      db,
      loaders: createNotesLoaders(db),
      viewer: await viewerFromAuthorization(headers.authorization, config),
      config,
      requestId,
      logger,
    }),
  });
  return {
    ...server,
    db,
    stop: async () => {
      await server.stop();
      await db.$disconnect();
    },
  };
}

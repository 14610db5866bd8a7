import { createLogger, serveGraphQL, viewerFromAuthorization, type RunningServer } from '@supergraph/common';
import type { UsersConfig } from './config.ts';
import type { UsersContext } from './context.ts';
import { createUsersDb, type UsersDb } from './db.ts';
import { createUsersLoaders } from './loaders.ts';
import { usersSchema } from './schema.ts';

export interface UsersSubgraph extends RunningServer {
  db: UsersDb;
}

export async function startUsersSubgraph(config: UsersConfig): Promise<UsersSubgraph> {
  const logger = createLogger('users', config.LOG_LEVEL);
  const db = createUsersDb(config.USERS_DATABASE_URL, config.USERS_DB_POOL_SIZE);
  db.$on('query', (event) => logger.debug({ sql: event.query, ms: event.duration }, 'sql'));
  const server = await serveGraphQL<UsersContext>({
    name: 'users',
    port: config.USERS_PORT,
    host: config.USERS_HOST,
    config,
    logger,
    apollo: { schema: usersSchema() },
    checkHealth: async () => void (await db.$queryRaw`SELECT 1`),
    context: async ({ headers, requestId, logger }) => ({
      db,
      loaders: createUsersLoaders(db),
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

import { createLogger, serveSubgraph, type RunningSubgraph, type SubgraphEvents } from '@supergraph/common';
import type { UsersConfig } from './config.ts';
import type { UsersContext } from './context.ts';
import { createUsersDb, type UsersDb } from './db.ts';
import { createUsersLoaders } from './loaders.ts';
import { refuseDemoAccounts } from './refuseDemoAccounts.ts';
import { usersSchema } from './schema.ts';

export type UsersSubgraph = RunningSubgraph<UsersDb>;

/** `events.publisher` replaces RabbitMQ as where the outbox goes (npm start passes its in-process bus). */
export async function startUsersSubgraph(config: UsersConfig, events?: SubgraphEvents): Promise<UsersSubgraph> {
  const db = createUsersDb(config.USERS_DATABASE_URL, config.USERS_DB_POOL_SIZE, createLogger('users', config.LOG_LEVEL));
  try {
    await refuseDemoAccounts(db, config);
  } catch (error) {
    await db.$disconnect();
    throw error;
  }
  return serveSubgraph<UsersDb, UsersContext>({
    name: 'users',
    config,
    port: config.USERS_PORT,
    host: config.USERS_HOST,
    db,
    databaseUrl: config.USERS_DATABASE_URL,
    events,
    schema: usersSchema(),
    context: (base) => ({ ...base, loaders: createUsersLoaders(base.db), config }),
  });
}

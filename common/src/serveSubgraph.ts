import type { BaseContext } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { viewerFromAuthorization, type Viewer } from './auth.ts';
import { createLogger, type Logger } from './logger.ts';
import { serveGraphQL, type RunningServer } from './serveGraphQL.ts';
import type { SharedConfig } from './sharedConfig.ts';

/** What the bootstrap needs of a subgraph's Prisma client. */
export interface SubgraphDb {
  $on(event: 'query', listener: (event: { query: string; duration: number }) => void): void;
  $executeRawUnsafe(query: string): Promise<number>;
  $disconnect(): Promise<void>;
}

export interface SubgraphOptions<Db extends SubgraphDb, TContext extends BaseContext> {
  name: string;
  config: SharedConfig;
  port: number;
  host: string;
  db: Db;
  schema: GraphQLSchema;
  /** The per-request context, given what every subgraph's context starts from. */
  context: (base: { db: Db; viewer: Viewer; requestId: string; logger: Logger }) => TContext;
}

export type RunningSubgraph<Db> = RunningServer & { db: Db };

/**
 * The bootstrap every subgraph shares: SQL debug logging, the HTTP shell,
 * a `/health` that checks the database, the caller's token verified again
 * (never trust the network between router and subgraph), and a stop that
 * closes the pool after the server has drained.
 */
export async function serveSubgraph<Db extends SubgraphDb, TContext extends BaseContext>(
  options: SubgraphOptions<Db, TContext>,
): Promise<RunningSubgraph<Db>> {
  const { name, config, db } = options;
  const logger = createLogger(name, config.LOG_LEVEL);
  db.$on('query', (event) => logger.debug({ sql: event.query, ms: event.duration }, 'sql'));
  const server = await serveGraphQL<TContext>({
    name,
    port: options.port,
    host: options.host,
    config,
    logger,
    apollo: { schema: options.schema },
    checkHealth: async () => void (await db.$executeRawUnsafe('SELECT 1')),
    context: async ({ headers, requestId, logger }) =>
      options.context({ db, viewer: await viewerFromAuthorization(headers.authorization, config), requestId, logger }),
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

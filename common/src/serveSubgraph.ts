import type { BaseContext } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { viewerFromAuthorization, type Viewer } from './auth.ts';
import type { OutboxConfig } from './events/outboxConfig.ts';
import type { OutboxRelay } from './events/outboxRelay.ts';
import { startSubgraphOutbox, type SubgraphEvents } from './events/subgraphOutbox.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetricsRegistry } from './metrics/metricsRegistry.ts';
import { READINESS_PROBE_SQL, statementMetrics } from './metrics/statementMetrics.ts';
import { serveGraphQL, type RunningServer } from './serveGraphQL.ts';
import { settleWithin } from './settleWithin.ts';
import { traceRootFields } from './tracing/traceRootFields.ts';
import type { SharedConfig, SubgraphSigningConfig } from './sharedConfig.ts';

/** What the bootstrap needs of a subgraph's Prisma client. */
export interface SubgraphDb {
  $on(event: 'query', listener: (event: { query: string; duration: number }) => void): void;
  $executeRawUnsafe(query: string): Promise<number>;
  $disconnect(): Promise<void>;
}

export interface SubgraphOptions<Db extends SubgraphDb, TContext extends BaseContext> {
  name: string;
  config: SharedConfig & OutboxConfig & SubgraphSigningConfig;
  port: number;
  host: string;
  db: Db;
  /** The database `db` talks to; the outbox relay reads it over connections of its own. */
  databaseUrl: string;
  /** Where events go when the caller decides (an injected publisher); by default `AMQP_URL` decides. */
  events?: SubgraphEvents;
  schema: GraphQLSchema;
  /** The per-request context, given what every subgraph's context starts from. */
  context: (base: { db: Db; viewer: Viewer; requestId: string; logger: Logger }) => TContext;
}

export type RunningSubgraph<Db> = RunningServer & {
  db: Db;
  /** The outbox relay, or null when no publisher is configured and events stay in the outbox. */
  outboxRelay: OutboxRelay | null;
};

/**
 * The bootstrap every subgraph shares: SQL debug logging and statement
 * counts, the HTTP shell, a `/health/ready` that checks the database, the router's signature required on
 * every request and the caller's token verified again (never trust the
 * network between router and subgraph), a span per root field when tracing
 * is on, the outbox relay,
 * and a stop that lets the server drain, then the relay finish its batch,
 * then closes the pool.
 */
export async function serveSubgraph<Db extends SubgraphDb, TContext extends BaseContext>(
  options: SubgraphOptions<Db, TContext>,
): Promise<RunningSubgraph<Db>> {
  const { name, config, db } = options;
  const logger = createLogger(name, config.LOG_LEVEL);
  const metrics = createMetricsRegistry(name);
  const { countStatement } = statementMetrics(metrics);
  db.$on('query', (event) => {
    countStatement(event.query);
    logger.debug({ sql: event.query, ms: event.duration }, 'sql');
  });
  if (!config.SUBGRAPH_SIGNING_SECRETS) {
    // parseConfig already refuses this; a config built another way must not open the subgraph either.
    if (config.NODE_ENV === 'production') throw new Error(`${name}: SUBGRAPH_SIGNING_SECRETS must be set in production`);
    logger.warn('SUBGRAPH_SIGNING_SECRETS is unset: this subgraph answers unsigned requests from anyone');
  }
  const server = await serveGraphQL<TContext>({
    name,
    port: options.port,
    host: options.host,
    config,
    logger,
    apollo: { schema: traceRootFields(options.schema, name) },
    routerSignatureSecrets: config.SUBGRAPH_SIGNING_SECRETS,
    metrics,
    dependencies: { database: () => db.$executeRawUnsafe(READINESS_PROBE_SQL) },
    context: async ({ headers, requestId, logger }) =>
      options.context({ db, viewer: await viewerFromAuthorization(headers.authorization, config), requestId, logger }),
  });
  const outbox = startSubgraphOutbox({ name, config, databaseUrl: options.databaseUrl, logger, events: options.events });
  return {
    ...server,
    db,
    outboxRelay: outbox.relay,
    stop: async () => {
      // Apollo's drain is bounded by SHUTDOWN_GRACE_MS; so are the steps after it.
      await server.stop();
      for (const [what, step] of [['outbox relay', () => outbox.stop()], ['database pool', () => db.$disconnect()]] as const) {
        if (!(await settleWithin(step(), config.SHUTDOWN_GRACE_MS))) logger.warn(`${name}: the ${what} did not close within SHUTDOWN_GRACE_MS; stopping anyway`);
      }
    },
  };
}

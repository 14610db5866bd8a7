import type { ApolloServer } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { createLogger, createMetricsRegistry, serveGraphQL, sessionFromAuthorization, type Logger, type RunningServer } from '@supergraph/common';
import { composeSupergraph } from './composeSupergraph.ts';
import { createGateway } from './createGateway.ts';
import { costGuard } from './demandControl/costGuard.ts';
import { mountGraphiql } from './graphiql/mountGraphiql.ts';
import { deduplicatingExecutor } from './deduplication/deduplicatingExecutor.ts';
import { deduplicatingFetcher } from './deduplication/deduplicatingFetcher.ts';
import { FrontDoorDecision } from './deduplication/frontDoorDecision.ts';
import { useOwnExecution } from './execution/useOwnExecution.ts';
import { GuardedGateway, type OperationGuard } from './guardedGateway.ts';
import { InFlight } from './inFlight.ts';
import { createRouterMetrics } from './metrics/routerMetrics.ts';
import { timedFetcher } from './metrics/timedFetcher.ts';
import { DocumentRegistry } from './persistedDocuments/documentRegistry.ts';
import { persistedQueryCache } from './persistedDocuments/persistedQueryCache.ts';
import { registeredOperationsOnly } from './persistedDocuments/registeredOperationsOnly.ts';
import { publishedSupergraph } from './publishedSupergraph.ts';
import { clientAddress } from './rateLimit/clientAddress.ts';
import { LimiterStore } from './rateLimit/limiterStore.ts';
import { rateLimitGuard } from './rateLimit/rateLimitGuard.ts';
import { rejectSubscriptionsOverHttp } from './rejectSubscriptionsOverHttp.ts';
import type { RouterConfig } from './config.ts';
import type { RouterContext } from './routerContext.ts';
import { routerDependencies } from './routerReadiness.ts';
import { signingFetcher } from './signingFetcher.ts';
import { SubgraphDataSource } from './subgraphDataSource.ts';
import { createSubgraphFetcher } from './subgraphFetcher.ts';
import type { EventSource } from './subscriptions/eventSource.ts';
import { redisEventSource } from './subscriptions/redisEventSource.ts';
import { SubscriptionHub } from './subscriptions/subscriptionHub.ts';
import { SubscriptionLimits } from './subscriptions/subscriptionLimits.ts';
import { createOperationStarter, type OperationStarter } from './subscriptions/operationStarter.ts';
import { createSseHandler } from './subscriptions/sseHandler.ts';
import { startSubscriptionServer } from './subscriptions/subscriptionServer.ts';
import { enforcedSecurityManager, withEnforcedSecurityLinks } from './supergraph/enforcedSecurityLinks.ts';
import { subgraphsOf } from './supergraph/subgraphsOf.ts';
import { loadSupergraphConfig } from './supergraphConfig.ts';
import { trackOperations } from './trackOperations.ts';

export interface Router extends RunningServer {
  /** Null when the router has no event source. */
  subscriptions: SubscriptionHub | null;
  /** Sockets and subscriptions counted against the WebSocket limits now. */
  subscriptionLimits: Pick<SubscriptionLimits, 'usage'>;
  /** Supergraph switches since start: applied, and published files that failed to load. */
  reloads: { applied: number; rejected: number };
  /** Operations and subgraph fetches that joined identical ones in flight instead of running. */
  deduplicated: { operations: number; fetches: number };
}

export interface RouterRuntime {
  /** Events from somewhere other than REDIS_URL (npm start's in-process bus). */
  eventSource?: EventSource;
}

/**
 * Serves the supergraph: queries and mutations over HTTP through
 * `@apollo/gateway`, subscriptions over graphql-ws on the same path. The
 * supergraph is either composed from `supergraph.yaml` at start (a
 * composition error stops start-up, listing every problem with subgraph and
 * location) or a published file the router follows without restarting.
 */
export async function startRouter(config: RouterConfig, runtime: RouterRuntime = {}): Promise<Router> {
  const logger = createLogger('router', config.LOG_LEVEL);
  const registry = createMetricsRegistry('router');
  const metrics = createRouterMetrics(registry);
  const reloads = { applied: 0, rejected: 0 };
  const supergraphSdl = config.SUPERGRAPH_FILE
    ? enforcedSecurityManager(publishedSupergraph(config.SUPERGRAPH_FILE, logger, () => reloads.rejected++))
    : withEnforcedSecurityLinks(await composeAtStart(config, logger));
  const transport = createSubgraphFetcher({ connections: config.SUBGRAPH_CONNECTIONS, timeoutMs: config.SUBGRAPH_TIMEOUT_MS });
  // Subgraphs accept every listed secret; signing with the first lets a new one be rolled out to them before the router.
  const signingSecret = config.SUBGRAPH_SIGNING_SECRETS?.[0];
  const signed = signingSecret ? signingFetcher(transport.fetcher, signingSecret) : transport.fetcher;
  const deduplicated = { operations: 0, fetches: 0 };
  const fetcher = config.DEDUPLICATE_SUBGRAPH_FETCHES
    ? deduplicatingFetcher(signed, (joined) => {
        if (!joined) return;
        deduplicated.fetches++;
        metrics.deduplicated.inc({ kind: 'fetch' });
      })
    : signed;
  if (!useOwnExecution()) logger.warn('@apollo/gateway has no executeQueryPlan module to replace: it runs query plans itself (slower, same results)');
  const gateway = createGateway(
    {
      supergraphSdl,
      logger,
      // <NAME>_ROUTING_URL wins over the URL in the supergraph, published or composed.
      buildService: ({ name, url }) => new SubgraphDataSource({ url: config.routingUrls[name] ?? url, fetcher: timedFetcher(fetcher, name, metrics) }),
    },
    !config.APOLLO_TELEMETRY_DISABLED,
  );
  const limiterStore = await LimiterStore.open({
    redisUrl: config.REDIS_URL,
    keyPrefix: config.RATE_LIMIT_KEY_PREFIX,
    redisFailure: config.RATE_LIMIT_REDIS_FAILURE,
    logger,
  });
  // Cost first: refusing an operation too dear to run takes no round trip to Redis.
  const guards: OperationGuard[] = [
    costGuard({ limit: config.COST_LIMIT, defaultListSize: config.COST_DEFAULT_LIST_SIZE, exposeCost: config.COST_EXTENSIONS }),
    rateLimitGuard(limiterStore, config, logger),
  ];
  const documents = await DocumentRegistry.load(config.PERSISTED_DOCUMENTS, config.PERSISTED_DOCUMENTS_ONLY);
  const persisted = persistedQueryCache(documents, { redisUrl: config.REDIS_URL, logger, onHit: (cache) => metrics.cacheHits.inc({ cache }) });
  if (documents.size) logger.info({ documents: documents.size, registeredOnly: documents.registeredOnly }, 'persisted documents loaded');
  const countJoinedOperation = (joined: boolean) => {
    if (!joined) return;
    deduplicated.operations++;
    metrics.deduplicated.inc({ kind: 'operation' });
  };
  const guarded = new GuardedGateway(gateway, guards, config.DEDUPLICATE_OPERATIONS ? (executor) => deduplicatingExecutor(executor, countJoinedOperation) : undefined);
  let apiSchema: GraphQLSchema | undefined;
  let hub: SubscriptionHub | null = null;
  // What readiness probes: the subgraphs of the supergraph served now.
  let subgraphs = new Map<string, string>();
  gateway.onSchemaLoadOrUpdate(({ apiSchema: schema, coreSupergraphSdl }) => {
    const reloaded = apiSchema !== undefined;
    apiSchema = schema;
    subgraphs = subgraphsOf(coreSupergraphSdl, config.routingUrls);
    if (reloaded) reloads.applied++;
    // Live subscriptions carry on across a reload unless their document no longer validates.
    if (reloaded && hub) {
      const ended = hub.revalidate(schema);
      if (ended) logger.warn({ ended }, 'ended subscriptions the new supergraph no longer validates');
    }
  });

  // Streams over graphql-ws and SSE start operations alike; the starter needs the Apollo server, made below.
  const subscriptionLimits = new SubscriptionLimits(config);
  let starter: OperationStarter | undefined;
  const sse = createSseHandler({ config, logger, limits: subscriptionLimits, starter: () => starter! });

  // On stop, sockets and subscriptions drain before HTTP: operations in
  // flight on either finish before the gateway and its connections close.
  let drainSockets = async () => {};
  // Operations whose client went away keep running after Apollo's HTTP drain, which only waits for connections.
  const operations = new InFlight();
  const server = await serveGraphQL<RouterContext>({
    name: 'router',
    port: config.ROUTER_PORT,
    host: config.ROUTER_HOST,
    config,
    logger,
    apollo: { gateway: guarded },
    // GraphiQL reads the schema by introspection: enabling it in production enables that too.
    introspection: config.GRAPHIQL_ENABLED || config.NODE_ENV !== 'production',
    plugins: [rejectSubscriptionsOverHttp(), registeredOperationsOnly(documents), trackOperations(operations)],
    metrics: registry,
    dependencies: routerDependencies(() => subgraphs, config.REDIS_URL ? () => limiterStore.ping() : undefined, config.READINESS_TIMEOUT_MS),
    persistedQueries: { cache: persisted.cache, ttl: 24 * 60 * 60 },
    drainFirst: () => drainSockets(),
    routes: (app) => {
      app.all('/graphql', ...sse.middleware);
      if (config.GRAPHIQL_ENABLED) mountGraphiql(app, logger, config.GRAPHIQL_DEFAULT_DOCUMENT);
    },
    healthDetails: () => ({ subscriptions: hub?.subscriberCount ?? 0, resolutions: hub?.resolutions ?? 0 }),
    context: async ({ headers, peerAddress, requestId, logger }) => {
      const { viewer, scopes } = await sessionFromAuthorization(headers.authorization, config);
      const address = clientAddress(peerAddress, headers['x-forwarded-for'], config.TRUSTED_PROXY_HOPS);
      return { viewer, scopes, authorization: headers.authorization, clientAddress: address, requestId, logger, frontDoor: new FrontDoorDecision() };
    },
    ...(config.DEDUPLICATE_OPERATIONS
      ? {
          identicalRequests: {
            decided: (context) => context.frontDoor!.decided,
            admit: (leader, joining) => guarded.admitsJoining(leader.frontDoor!.operation!, joining),
            joined: () => countJoinedOperation(true),
          },
        }
      : {}),
  });

  const eventSource =
    runtime.eventSource ??
    (config.REDIS_URL
      ? redisEventSource({ url: config.REDIS_URL, channelPrefix: config.EVENTS_CHANNEL_PREFIX, dedupePrefix: config.EVENTS_DEDUPE_PREFIX, logger })
      : undefined);
  if (!eventSource) logger.info('no REDIS_URL: subscriptions are disabled');
  hub = eventSource
    ? new SubscriptionHub(eventSource, logger, (event) => metrics.eventDeliveryLag.observe(Math.max(0, Date.now() - Date.parse(event.occurredAt)) / 1000))
    : null;
  starter = createOperationStarter({
    config,
    logger,
    apollo: server.apollo as unknown as ApolloServer<RouterContext>,
    schema: () => apiSchema!,
    gateway: guarded,
    hub,
    limits: subscriptionLimits,
    registry: documents,
  });
  const subscriptionServer = startSubscriptionServer({ httpServer: server.httpServer, config, logger, starter, limits: subscriptionLimits });
  metrics.observe({
    subscriptions: () => hub?.subscriberCount ?? 0,
    webSockets: () => subscriptionServer.wsServer.clients.size,
    sseStreams: () => sse.open,
  });

  let stopped: Promise<void> | undefined;
  drainSockets = async () => {
    await Promise.all([subscriptionServer.close(), sse.close(), hub?.close(config.SHUTDOWN_GRACE_MS)]);
    await eventSource?.close();
  };

  return {
    ...server,
    subscriptions: hub,
    subscriptionLimits,
    reloads,
    deduplicated,
    stop: () =>
      (stopped ??= (async () => {
        await server.stop();
        await operations.settled(config.SHUTDOWN_GRACE_MS);
        await limiterStore.close();
        await persisted.close();
        await transport.close(config.SHUTDOWN_GRACE_MS);
      })()),
  };
}

async function composeAtStart(config: RouterConfig, logger: Logger): Promise<string> {
  const subgraphs = await loadSupergraphConfig(config.SUPERGRAPH_CONFIG, config.routingUrls);
  const { supergraphSdl, hints } = await composeSupergraph(subgraphs);
  for (const hint of hints) logger.debug({ hint }, 'composition hint');
  return supergraphSdl;
}

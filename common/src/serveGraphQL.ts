import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Registry } from 'prom-client';
import { ApolloServer, type ApolloServerOptions, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { createArmor, documentLimits } from './armor.ts';
import { createFormatError } from './formatError.ts';
import { mountHealthRoutes } from './health/healthRoutes.ts';
import { Readiness, type Dependencies } from './health/readiness.ts';
import type { Logger } from './logger.ts';
import { createMetricsRegistry } from './metrics/metricsRegistry.ts';
import { requestMetrics, withLabelSlot } from './metrics/requestMetrics.ts';
import { serveMetrics } from './metrics/serveMetrics.ts';
import { nestingGuard } from './nestingGuard.ts';
import { identicalRequests, type RequestSharing } from './identicalRequests.ts';
import { RequestContexts } from './requestContexts.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from './requestId.ts';
import { requireRouterSignature } from './requireRouterSignature.ts';
import type { SharedConfig } from './sharedConfig.ts';
import { textInputGuard } from './textInputGuard.ts';
import { traceRequests } from './tracing/traceRequests.ts';

export interface ServeGraphQLOptions<TContext extends BaseContext> {
  /** Service name, used in logs, `/health` and as every metric's `service` label. */
  name: string;
  port: number;
  host: string;
  config: SharedConfig;
  logger: Logger;
  /** A schema (subgraphs) or a gateway (router). */
  apollo: { schema: NonNullable<ApolloServerOptions<TContext>['schema']> } | { gateway: NonNullable<ApolloServerOptions<TContext>['gateway']> };
  /**
   * Builds the per-request context; may throw a GraphQL error (bad token).
   * `peerAddress` is the TCP peer's (undefined once its socket has closed).
   */
  context: (request: { headers: http.IncomingHttpHeaders; peerAddress: string | undefined; requestId: string; logger: Logger }) => Promise<TContext>;
  /**
   * What `/health/ready` (and `/health`) checks, by name: each throws when
   * its dependency is down, and the 503 names it. @default none: ready while up
   */
  dependencies?: Dependencies;
  /**
   * Where the service's metrics go, served at `/metrics`; the caller passes
   * one to register metrics of its own on it. @default a new registry
   */
  metrics?: Registry;
  /** Answer introspection queries. @default true unless NODE_ENV=production */
  introspection?: boolean;
  /** Plugins of this service's own, after the shared ones. */
  plugins?: ApolloServerPlugin<TContext>[];
  /** Extra fields for the `/health` body (the router reports its live subscriptions). */
  healthDetails?: () => Record<string, unknown>;
  /**
   * Secrets of the router's signature, which every request to `/graphql` must
   * then carry (subgraphs; see subgraphSignature.ts). Unset: none is asked
   * for, as at the router itself, whose clients sign nothing.
   */
  routerSignatureSecrets?: readonly string[];
  /** Apollo's automatic persisted queries: where hashes are looked up. @default Apollo's in-memory cache */
  persistedQueries?: ApolloServerOptions<TContext>['persistedQueries'];
  /**
   * Identical requests in flight share one answer, decided before Apollo
   * parses them (identicalRequests.ts): the router's. @default every request runs
   */
  identicalRequests?: RequestSharing<TContext>;
  /** Extra routes mounted before `/graphql` (the router adds its own). */
  routes?: (app: express.Express) => void;
  /**
   * On stop, work that must finish before HTTP connections are closed: the
   * router's WebSockets, whose TCP connections Apollo's HTTP drain would
   * otherwise end at once, results in flight and all.
   */
  drainFirst?: () => Promise<void>;
}

export interface RunningServer {
  url: string;
  port: number;
  httpServer: http.Server;
  apollo: ApolloServer<BaseContext>;
  /** The service's Prometheus registry (served at `/metrics` unless METRICS_ENABLED=false). */
  metrics: Registry;
  stop: () => Promise<void>;
}

/**
 * The HTTP shell shared by the router and every subgraph: Apollo Server with
 * the armor limits, documents bounded in size and nesting before they are
 * parsed, text the databases cannot store refused, masked internal errors,
 * request ids, a server span per request when tracing is on, request metrics
 * at `/metrics`, `/health/live` and `/health/ready`, and a drain on stop so
 * in-flight requests finish.
 */
export async function serveGraphQL<TContext extends BaseContext>(
  options: ServeGraphQLOptions<TContext>,
): Promise<RunningServer> {
  const app = express();
  const httpServer = http.createServer(app);
  const armor = createArmor(options.config);
  const metrics = options.metrics ?? createMetricsRegistry(options.name);
  const requests = requestMetrics<TContext>(metrics, options.config.METRICS_MAX_OPERATION_NAMES);
  const apollo = new ApolloServer<TContext>({
    ...options.apollo,
    validationRules: armor.validationRules,
    parseOptions: armor.parseOptions,
    allowBatchedHttpRequests: false,
    ...(options.persistedQueries === undefined ? {} : { persistedQueries: options.persistedQueries }),
    // From the validated config, not Apollo's own reading of process.env.
    introspection: options.introspection ?? options.config.NODE_ENV !== 'production',
    // Each service's main (and npm start) owns shutdown order; Apollo's own
    // signal handlers would race it and re-raise the signal mid-shutdown.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: options.config.NODE_ENV !== 'development',
    formatError: createFormatError(options.logger),
    plugins: [
      ...armor.plugins,
      textInputGuard<TContext>(),
      requests.plugin,
      drainInOrder(options.drainFirst, ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: options.config.SHUTDOWN_GRACE_MS })),
      ApolloServerPluginLandingPageDisabled(),
      // Inline traces feed Apollo Studio, which we do not use; they only cost time.
      ...('schema' in options.apollo ? [ApolloServerPluginInlineTraceDisabled()] : []),
      ...(options.plugins ?? []),
    ],
  } as ApolloServerOptions<TContext>);
  await apollo.start();

  app.disable('x-powered-by');
  // An ETag hashes every answer for a conditional GET no GraphQL client makes (answers to POSTs are never revalidated).
  app.disable('etag');
  mountHealthRoutes(app, {
    service: options.name,
    readiness: new Readiness(options.dependencies ?? {}, { timeoutMs: options.config.READINESS_TIMEOUT_MS, cacheMs: options.config.READINESS_CACHE_MS }),
    logger: options.logger,
    details: options.healthDetails,
  });
  if (options.config.METRICS_ENABLED) app.get('/metrics', serveMetrics(metrics, options.config.METRICS_TOKEN));
  options.routes?.(app);
  const signature = options.routerSignatureSecrets ? requireRouterSignature(options.routerSignatureSecrets, options.logger) : null;
  const sharing = options.identicalRequests;
  const contexts = new RequestContexts<TContext>((req, res) => {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const context = options.context({ headers: req.headers, peerAddress: req.socket.remoteAddress, requestId, logger: options.logger.child({ requestId }) });
    return sharing ? context.then(withLabelSlot) : context;
  });
  app.use(
    '/graphql',
    express.json({ limit: '1mb', verify: signature?.verifyBody }),
    traceRequests(options.name),
    ...(signature?.refuseUnsigned ?? []),
    // Before the nesting guard: a request identical to one in flight passed it (or is run, and refused, on its own).
    ...(sharing
      ? [
          identicalRequests<TContext>(
            {
              ...sharing,
              answered: (leader, startedAt) => {
                requests.recordJoined(leader, startedAt);
                sharing.answered?.(leader, startedAt);
              },
            },
            contexts,
          ),
        ]
      : []),
    nestingGuard(documentLimits(options.config)),
    expressMiddleware(apollo, { context: ({ req, res }) => contexts.of(req, res) }),
  );
  // Body-parser failures (malformed JSON, oversized bodies) would otherwise
  // get Express's HTML error page; clients get a GraphQL-shaped error instead.
  app.use((error: { status?: number; message?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(error);
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    const message = status === 500 ? 'Internal server error' : `Malformed request: ${error.message ?? 'unreadable body'}`;
    if (status === 500) options.logger.error({ err: error }, 'request failed');
    res.status(status).json({ errors: [{ message, extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}/graphql`;
  options.logger.info({ url }, `${options.name} listening`);
  return {
    url,
    port,
    httpServer,
    apollo: apollo as unknown as ApolloServer<BaseContext>,
    metrics,
    stop: () => apollo.stop(),
  };
}

/** Apollo runs drain hooks side by side; this one runs `first` to its end, then the HTTP drain. */
function drainInOrder<TContext extends BaseContext>(first: (() => Promise<void>) | undefined, httpDrain: ApolloServerPlugin<TContext>): ApolloServerPlugin<TContext> {
  return {
    async serverWillStart(context) {
      const http = await httpDrain.serverWillStart?.(context);
      return {
        async drainServer() {
          await first?.();
          await http?.drainServer?.();
        },
      };
    },
  };
}

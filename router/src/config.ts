import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseConfig, sharedConfigSchema, subgraphSigningConfigSchema } from '@supergraph/common';

/**
 * Settings of the router, read once at start-up. Shared ones, the
 * SUBGRAPH_SIGNING_SECRETS it signs subgraph requests with included: see
 * common/sharedConfig.ts.
 */
export const routerConfigSchema = sharedConfigSchema.extend(subgraphSigningConfigSchema.shape).extend({
  /** @default 4000 */
  ROUTER_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** @default 127.0.0.1 */
  ROUTER_HOST: z.string().default('127.0.0.1'),
  /** The subgraph list in rover's format. @default <repo>/supergraph.yaml */
  SUPERGRAPH_CONFIG: z.string().default(fileURLToPath(new URL('../../supergraph.yaml', import.meta.url))),
  /**
   * A published supergraph (`npm run supergraph -- publish` writes one) to
   * serve and follow, reloading on change, instead of composing
   * SUPERGRAPH_CONFIG once at start. @default unset
   */
  SUPERGRAPH_FILE: z.string().optional(),
  /** Milliseconds a subgraph fetch may take before the router gives up on it. @default 10000 */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Keep-alive connections per subgraph. @default 32 */
  SUBGRAPH_CONNECTIONS: z.coerce.number().int().positive().default(32),
  /** Serve GraphiQL at GET /graphql to browsers. @default true, except when NODE_ENV=production */
  GRAPHIQL_ENABLED: z.stringbool().optional(),
  /** The operations GraphiQL opens with: the deployment's file, since only it knows its graph. @default <repo>/docs/graphiql.graphql */
  GRAPHIQL_DEFAULT_DOCUMENT: z.string().default(fileURLToPath(new URL('../../docs/graphiql.graphql', import.meta.url))),
  /** Redis the bridge publishes events to; subscriptions need it (or an in-process source under npm start). @default unset */
  REDIS_URL: z.string().url().optional(),
  /** Prepended to event types to name the Redis channels; must match the bridge's. @default '' */
  EVENTS_CHANNEL_PREFIX: z.string().default(''),
  /** Where the bridge remembers event ids with their history positions (to resume after an event); must match the bridge's `BRIDGE_DEDUPE_PREFIX`. @default dedupe: */
  EVENTS_DEDUPE_PREFIX: z.string().default('dedupe:'),
  /** Milliseconds a WebSocket may stay open without `connection_init` before it is closed (4408). @default 3000 */
  WS_CONNECTION_INIT_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
  /** Milliseconds between WebSocket pings. @default 12000 */
  WS_KEEPALIVE_MS: z.coerce.number().int().positive().default(12_000),
  /*
   * Caps on what WebSockets may hold open, counted by this router process
   * alone (limits shared across routers are rate limits). A subscription
   * over a cap is refused with SUBSCRIPTION_LIMIT_EXCEEDED; a socket over a
   * cap is closed at `connection_init` with 4429. Queries and mutations over
   * a socket are not counted. A browser app multiplexes its subscriptions
   * over one socket per tab; anonymous clients are counted per address, and
   * many people share one behind a NAT, hence the higher anonymous caps.
   */
  /** Active subscriptions on one socket. @default 100 */
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().positive().default(100),
  /** Active subscriptions of one signed-in user, over all their sockets. @default 200 */
  WS_MAX_SUBSCRIPTIONS_PER_USER: z.coerce.number().int().positive().default(200),
  /** Open sockets of one signed-in user (tabs, devices). @default 10 */
  WS_MAX_SOCKETS_PER_USER: z.coerce.number().int().positive().default(10),
  /** Active subscriptions of the anonymous sockets of one client address (an IPv6 client's /64). @default 500 */
  WS_MAX_SUBSCRIPTIONS_PER_IP: z.coerce.number().int().positive().default(500),
  /** Open anonymous sockets of one client address (an IPv6 client's /64). @default 50 */
  WS_MAX_SOCKETS_PER_IP: z.coerce.number().int().positive().default(50),
  /** Active subscriptions on this router, whoever holds them. @default 10000 */
  WS_MAX_SUBSCRIPTIONS_PER_ROUTER: z.coerce.number().int().positive().default(10_000),
  /**
   * How many proxies in front of the router append the address they
   * received from to `X-Forwarded-For` (express's `trust proxy` as a
   * number). 0 takes the TCP peer as the client and ignores the header,
   * which any client can write. @default 0
   */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).default(0),
  /**
   * Operations each client address may run per RATE_LIMIT_WINDOW_SECONDS,
   * across every router sharing REDIS_URL. Generous, since one address may
   * be a whole office behind NAT; `@rateLimit` in the schema limits
   * sensitive fields much more tightly. @default 600
   */
  RATE_LIMIT_IP_OPERATIONS: z.coerce.number().int().positive().default(600),
  /** Operations each signed-in user may run per RATE_LIMIT_WINDOW_SECONDS, on top of their address's limit. @default 300 */
  RATE_LIMIT_USER_OPERATIONS: z.coerce.number().int().positive().default(300),
  /** The window of the operation limits, in seconds. @default 60 */
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  /**
   * Multiplies every limit the schema declares with `@rateLimit` (rounded
   * down, at least 1): raise it for a load test or a benchmark instead of
   * editing the schema. @default 1
   */
  RATE_LIMIT_FIELD_MULTIPLIER: z.coerce.number().positive().default(1),
  /** Prefix of the rate-limit counters' Redis keys; routers that share limits share it. @default ratelimit */
  RATE_LIMIT_KEY_PREFIX: z.string().min(1).default('ratelimit'),
  /**
   * What the rate limits do while Redis is unreachable: `local` counts in
   * each router's memory (every limit still holds per router, so N routers
   * allow up to N times it), `open` lets everything through, `closed`
   * refuses every operation with SERVICE_UNAVAILABLE. See rateLimit/limiterStore.ts.
   * @default local
   */
  RATE_LIMIT_REDIS_FAILURE: z.enum(['local', 'open', 'closed']).default('local'),
  /**
   * The highest estimated cost (README, "Operation cost") an operation may
   * have; dearer ones are refused with COST_ESTIMATED_TOO_EXPENSIVE before
   * any subgraph is asked. The README shows what our operations cost and
   * why this default admits a dashboard of ten items with a few nested
   * lists each, but not a hundred items with hundreds each. @default 10000
   */
  COST_LIMIT: z.coerce.number().int().positive().default(10_000),
  /**
   * Items assumed in a list field the supergraph gives no `@listSize`. As
   * many as the largest page (100), so a list nobody sized is never
   * estimated cheaper than it may be. @default 100
   */
  COST_DEFAULT_LIST_SIZE: z.coerce.number().int().nonnegative().default(100),
  /** Add `extensions.cost` (`{ estimated, actual, limit }`) to every result. @default true, except when NODE_ENV=production */
  COST_EXTENSIONS: z.stringbool().optional(),
  /**
   * Run identical queries in flight at the same moment once (same document,
   * variables and Authorization header); mutations never. @default true
   */
  DEDUPLICATE_OPERATIONS: z.stringbool().default(true),
  /** The same for identical subgraph fetches (same subgraph, body and Authorization). @default true */
  DEDUPLICATE_SUBGRAPH_FETCHES: z.stringbool().default(true),
  /**
   * Documents clients registered at build time: a persisted operation list
   * (`{ "<sha256>": "<document>" }`) or a folder of them. Clients may send
   * the hash alone (Apollo's persisted-query protocol). @default unset
   */
  PERSISTED_DOCUMENTS: z.string().optional(),
  /** Run only the documents in PERSISTED_DOCUMENTS, over every transport; refuse all others. @default false */
  PERSISTED_DOCUMENTS_ONLY: z.stringbool().default(false),
  /**
   * @apollo/gateway's own name for its anonymous usage report to Apollo
   * (cloud metadata probes at start, host figures every hour; see
   * createGateway). Off unless set to false. @default true
   */
  APOLLO_TELEMETRY_DISABLED: z.stringbool().default(true),
});

export type RouterConfig = z.infer<typeof routerConfigSchema> & {
  GRAPHIQL_ENABLED: boolean;
  COST_EXTENSIONS: boolean;
  /** Per-subgraph routing URL overrides from `<NAME>_ROUTING_URL`. */
  routingUrls: Record<string, string>;
};

export function loadRouterConfig(env: NodeJS.ProcessEnv = process.env): RouterConfig {
  const routingUrls: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const match = /^([A-Z0-9]+)_ROUTING_URL$/.exec(key);
    if (match?.[1] && value) routingUrls[match[1].toLowerCase()] = z.string().url().parse(value);
  }
  const config = parseConfig(routerConfigSchema, env, 'router');
  const development = config.NODE_ENV !== 'production';
  return { ...config, GRAPHIQL_ENABLED: config.GRAPHIQL_ENABLED ?? development, COST_EXTENSIONS: config.COST_EXTENSIONS ?? development, routingUrls };
}

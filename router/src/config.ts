import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseConfig, sharedConfigSchema } from '@supergraph/common';

/** Settings of the router, read once at start-up. Shared ones: see common/sharedConfig.ts. */
export const routerConfigSchema = sharedConfigSchema.extend({
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
  /** Redis the bridge publishes events to; subscriptions need it (or an in-process source under npm start). @default unset */
  REDIS_URL: z.string().url().optional(),
  /** Prepended to event types to name the Redis channels; must match the bridge's. @default '' */
  EVENTS_CHANNEL_PREFIX: z.string().default(''),
  /** Milliseconds a WebSocket may stay open without `connection_init` before it is closed (4408). @default 3000 */
  WS_CONNECTION_INIT_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
  /** Milliseconds between WebSocket pings. @default 12000 */
  WS_KEEPALIVE_MS: z.coerce.number().int().positive().default(12_000),
  /**
   * The highest estimated cost (README, "Operation cost") an operation may
   * have; dearer ones are refused with COST_ESTIMATED_TOO_EXPENSIVE before
   * any subgraph is asked. Ten users with five notes (and their tags) and
   * five orders (and their items) each is about 6,000; a hundred users with
   * a hundred notes and a hundred orders each is about 40,000. @default 10000
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

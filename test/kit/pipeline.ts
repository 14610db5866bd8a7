import { randomBytes } from 'node:crypto';
import { loadBridgeConfig, startBridge, type Bridge } from '@supergraph/bridge';
import { seedNotes } from '@supergraph/notes';
import { seedOrders } from '@supergraph/orders';
import { loadRouterConfig, startRouter, type Router } from '@supergraph/router';
import { seedUsers } from '@supergraph/users';
import { deleteBridgeTopology, RABBITMQ_URL } from './rabbitmq.ts';
import { REDIS_URL } from './redis.ts';
import { startSubgraphForTest, type StartedSubgraph } from './subgraphs.ts';

export interface Pipeline {
  routers: Router[];
  users: StartedSubgraph<'users'>;
  notes: StartedSubgraph<'notes'>;
  orders: StartedSubgraph<'orders'>;
  bridge: Bridge;
  /** This pipeline's exchange, queue and channel names, apart from every other test's. */
  namespace: string;
  stop: () => Promise<void>;
}

export interface PipelineOptions {
  routers?: number;
  /** Where the subgraphs' relays reach RabbitMQ (a fault-injecting proxy, say). */
  relayAmqpUrl?: string;
  /** Where the bridge and the routers reach Redis. */
  redisUrl?: string;
  /** Where the routers alone reach Redis (a proxy cutting them off while the bridge carries on, say); `redisUrl` when unset. */
  routerRedisUrl?: string;
}

/**
 * The whole event path on the real services: subgraphs with outbox relays
 * publishing to RabbitMQ, the bridge into Redis, and routers serving
 * subscriptions from Redis. Each pipeline has its own exchange, queue and
 * channel prefix, so test files running at once never see each other's events.
 */
export async function startPipeline(options: PipelineOptions = {}): Promise<Pipeline> {
  const namespace = `sg_test_${randomBytes(4).toString('hex')}`;
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const relayEnv = { AMQP_URL: options.relayAmqpUrl ?? RABBITMQ_URL, AMQP_EXCHANGE: `${namespace}.events` };
  const [users, notes, orders] = await Promise.all([
    startSubgraphForTest('users', { env: relayEnv }),
    startSubgraphForTest('notes', { env: relayEnv }),
    startSubgraphForTest('orders', { env: relayEnv }),
  ]);
  await Promise.all([seedUsers(users.db), seedNotes(notes.db), seedOrders(orders.db)]);
  const bridge = await startBridge(
    loadBridgeConfig({
      ...process.env,
      AMQP_URL: RABBITMQ_URL,
      REDIS_URL: redisUrl,
      BRIDGE_EXCHANGE: `${namespace}.events`,
      BRIDGE_QUEUE: `${namespace}.bridge`,
      BRIDGE_CHANNEL_PREFIX: `${namespace}:`,
      BRIDGE_PORT: '0',
    }),
  );
  const routers = await Promise.all(
    Array.from({ length: options.routers ?? 1 }, () =>
      startRouter(
        loadRouterConfig({
          ...process.env,
          ROUTER_PORT: '0',
          REDIS_URL: options.routerRedisUrl ?? redisUrl,
          EVENTS_CHANNEL_PREFIX: `${namespace}:`,
          RATE_LIMIT_KEY_PREFIX: `${namespace}:ratelimit`,
          USERS_ROUTING_URL: users.url,
          NOTES_ROUTING_URL: notes.url,
          ORDERS_ROUTING_URL: orders.url,
        }),
      ),
    ),
  );
  return {
    routers,
    users,
    notes,
    orders,
    bridge,
    namespace,
    stop: async () => {
      await Promise.all(routers.map((router) => router.stop()));
      await bridge.stop();
      await Promise.all([users.stop(), notes.stop(), orders.stop()]);
      await deleteBridgeTopology(namespace);
    },
  };
}

import { createLogger, serveSubgraph, type RunningSubgraph, type SubgraphEvents } from '@supergraph/common';
import type { OrdersConfig } from './config.ts';
import type { OrdersContext } from './context.ts';
import { createOrdersDb, type OrdersDb } from './db.ts';
import { createOrdersLoaders } from './loaders.ts';
import { ordersSchema } from './schema.ts';

export type OrdersSubgraph = RunningSubgraph<OrdersDb>;

/** `events.publisher` replaces RabbitMQ as where the outbox goes (npm start passes its in-process bus). */
export function startOrdersSubgraph(config: OrdersConfig, events?: SubgraphEvents): Promise<OrdersSubgraph> {
  return serveSubgraph<OrdersDb, OrdersContext>({
    name: 'orders',
    config,
    port: config.ORDERS_PORT,
    host: config.ORDERS_HOST,
    db: createOrdersDb(config.ORDERS_DATABASE_URL, config.ORDERS_DB_POOL_SIZE, createLogger('orders', config.LOG_LEVEL)),
    databaseUrl: config.ORDERS_DATABASE_URL,
    events,
    schema: ordersSchema(),
    context: (base) => ({ ...base, loaders: createOrdersLoaders(base.db), config }),
  });
}

import { serveSubgraph, type RunningSubgraph } from '@supergraph/common';
import type { OrdersConfig } from './config.ts';
import type { OrdersContext } from './context.ts';
import { createOrdersDb, type OrdersDb } from './db.ts';
import { createOrdersLoaders } from './loaders.ts';
import { ordersSchema } from './schema.ts';

export type OrdersSubgraph = RunningSubgraph<OrdersDb>;

export function startOrdersSubgraph(config: OrdersConfig): Promise<OrdersSubgraph> {
  return serveSubgraph<OrdersDb, OrdersContext>({
    name: 'orders',
    config,
    port: config.ORDERS_PORT,
    host: config.ORDERS_HOST,
    db: createOrdersDb(config.ORDERS_DATABASE_URL, config.ORDERS_DB_POOL_SIZE),
    schema: ordersSchema(),
    context: (base) => ({ ...base, loaders: createOrdersLoaders(base.db), config }),
  });
}

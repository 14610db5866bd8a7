import { createLogger, serveGraphQL, viewerFromAuthorization, type RunningServer } from '@supergraph/common';
import type { OrdersConfig } from './config.ts';
import type { OrdersContext } from './context.ts';
import { createOrdersDb, type OrdersDb } from './db.ts';
import { createOrdersLoaders } from './loaders.ts';
import { ordersSchema } from './schema.ts';

export interface OrdersSubgraph extends RunningServer {
  db: OrdersDb;
}

export async function startOrdersSubgraph(config: OrdersConfig): Promise<OrdersSubgraph> {
  const logger = createLogger('orders', config.LOG_LEVEL);
  const db = createOrdersDb(config.ORDERS_DATABASE_URL, config.ORDERS_DB_POOL_SIZE);
  db.$on('query', (event) => logger.debug({ sql: event.query, ms: event.duration }, 'sql'));
  const server = await serveGraphQL<OrdersContext>({
    name: 'orders',
    port: config.ORDERS_PORT,
    host: config.ORDERS_HOST,
    config,
    logger,
    apollo: { schema: ordersSchema() },
    checkHealth: async () => void (await db.$queryRaw`SELECT 1`),
    context: async ({ headers, requestId, logger }) => ({
      db,
      loaders: createOrdersLoaders(db),
      viewer: await viewerFromAuthorization(headers.authorization, config),
      config,
      requestId,
      logger,
    }),
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

import type { Logger, Viewer } from '@supergraph/common';
import type { OrdersConfig } from './config.ts';
import type { OrdersDb } from './db.ts';
import type { OrdersLoaders } from './loaders.ts';

export interface OrdersContext {
  db: OrdersDb;
  loaders: OrdersLoaders;
  viewer: Viewer;
  config: OrdersConfig;
  requestId: string;
  logger: Logger;
}

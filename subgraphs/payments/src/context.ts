import type { Logger, Viewer } from '@supergraph/common';
import type { PaymentsConfig } from './config.ts';
import type { PaymentsDb } from './db.ts';
import type { PaymentsLoaders } from './loaders.ts';

export interface PaymentsContext {
  db: PaymentsDb;
  loaders: PaymentsLoaders;
  viewer: Viewer;
  config: PaymentsConfig;
  requestId: string;
  logger: Logger;
}

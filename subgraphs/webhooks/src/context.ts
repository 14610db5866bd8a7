import type { Logger, Viewer } from '@supergraph/common';
import type { WebhooksConfig } from './config.ts';
import type { WebhooksDb } from './db.ts';
import type { WebhooksLoaders } from './loaders.ts';

export interface WebhooksContext {
  db: WebhooksDb;
  loaders: WebhooksLoaders;
  viewer: Viewer;
  config: WebhooksConfig;
  requestId: string;
  logger: Logger;
}

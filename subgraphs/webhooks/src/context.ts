import type { Logger, Viewer } from '@supergraph/common';
import type { WebhooksConfig } from './config.ts';
import type { WebhooksDb } from './db.ts';
import type { WebhooksLoaders } from './loaders.ts';
import type { SecretBox } from './secretBox.ts';

export interface WebhooksContext {
  db: WebhooksDb;
  loaders: WebhooksLoaders;
  viewer: Viewer;
  config: WebhooksConfig;
  secrets: SecretBox;
  requestId: string;
  logger: Logger;
}

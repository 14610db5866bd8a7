import type { Logger, Viewer } from '@supergraph/common';
import type { UsersConfig } from './config.ts';
import type { UsersDb } from './db.ts';
import type { UsersLoaders } from './loaders.ts';

export interface UsersContext {
  db: UsersDb;
  loaders: UsersLoaders;
  viewer: Viewer;
  config: UsersConfig;
  requestId: string;
  logger: Logger;
}

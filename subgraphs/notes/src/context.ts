import type { Logger, Viewer } from '@supergraph/common';
import type { NotesConfig } from './config.ts';
import type { NotesDb } from './db.ts';
import type { NotesLoaders } from './loaders.ts';

export interface NotesContext {
  db: NotesDb;
  loaders: NotesLoaders;
  viewer: Viewer;
  config: NotesConfig;
  requestId: string;
  logger: Logger;
}

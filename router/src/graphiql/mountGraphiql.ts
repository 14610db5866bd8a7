import { readFileSync } from 'node:fs';
import express from 'express';
import type { Logger } from '@supergraph/common';
import { GRAPHIQL_ASSETS, graphiqlBuilt } from './buildGraphiql.ts';
import { graphiqlPage } from './graphiqlPage.ts';

const ASSETS_PATH = '/graphiql';

/**
 * GraphiQL at GET /graphql for browsers: a request that prefers HTML gets
 * the page, anything else (GET with `?query=`, POST, WebSocket) goes on to
 * GraphQL. Assets are the local esbuild bundle, never a CDN.
 */
export function mountGraphiql(app: express.Express, logger: Logger, defaultDocumentFile: string): void {
  if (!graphiqlBuilt()) {
    logger.warn('GraphiQL assets are missing; run `npm run build:graphiql` (npm install does it)');
    return;
  }
  app.use(ASSETS_PATH, express.static(GRAPHIQL_ASSETS, { immutable: true, maxAge: '1h' }));
  let defaultQuery = '';
  try {
    defaultQuery = readFileSync(defaultDocumentFile, 'utf8');
  } catch (error) {
    // GraphiQL still works without the deployment's examples; an operator learns why they are missing.
    logger.warn({ err: error, file: defaultDocumentFile }, 'could not read GRAPHIQL_DEFAULT_DOCUMENT; GraphiQL opens empty');
  }
  const page = graphiqlPage(ASSETS_PATH, defaultQuery);
  app.get('/graphql', (req, res, next) => {
    if (req.query.query !== undefined || req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) !== 'text/html') {
      return next();
    }
    res.type('html').send(page);
  });
}

import { ApolloGateway } from '@apollo/gateway';
import { createLogger, serveGraphQL, viewerFromAuthorization, type RunningServer } from '@supergraph/common';
import { composeSupergraph } from './composeSupergraph.ts';
import type { RouterConfig } from './config.ts';
import type { RouterContext } from './routerContext.ts';
import { createSubgraphFetcher, SubgraphDataSource } from './subgraphDataSource.ts';
import { loadSupergraphConfig } from './supergraphConfig.ts';

export type Router = RunningServer;

/**
 * Composes `supergraph.yaml` and serves the supergraph. A composition error
 * stops start-up (the error lists every problem with subgraph and location).
 */
export async function startRouter(config: RouterConfig): Promise<Router> {
  const logger = createLogger('router', config.LOG_LEVEL);
  const subgraphs = await loadSupergraphConfig(config.SUPERGRAPH_CONFIG, config.routingUrls);
  const { supergraphSdl, hints } = await composeSupergraph(subgraphs);
  for (const hint of hints) logger.debug({ hint }, 'composition hint');

  const transport = createSubgraphFetcher({ connections: config.SUBGRAPH_CONNECTIONS, timeoutMs: config.SUBGRAPH_TIMEOUT_MS });
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger,
    buildService: ({ url }) => new SubgraphDataSource({ url, fetcher: transport.fetcher }),
  });

  const server = await serveGraphQL<RouterContext>({
    name: 'router',
    port: config.ROUTER_PORT,
    host: config.ROUTER_HOST,
    config,
    logger,
    apollo: { gateway },
    context: async ({ headers, requestId, logger }) => ({
      viewer: await viewerFromAuthorization(headers.authorization, config),
      authorization: headers.authorization,
      requestId,
      logger,
    }),
  });
  return {
    ...server,
    stop: async () => {
      await server.stop();
      await transport.close();
    },
  };
}

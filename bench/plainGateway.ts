import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { composeSupergraph, loadRouterConfig, loadSupergraphConfig } from '@supergraph/router';

/**
 * The reference: `@apollo/gateway` + `@apollo/server` with their defaults,
 * composing the same supergraph.yaml. The only addition is forwarding
 * `Authorization`, without which the benchmark query (`me { ... }`) cannot be
 * answered at all.
 */
const config = loadRouterConfig();
const { supergraphSdl } = await composeSupergraph(await loadSupergraphConfig(config.SUPERGRAPH_CONFIG, config.routingUrls));
const gateway = new ApolloGateway({
  supergraphSdl,
  buildService: ({ url }) =>
    new RemoteGraphQLDataSource<{ authorization?: string }>({
      url,
      willSendRequest({ request, context }) {
        if (context.authorization) request.http?.headers.set('authorization', context.authorization);
      },
    }),
});
const server = new ApolloServer({ gateway });
await startStandaloneServer(server, {
  listen: { port: config.ROUTER_PORT, host: '127.0.0.1' },
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});

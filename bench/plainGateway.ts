import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';

/**
 * The reference: `@apollo/gateway` + `@apollo/server` with their defaults.
 * The only addition is forwarding `Authorization`, without which the
 * benchmark query (`me { ... }`) cannot be answered at all.
 */
export async function startPlainGateway(supergraphSdl: string) {
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
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  return { url: new URL('/graphql', url).toString(), stop: () => server.stop() };
}

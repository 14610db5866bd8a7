import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { composeSupergraph, createGateway, loadRouterConfig, loadSupergraphConfig, signingFetcher, withEnforcedSecurityLinks } from '@supergraph/router';

/**
 * The reference: `@apollo/gateway` + `@apollo/server` with their defaults,
 * composing the subgraphs our router would from the same settings:
 * SUPERGRAPH_CONFIG (supergraph.yaml unless set; `npm run bench:router` points
 * it at its fixtures) with <NAME>_ROUTING_URL overrides, ROUTER_PORT, and
 * SUBGRAPH_SIGNING_SECRETS when given. The only additions are forwarding
 * `Authorization`, without which the benchmark query (`me { ... }`) cannot be
 * answered at all, and signing subgraph requests as our router does (the
 * subgraphs run as in production and answer nothing unsigned), so both pay
 * for the signature. It refuses a supergraph linking `for: SECURITY` specs
 * it cannot enforce, so it gets the same rewrite our router's gateway does,
 * and checks none of `@authenticated`/`@requiresScopes` (less work than ours).
 */
const config = loadRouterConfig();
const signingSecret = config.SUBGRAPH_SIGNING_SECRETS?.[0];
const { supergraphSdl: composed } = await composeSupergraph(await loadSupergraphConfig(config.SUPERGRAPH_CONFIG, config.routingUrls));
// @apollo/gateway's anonymous usage report to Apollo (cloud metadata probes,
// host figures flushed as it stops) follows the router's own setting, off
// unless APOLLO_TELEMETRY_DISABLED=false: a benchmark run sends nothing home,
// and the report costs nothing per request, so the comparison is unchanged.
const gateway = createGateway({
  supergraphSdl: withEnforcedSecurityLinks(composed),
  buildService: ({ url }) => {
    const source = new RemoteGraphQLDataSource<{ authorization?: string }>({
      url,
      willSendRequest({ request, context }) {
        if (context.authorization) request.http?.headers.set('authorization', context.authorization);
      },
    });
    // Its own default fetcher, signing each request.
    if (signingSecret) source.fetcher = signingFetcher(source.fetcher, signingSecret);
    return source;
  },
}, !config.APOLLO_TELEMETRY_DISABLED);
const server = new ApolloServer({ gateway });
await startStandaloneServer(server, {
  listen: { port: config.ROUTER_PORT, host: '127.0.0.1' },
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});

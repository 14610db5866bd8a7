import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { RouterContext } from '../routerContext.ts';
import type { DocumentRegistry } from './documentRegistry.ts';

/**
 * Refuses, over HTTP, every document clients did not register when the
 * registry says only those run; the hash is Apollo's of the text the client
 * sent, or the persisted-query hash it sent instead. Operations the router
 * runs itself (subscription lookups, operations over WebSockets, which the
 * stream starter checks) come without an HTTP request and are not checked here.
 */
export function registeredOperationsOnly(registry: DocumentRegistry): ApolloServerPlugin<RouterContext> {
  return {
    async requestDidStart({ request }) {
      if (!registry.registeredOnly || !request.http) return;
      return {
        // Apollo answers an error thrown here (not from didResolveSource) as the response, with its status.
        async didResolveOperation({ queryHash }) {
          const refusal = registry.refusal(queryHash);
          if (refusal) throw new GraphQLError(refusal.message, { extensions: { ...refusal.extensions, http: { status: 400, headers: new HeaderMap() } } });
        },
      };
    },
  };
}

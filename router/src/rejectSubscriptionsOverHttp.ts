import type { ApolloServerPlugin } from '@apollo/server';
import { appError } from '@supergraph/common';

/**
 * The gateway cannot execute subscriptions; over HTTP it would fail as an
 * internal error. Say where they are served instead.
 */
export function rejectSubscriptionsOverHttp(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'subscription') return;
          throw appError('BAD_REQUEST', 'Subscriptions are served over WebSocket (graphql-ws protocol) at this same URL.', {
            details: { http: { status: 400 } },
          });
        },
      };
    },
  };
}

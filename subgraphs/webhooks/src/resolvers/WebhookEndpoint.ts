import { readPage, toConnection } from '@supergraph/common';
import type { WebhookEndpointResolvers } from '../__generated__/resolvers.ts';

export const WebhookEndpoint: WebhookEndpointResolvers = {
  // The router reaches an endpoint by key only through this subgraph's own fields; still, only its owner gets it.
  __resolveReference: async (reference, { loaders, viewer }) => {
    const endpoint = await loaders.endpointById.load(reference.id);
    return endpoint && endpoint.ownerId === viewer?.userId ? endpoint : null;
  },
  owner: (endpoint) => ({ id: endpoint.ownerId }),
  // Every endpoint reaching this resolver passed an owner check (the query, the mutation, the reference).
  deliveries: async (endpoint, args, { loaders }) => {
    const page = readPage(args);
    const rows = await loaders.deliveriesByEndpoint.load({ parentId: endpoint.id, page });
    return toConnection(rows, page, () => loaders.deliveryCountByEndpoint.load(endpoint.id));
  },
};

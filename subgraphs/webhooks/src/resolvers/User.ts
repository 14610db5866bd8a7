import { readPage, toConnection } from '@supergraph/common';
import type { UserResolvers } from '../__generated__/resolvers.ts';

const empty = { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }, totalCount: async () => 0 };

export const User: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),

  // Endpoints are their owner's business: anyone else sees an empty list, not an error,
  // so a query over many users does not fail for the ones that are not the viewer.
  webhookEndpoints: async (user, args, { loaders, viewer }) => {
    const page = readPage(args);
    if (viewer?.userId !== user.id) return empty;
    const rows = await loaders.endpointsByOwner.load({ parentId: user.id, page });
    return toConnection(rows, page, () => loaders.endpointCountByOwner.load(user.id));
  },
};

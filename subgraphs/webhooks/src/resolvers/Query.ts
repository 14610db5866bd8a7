import { parseId, readPage, requireViewer, toConnection } from '@supergraph/common';
import type { QueryResolvers } from '../__generated__/resolvers.ts';

export const Query: QueryResolvers = {
  webhookEndpoints: async (_parent, args, { loaders, viewer }) => {
    const ownerId = requireViewer(viewer);
    const page = readPage(args);
    const rows = await loaders.endpointsByOwner.load({ parentId: ownerId, page });
    return toConnection(rows, page, () => loaders.endpointCountByOwner.load(ownerId));
  },

  // Someone else's endpoint is null, like a missing one; subscriptions look
  // endpoints up here as the subscriber, so only the owner hears of one.
  webhookEndpoint: async (_parent, { id }, { loaders, viewer }) => {
    const viewerId = requireViewer(viewer);
    const endpoint = await loaders.endpointById.load(parseId(id, 'id'));
    return endpoint?.ownerId === viewerId ? endpoint : null;
  },
};

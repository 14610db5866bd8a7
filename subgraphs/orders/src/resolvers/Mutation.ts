import { parseId, requireViewer } from '@supergraph/common';
import type { MutationResolvers } from '../__generated__/resolvers.ts';
import { cancelOrder } from '../cancelOrder.ts';
import { placeOrder } from '../placeOrder.ts';
import { parsePlaceOrder } from '../placeOrderInput.ts';

export const Mutation: MutationResolvers = {
  placeOrder: (_parent, args, { db, viewer, requestId }) => {
    const userId = requireViewer(viewer);
    return placeOrder(db, userId, parsePlaceOrder(args), { actorId: userId, correlationId: requestId });
  },

  cancelOrder: (_parent, { id }, { db, viewer, requestId }) => {
    const userId = requireViewer(viewer);
    return cancelOrder(db, userId, parseId(id, 'id'), { actorId: userId, correlationId: requestId });
  },
};

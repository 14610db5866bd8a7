import type { UserResolvers } from '../__generated__/resolvers.ts';
import { assertMayReadOrders } from '../orderAccess.ts';
import { orderConnection } from '../orderConnection.ts';

export const User: UserResolvers = {
  // Users live in another subgraph: whether the id exists is not this subgraph's question.
  __resolveReference: (reference) => ({ id: reference.id }),

  orders: (user, args, { viewer, loaders }) => {
    assertMayReadOrders(viewer, user.id);
    return orderConnection(loaders, user.id, args);
  },
};

import type { OrderResolvers } from '../__generated__/resolvers.ts';
import { assertMayReadOrders } from '../orderAccess.ts';

export const Order: OrderResolvers = {
  // The router may fetch an order by key on anyone's behalf: the privacy rule applies here too.
  __resolveReference: async (reference, { loaders, viewer }) => {
    const order = await loaders.orderById.load(reference.id);
    if (order) assertMayReadOrders(viewer, order.userId);
    return order;
  },

  items: (order, _args, { loaders }) => loaders.itemsByOrderId.load(order.id),

  user: (order) => ({ id: order.userId }),
};

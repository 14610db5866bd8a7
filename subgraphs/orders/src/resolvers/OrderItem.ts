import type { OrderItemResolvers } from '../__generated__/resolvers.ts';

export const OrderItem: OrderItemResolvers = {
  product: async (item, _args, { loaders }) => {
    const product = await loaders.productById.load(item.productId);
    // The foreign key keeps every ordered product: a miss is a broken invariant, not a client error.
    if (!product) throw new Error(`Product ${item.productId} of order item ${item.id} does not exist.`);
    return product;
  },
};

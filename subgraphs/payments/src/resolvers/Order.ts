import type { OrderResolvers } from '../__generated__/resolvers.ts';
import { assertMayReadPayment } from '../paymentAccess.ts';

export const Order: OrderResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),

  payment: async (order, _args, { loaders, viewer }) => {
    const payment = await loaders.paymentByOrderId.load(order.id);
    if (payment) assertMayReadPayment(viewer, payment.userId, 'payment');
    return payment;
  },
};

import type { PaymentResolvers } from '../__generated__/resolvers.ts';
import { assertMayReadPayment } from '../paymentAccess.ts';

export const Payment: PaymentResolvers = {
  // The router may fetch a payment by key on anyone's behalf: the privacy rule applies here too.
  __resolveReference: async (reference, { loaders, viewer }) => {
    const payment = await loaders.paymentById.load(reference.id);
    if (payment) assertMayReadPayment(viewer, payment.userId);
    return payment;
  },

  order: (payment) => ({ id: payment.orderId }),
};

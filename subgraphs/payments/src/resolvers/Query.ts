import { parseId, requireViewer } from '@supergraph/common';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { assertMayReadPayment } from '../paymentAccess.ts';

export const Query: QueryResolvers = {
  payment: async (_parent, { id }, { loaders, viewer }) => {
    requireViewer(viewer);
    const payment = await loaders.paymentById.load(parseId(id, 'id'));
    if (payment) assertMayReadPayment(viewer, payment.userId, 'id');
    return payment;
  },
};

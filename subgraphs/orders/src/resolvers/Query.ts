import { afterCursorWhere, newestFirst, parseId, readPage, requireViewer, toConnection } from '@supergraph/common';
import type { QueryResolvers } from '../__generated__/resolvers.ts';
import { assertMayReadOrders } from '../orderAccess.ts';
import { orderConnection } from '../orderConnection.ts';

export const Query: QueryResolvers = {
  order: async (_parent, { id }, { viewer, loaders }) => {
    requireViewer(viewer);
    const order = await loaders.orderById.load(parseId(id, 'id'));
    if (order) assertMayReadOrders(viewer, order.userId, 'id');
    return order;
  },

  orders: (_parent, args, { viewer, loaders }) => orderConnection(loaders, requireViewer(viewer), args),

  product: (_parent, { id }, { loaders }) => loaders.productById.load(parseId(id, 'id')),

  products: async (_parent, args, { db }) => {
    const page = readPage(args);
    const rows = await db.product.findMany({ where: afterCursorWhere(page.after), orderBy: newestFirst, take: page.take + 1 });
    return toConnection(rows, page, () => db.product.count());
  },
};

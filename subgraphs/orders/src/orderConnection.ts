import { readPage, toConnection, type PageArgs } from '@supergraph/common';
import type { OrdersLoaders } from './loaders.ts';
import type { OrderConnectionModel } from './models.ts';

/**
 * A user's orders, newest first. Batched with every other user's orders in
 * the same request; the count runs only if `totalCount` is selected.
 */
export async function orderConnection(loaders: OrdersLoaders, userId: string, args: PageArgs): Promise<OrderConnectionModel> {
  const page = readPage(args);
  const rows = await loaders.ordersByUser.load({ userId, page });
  return toConnection(rows, page, () => loaders.orderCountByUser.load(userId));
}

import { appError, forbidden, notFound, type EventCause } from '@supergraph/common';
import type { Order } from './__generated__/prisma/client.ts';
import type { OrdersDb } from './db.ts';
import { releaseOrder } from './releaseOrder.ts';

/**
 * Cancels one of `userId`'s orders, PENDING or CONFIRMED, puts its items
 * back in stock and writes `order.cancelled`, in one transaction; the
 * payments subgraph refunds a payment it had authorized when it reads the event.
 */
export function cancelOrder(db: OrdersDb, userId: string, orderId: string, cause: EventCause): Promise<Order> {
  return db.$transaction(async (tx) => {
    const order = await tx.order.findUnique({ where: { id: orderId } });
    if (!order) throw notFound('id', `There is no order ${orderId}.`);
    if (order.userId !== userId.toLowerCase()) throw forbidden('Only the user who placed an order may cancel it.', 'id');
    const cancelled = await releaseOrder(tx, orderId, { from: ['PENDING', 'CONFIRMED'], reason: 'CUSTOMER', cause });
    if (!cancelled) throw appError('CONFLICT', 'This order is already cancelled.', { field: 'id' });
    return cancelled;
  });
}

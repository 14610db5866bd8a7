import { appendToOutbox, appError, forbidden, notFound, type EventCause } from '@supergraph/common';
import type { Order } from './__generated__/prisma/client.ts';
import type { OrdersDb } from './db.ts';
import { orderCancelled } from './orderEvents.ts';
import { changeStock, lockProducts } from './stock.ts';

/** Cancels one of `userId`'s orders, puts its items back in stock and writes `order.cancelled`, in one transaction. */
export function cancelOrder(db: OrdersDb, userId: string, orderId: string, cause: EventCause): Promise<Order> {
  return db.$transaction(async (tx) => {
    const order = await tx.order.findUnique({ where: { id: orderId } });
    if (!order) throw notFound('id', `There is no order ${orderId}.`);
    if (order.userId !== userId.toLowerCase()) throw forbidden('Only the user who placed an order may cancel it.', 'id');
    // The status condition settles two concurrent cancellations: the second
    // waits for the first's row lock, then matches nothing.
    const { count } = await tx.order.updateMany({ where: { id: orderId, status: 'PLACED' }, data: { status: 'CANCELLED' } });
    if (count === 0) throw appError('CONFLICT', 'This order is already cancelled.', { field: 'id' });
    const items = await tx.orderItem.findMany({ where: { orderId } });
    await lockProducts(tx, items.map((item) => item.productId));
    await changeStock(tx, items.map((item) => ({ productId: item.productId, delta: item.quantity })));
    const cancelled = await tx.order.findUniqueOrThrow({ where: { id: orderId } });
    await appendToOutbox(tx, cause, orderCancelled(cancelled));
    return cancelled;
  });
}

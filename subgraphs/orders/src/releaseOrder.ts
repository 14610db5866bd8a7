import { appendToOutbox, type EventCause } from '@supergraph/common';
import type { Order, OrderCancelReason, OrderStatus } from './__generated__/prisma/client.ts';
import type { OrdersTx } from './db.ts';
import { orderCancelled } from './orderEvents.ts';
import { changeStock, lockProducts } from './stock.ts';

/**
 * Cancels an order that is still in one of `from`, puts its items back in
 * stock and writes `order.cancelled`, inside the caller's transaction: the
 * one way every cancellation (the customer, a declined payment, the saga's
 * timeout) releases stock. The status condition settles a race with any
 * other transition of the order: the loser waits for the winner's row lock,
 * then matches nothing and gets null, with nothing released twice.
 */
export async function releaseOrder(
  tx: OrdersTx,
  orderId: string,
  { from, reason, cause }: { from: OrderStatus[]; reason: OrderCancelReason; cause: EventCause },
): Promise<Order | null> {
  const [before] = await tx.$queryRaw<{ status: OrderStatus }[]>`SELECT "status" FROM "Order" WHERE "id" = ${orderId}::uuid FOR UPDATE`;
  if (!before || !from.includes(before.status)) return null;
  const cancelled = await tx.order.update({ where: { id: orderId }, data: { status: 'CANCELLED', cancelReason: reason } });
  const items = await tx.orderItem.findMany({ where: { orderId } });
  await lockProducts(tx, items.map((item) => item.productId));
  await changeStock(tx, items.map((item) => ({ productId: item.productId, delta: item.quantity })));
  await appendToOutbox(tx, cause, orderCancelled({ ...cancelled, cancelReason: reason }, before.status === 'CONFIRMED'));
  return cancelled;
}

import { createEvent, type EventEnvelope } from '@supergraph/common';

/** Order events as the orders subgraph's outbox would publish them, about an order of `userId`'s. */
export function orderEvent(type: 'order.placed' | 'order.cancelled', orderId: string, userId: string, data: Record<string, unknown> = {}): EventEnvelope {
  return createEvent(
    { type, aggregateType: 'Order', aggregateId: orderId, aggregateVersion: type === 'order.placed' ? 1 : 2, data: { orderId, userId, ...data }, ownerId: userId },
    { actorId: userId, correlationId: 'test' },
  );
}

export const orderPlaced = (orderId: string, userId: string, paymentMethod: string, totalCents = 1234) =>
  orderEvent('order.placed', orderId, userId, { totalCents, paymentMethod, items: [] });

export const orderCancelled = (orderId: string, userId: string) => orderEvent('order.cancelled', orderId, userId, { reason: 'CUSTOMER' });

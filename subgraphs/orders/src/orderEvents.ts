import type { NewEvent } from '@supergraph/common';
import type { OrderModel } from './__generated__/prisma/models.ts';
import type { OrderLine } from './placeOrderInput.ts';

// The events the orders subgraph writes to its outbox; `data` follows
// common/src/events/eventCatalogue.ts. An order changes once at most
// (placed, then maybe cancelled), so its versions are fixed: 1 and 2.

export const orderPlaced = (order: OrderModel, items: OrderLine[]): NewEvent => ({
  type: 'order.placed',
  aggregateId: order.id,
  aggregateVersion: 1,
  data: {
    orderId: order.id,
    userId: order.userId,
    totalCents: order.totalCents,
    items: items.map(({ productId, quantity }) => ({ productId, quantity })),
  },
});

export const orderCancelled = (order: OrderModel): NewEvent => ({
  type: 'order.cancelled',
  aggregateId: order.id,
  aggregateVersion: 2,
  data: { orderId: order.id, userId: order.userId },
});

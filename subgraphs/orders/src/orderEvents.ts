import { defineEvent } from '@supergraph/common';
import { z } from 'zod';
import type { OrderModel } from './__generated__/prisma/models.ts';
import type { OrderLine } from './placeOrderInput.ts';

// The events the orders subgraph writes to its outbox: each contract, then
// the builder that fills it. An order changes once at most (placed, then
// maybe cancelled), so its versions are fixed: 1 and 2. Subscriptions read
// these payloads by path; `supergraph check` reports a change that breaks one.

const orderId = z.guid().describe('the order');
const userId = z.guid().describe('the customer who placed it');

export const orderPlacedEvent = defineEvent({
  type: 'order.placed',
  aggregateType: 'Order',
  owner: 'userId',
  description: 'A customer placed an order; its stock is reserved.',
  data: z.object({
    orderId,
    userId,
    totalCents: z.number().int().nonnegative().describe('the total at the prices of the moment'),
    items: z
      .array(z.object({ productId: z.guid().describe('the product'), quantity: z.number().int().positive().describe('how many') }))
      .describe('what was ordered, in the order given'),
  }),
});

export const orderCancelledEvent = defineEvent({
  type: 'order.cancelled',
  aggregateType: 'Order',
  owner: 'userId',
  description: 'An order was cancelled; its stock is back.',
  data: z.object({ orderId, userId }),
});

export const orderPlaced = (order: OrderModel, items: OrderLine[]) =>
  orderPlacedEvent.build({
    aggregateId: order.id,
    aggregateVersion: 1,
    data: {
      orderId: order.id,
      userId: order.userId,
      totalCents: order.totalCents,
      items: items.map(({ productId, quantity }) => ({ productId, quantity })),
    },
  });

export const orderCancelled = (order: OrderModel) =>
  orderCancelledEvent.build({ aggregateId: order.id, aggregateVersion: 2, data: { orderId: order.id, userId: order.userId } });

import { defineEvent } from '@supergraph/common';
import { z } from 'zod';
import type { OrderModel } from './__generated__/prisma/models.ts';
import type { OrderLine } from './placeOrderInput.ts';

// The events the orders subgraph writes to its outbox: each contract, then
// the builder that fills it. An order goes placed (1), then confirmed (2),
// then maybe cancelled (3); or placed, then cancelled (2): each version
// follows from the status the transition left. Subscriptions read these
// payloads by path; `supergraph check` reports a change that breaks one.

const orderId = z.guid().describe('the order');
const userId = z.guid().describe('the customer who placed it');

export const orderPlacedEvent = defineEvent({
  type: 'order.placed',
  aggregateType: 'Order',
  owner: 'userId',
  description: 'A customer placed an order; its stock is reserved and it is PENDING until the payments subgraph authorizes its total.',
  data: z.object({
    orderId,
    userId,
    totalCents: z.number().int().nonnegative().describe('the total at the prices of the moment'),
    paymentMethod: z.string().describe('the payment method token to authorize the total on'),
    items: z
      .array(z.object({ productId: z.guid().describe('the product'), quantity: z.number().int().positive().describe('how many') }))
      .describe('what was ordered, in the order given'),
  }),
});

export const orderConfirmedEvent = defineEvent({
  type: 'order.confirmed',
  aggregateType: 'Order',
  owner: 'userId',
  description: "An order's payment was authorized: the order is CONFIRMED.",
  data: z.object({ orderId, userId }),
});

export const orderCancelledEvent = defineEvent({
  type: 'order.cancelled',
  aggregateType: 'Order',
  owner: 'userId',
  description: 'An order was cancelled; its stock is back, and payments gives back any authorized payment.',
  data: z.object({
    orderId,
    userId,
    reason: z.enum(['CUSTOMER', 'PAYMENT_DECLINED', 'PAYMENT_TIMEOUT']).describe('who or what cancelled it'),
  }),
});

export const orderPlaced = (order: OrderModel, items: OrderLine[]) =>
  orderPlacedEvent.build({
    aggregateId: order.id,
    aggregateVersion: 1,
    data: {
      orderId: order.id,
      userId: order.userId,
      totalCents: order.totalCents,
      paymentMethod: order.paymentMethod,
      items: items.map(({ productId, quantity }) => ({ productId, quantity })),
    },
  });

export const orderConfirmed = (order: OrderModel) =>
  orderConfirmedEvent.build({ aggregateId: order.id, aggregateVersion: 2, data: { orderId: order.id, userId: order.userId } });

/** `wasConfirmed`: the order was CONFIRMED before (version 3), not PENDING (version 2). */
export const orderCancelled = (order: OrderModel & { cancelReason: NonNullable<OrderModel['cancelReason']> }, wasConfirmed: boolean) =>
  orderCancelledEvent.build({
    aggregateId: order.id,
    aggregateVersion: wasConfirmed ? 3 : 2,
    data: { orderId: order.id, userId: order.userId, reason: order.cancelReason },
  });

import { defineEvent } from '@supergraph/common';
import { z } from 'zod';
import type { PaymentModel } from './__generated__/prisma/models.ts';

// The events the payments subgraph writes to its outbox: each contract, then
// the builder that fills it. A payment is decided once (authorized or
// declined: version 1) and released at most once (refunded or voided:
// version 2); one whose order was cancelled while the provider answered is
// voided as it is decided (`payment.voided` alone, version 1). The orders
// saga reads `payment.authorized` and `payment.declined`.

const paymentId = z.guid().describe('the payment');
const orderId = z.guid().describe('the order it pays for');
const userId = z.guid().describe('the customer who placed the order');
const amountCents = z.number().int().nonnegative().describe("the order's total");

export const paymentAuthorizedEvent = defineEvent({
  type: 'payment.authorized',
  aggregateType: 'Payment',
  owner: 'userId',
  description: "An order's payment was authorized by the provider; the order is confirmed next.",
  data: z.object({ paymentId, orderId, userId, amountCents }),
});

export const paymentDeclinedEvent = defineEvent({
  type: 'payment.declined',
  aggregateType: 'Payment',
  owner: 'userId',
  description: "The provider declined an order's payment; the order is cancelled next and its stock released.",
  data: z.object({
    paymentId,
    orderId,
    userId,
    amountCents,
    reason: z.enum(['CARD_DECLINED', 'INSUFFICIENT_FUNDS']).describe('why the provider declined it'),
  }),
});

export const paymentRefundedEvent = defineEvent({
  type: 'payment.refunded',
  aggregateType: 'Payment',
  owner: 'userId',
  description: 'An authorized payment was given back because its order was cancelled (by the customer, or after a late authorization).',
  data: z.object({ paymentId, orderId, userId, amountCents }),
});

export const paymentVoidedEvent = defineEvent({
  type: 'payment.voided',
  aggregateType: 'Payment',
  owner: 'userId',
  description: 'A payment the provider never answered, or answered only after its order was cancelled, was voided: nothing is charged.',
  data: z.object({ paymentId, orderId, userId, amountCents }),
});

const facts = (payment: PaymentModel) => ({ paymentId: payment.id, orderId: payment.orderId, userId: payment.userId, amountCents: payment.amountCents });

export const paymentAuthorized = (payment: PaymentModel) =>
  paymentAuthorizedEvent.build({ aggregateId: payment.id, aggregateVersion: 1, data: facts(payment) });

export const paymentDeclined = (payment: PaymentModel & { declineReason: NonNullable<PaymentModel['declineReason']> }) =>
  paymentDeclinedEvent.build({ aggregateId: payment.id, aggregateVersion: 1, data: { ...facts(payment), reason: payment.declineReason } });

export const paymentRefunded = (payment: PaymentModel) =>
  paymentRefundedEvent.build({ aggregateId: payment.id, aggregateVersion: 2, data: facts(payment) });

/** Version 2 after the payment's decision; 1 when it is voided as it is decided. */
export const paymentVoided = (payment: PaymentModel, aggregateVersion: 1 | 2 = 2) =>
  paymentVoidedEvent.build({ aggregateId: payment.id, aggregateVersion, data: facts(payment) });

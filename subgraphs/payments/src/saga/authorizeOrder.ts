import { appendToOutbox, claimEvent, readEventData, type EventEnvelope, type NewEvent } from '@supergraph/common';
import type { PaymentStatus } from '../__generated__/prisma/enums.ts';
import type { Authorization, DeclineReason } from '../provider/paymentProvider.ts';
import { paymentAuthorized, paymentDeclined, paymentVoided } from '../paymentEvents.ts';
import { orderPlacedData } from './orderEventData.ts';
import { lockOrder, type SagaStep } from './sagaStep.ts';

type Answer = Authorization | { outcome: 'timeout' };

/**
 * Takes `order.placed` in: asks the provider to authorize the order's total,
 * then records the payment and its event (`payment.authorized` or
 * `payment.declined`) in one transaction with the event's inbox row.
 *
 * The provider is asked before the transaction, never inside it (a slow
 * provider must not hold a database connection); it is idempotent by the
 * order id, so when a crash comes between its answer and the commit, the
 * redelivered event asks again and gets the same authorization: nothing is
 * charged twice. An answer that does not come within PAYMENTS_PROVIDER_TIMEOUT_MS
 * is recorded as TIMED_OUT with no event: the orders saga times the order
 * out and cancels it, and `order.cancelled` then voids the payment. When the
 * order was cancelled while the provider answered, the payment is given
 * back at once and recorded VOIDED, with `payment.voided` (version 1: the
 * payment has no other event).
 */
export async function authorizeOrder(step: SagaStep, event: EventEnvelope): Promise<void> {
  const order = readEventData(orderPlacedData, event);
  const { db } = step;
  // A redelivery, or an order already paid for or cancelled: nothing to ask the provider.
  const [received, payment, cancelled] = await Promise.all([
    db.receivedEvent.findUnique({ where: { id: event.id } }),
    db.payment.findUnique({ where: { orderId: order.orderId } }),
    db.cancelledOrder.findUnique({ where: { orderId: order.orderId } }),
  ]);
  if (received || payment || cancelled) {
    await db.receivedEvent.createMany({ data: [{ id: event.id }], skipDuplicates: true });
    return;
  }

  const answer = await ask(step, { idempotencyKey: order.orderId, amountCents: order.totalCents, method: order.paymentMethod });
  const committed = await db.$transaction(async (tx) => {
    if (!(await claimEvent(tx, event.id))) return false;
    await lockOrder(tx, order.orderId);
    if (await tx.payment.findUnique({ where: { orderId: order.orderId } })) return false;
    const cancelledMeanwhile = await tx.cancelledOrder.findUnique({ where: { orderId: order.orderId } });
    if (cancelledMeanwhile && answer.outcome !== 'declined') {
      // The order was cancelled while the provider answered (another payments
      // process took `order.cancelled` in): give the authorization back now,
      // or void the one it never answered by its key, as `releasePayment` does.
      const reference = answer.outcome === 'authorized' ? answer.reference : null;
      await step.provider.release({ idempotencyKey: order.orderId, reference, amountCents: order.totalCents }, AbortSignal.timeout(step.providerTimeoutMs));
    }
    const created = await tx.payment.create({
      data: {
        orderId: order.orderId,
        userId: order.userId,
        amountCents: order.totalCents,
        method: order.paymentMethod,
        ...outcomeOf(answer, Boolean(cancelledMeanwhile)),
      },
    });
    const events = eventsFor(created);
    if (events.length) await appendToOutbox(tx, { actorId: event.actorId, correlationId: event.correlationId, causationId: event.id }, ...events);
    step.logger.info({ orderId: order.orderId, status: created.status }, 'payment decided');
    return true;
  });
  if (committed) step.afterAuthorize?.();
}

/** The provider's answer, or `timeout` when it gave none in time; other failures throw (the message is retried). */
async function ask(step: SagaStep, request: { idempotencyKey: string; amountCents: number; method: string }): Promise<Answer> {
  const signal = AbortSignal.timeout(step.providerTimeoutMs);
  try {
    return await step.provider.authorize(request, signal);
  } catch (error) {
    if (signal.aborted) return { outcome: 'timeout' };
    throw error;
  }
}

function outcomeOf(answer: Answer, cancelled: boolean): { status: PaymentStatus; declineReason?: DeclineReason; providerReference?: string } {
  switch (answer.outcome) {
    case 'authorized':
      return { status: cancelled ? 'VOIDED' : 'AUTHORIZED', providerReference: answer.reference };
    case 'declined':
      return { status: 'DECLINED', declineReason: answer.reason };
    case 'timeout':
      return { status: cancelled ? 'VOIDED' : 'TIMED_OUT' };
  }
}

function eventsFor(payment: Parameters<typeof paymentAuthorized>[0]): NewEvent[] {
  if (payment.status === 'AUTHORIZED') return [paymentAuthorized(payment)];
  if (payment.status === 'DECLINED' && payment.declineReason) return [paymentDeclined({ ...payment, declineReason: payment.declineReason })];
  // Voided as it is decided: its order was cancelled meanwhile. Its one and only event.
  if (payment.status === 'VOIDED') return [paymentVoided(payment, 1)];
  return [];
}

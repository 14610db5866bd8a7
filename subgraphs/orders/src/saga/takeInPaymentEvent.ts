import { appendToOutbox, claimEvent, readEventData, type EventEnvelope, type Logger } from '@supergraph/common';
import type { OrdersDb } from '../db.ts';
import { orderConfirmed } from '../orderEvents.ts';
import { releaseOrder } from '../releaseOrder.ts';
import { paymentOutcomeData } from './paymentEventData.ts';

/** The payment events the orders saga reads: the routing keys its queue is bound with. */
export const PAYMENT_EVENT_TYPES = ['payment.authorized', 'payment.declined'];

export interface PaymentIntake {
  db: OrdersDb;
  logger: Logger;
  /** Runs before a payment event's transaction (the crash test hook, ORDERS_CRASH_BEFORE=confirm). */
  beforeTakeIn?: () => void;
}

/**
 * Takes a payment's outcome in: `payment.authorized` confirms a PENDING
 * order (`order.confirmed`), `payment.declined` cancels it with its stock
 * released (`order.cancelled`, reason PAYMENT_DECLINED). Its inbox row is
 * written in the same transaction, so a redelivery changes nothing. An order
 * that is no longer PENDING (the timeout or its customer cancelled it
 * first) is left alone: payments refunds an authorization for a cancelled
 * order when it reads that order's `order.cancelled`.
 */
export async function takeInPaymentEvent(intake: PaymentIntake, event: EventEnvelope): Promise<void> {
  if (!PAYMENT_EVENT_TYPES.includes(event.type)) return;
  const { orderId } = readEventData(paymentOutcomeData, event);
  intake.beforeTakeIn?.();
  const cause = { actorId: event.actorId, correlationId: event.correlationId, causationId: event.id };
  await intake.db.$transaction(async (tx) => {
    if (!(await claimEvent(tx, event.id))) return;
    if (event.type === 'payment.declined') {
      const cancelled = await releaseOrder(tx, orderId, { from: ['PENDING'], reason: 'PAYMENT_DECLINED', cause });
      intake.logger.info({ orderId, applied: Boolean(cancelled) }, 'payment declined: order cancelled');
      return;
    }
    // The status condition loses cleanly to a cancellation that came first.
    const { count } = await tx.order.updateMany({ where: { id: orderId, status: 'PENDING' }, data: { status: 'CONFIRMED' } });
    if (count === 1) await appendToOutbox(tx, cause, orderConfirmed(await tx.order.findUniqueOrThrow({ where: { id: orderId } })));
    intake.logger.info({ orderId, applied: count === 1 }, 'payment authorized: order confirmed');
  });
}

import { appendToOutbox, claimEvent, readEventData, type EventEnvelope } from '@supergraph/common';
import { paymentRefunded, paymentVoided } from '../paymentEvents.ts';
import { orderCancelledData } from './orderEventData.ts';
import { lockOrder, type SagaStep } from './sagaStep.ts';

/**
 * Takes `order.cancelled` in: whatever cancelled the order (its customer,
 * a declined payment, the saga's timeout), nobody is charged for it. An
 * authorized payment is given back (`payment.refunded`), one the provider
 * never answered is voided (`payment.voided`), and the order is remembered
 * as cancelled so a late or redelivered `order.placed` is never authorized.
 *
 * The provider is called inside the transaction, under the order's lock:
 * release is idempotent by the order id, so a rollback or a crash after it
 * only repeats it, and a concurrent authorization cannot slip in between.
 */
export async function releasePayment(step: SagaStep, event: EventEnvelope): Promise<void> {
  const { orderId } = readEventData(orderCancelledData, event);
  await step.db.$transaction(async (tx) => {
    if (!(await claimEvent(tx, event.id))) return;
    await lockOrder(tx, orderId);
    await tx.cancelledOrder.createMany({ data: [{ orderId }], skipDuplicates: true });
    const payment = await tx.payment.findUnique({ where: { orderId } });
    if (!payment || (payment.status !== 'AUTHORIZED' && payment.status !== 'TIMED_OUT')) return;
    await step.provider.release(
      { idempotencyKey: orderId, reference: payment.providerReference, amountCents: payment.amountCents },
      AbortSignal.timeout(step.providerTimeoutMs),
    );
    const released = await tx.payment.update({ where: { id: payment.id }, data: { status: payment.status === 'AUTHORIZED' ? 'REFUNDED' : 'VOIDED' } });
    const cause = { actorId: event.actorId, correlationId: event.correlationId, causationId: event.id };
    await appendToOutbox(tx, cause, released.status === 'REFUNDED' ? paymentRefunded(released) : paymentVoided(released));
    step.logger.info({ orderId, status: released.status }, 'payment released');
  });
}

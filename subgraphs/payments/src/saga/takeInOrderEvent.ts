import type { EventEnvelope } from '@supergraph/common';
import { authorizeOrder } from './authorizeOrder.ts';
import { releasePayment } from './releasePayment.ts';
import type { SagaStep } from './sagaStep.ts';

/** The order events the payments saga step reads: the routing keys its queue is bound with. */
export const ORDER_EVENT_TYPES = ['order.placed', 'order.cancelled'];

/** Takes one order event in, idempotently by its id; any other type is acknowledged and ignored. */
export async function takeInOrderEvent(step: SagaStep, event: EventEnvelope): Promise<void> {
  if (event.type === 'order.placed') await authorizeOrder(step, event);
  else if (event.type === 'order.cancelled') await releasePayment(step, event);
}

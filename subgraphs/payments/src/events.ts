import { paymentAuthorizedEvent, paymentDeclinedEvent, paymentRefundedEvent, paymentVoidedEvent } from './paymentEvents.ts';

/**
 * Every event type the payments subgraph publishes. supergraph.yaml points
 * the supergraph tooling here (`events: { file }`).
 */
export const events = [paymentAuthorizedEvent, paymentDeclinedEvent, paymentRefundedEvent, paymentVoidedEvent];

import { orderCancelledEvent, orderConfirmedEvent, orderPlacedEvent } from './orderEvents.ts';

/**
 * Every event type the orders subgraph publishes. supergraph.yaml points the
 * supergraph tooling here (`events: { file }`): docs/events.md is generated
 * from this list and `supergraph check` checks subscriptions against it.
 */
export const events = [orderPlacedEvent, orderConfirmedEvent, orderCancelledEvent];

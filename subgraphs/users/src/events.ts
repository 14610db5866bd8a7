import { userRegisteredEvent } from './userEvents.ts';

/**
 * Every event type the users subgraph publishes. supergraph.yaml points the
 * supergraph tooling here (`events: { file }`): docs/events.md is generated
 * from this list and `supergraph check` checks subscriptions against it.
 */
export const events = [userRegisteredEvent];

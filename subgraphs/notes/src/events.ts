import { noteCreatedEvent, noteDeletedEvent, noteTaggedEvent, noteUpdatedEvent } from './noteEvents.ts';

/**
 * Every event type the notes subgraph publishes. supergraph.yaml points the
 * supergraph tooling here (`events: { file }`): docs/events.md is generated
 * from this list and `supergraph check` checks subscriptions against it.
 */
export const events = [noteCreatedEvent, noteUpdatedEvent, noteDeletedEvent, noteTaggedEvent];

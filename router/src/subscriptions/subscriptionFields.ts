import type { EventEnvelope, Viewer } from '@supergraph/common';

type Args = Record<string, unknown>;

export interface SubscriptionField {
  /** Events that feed this field. */
  events: string[];
  /** Whether an event concerns this subscription (arguments, viewer). */
  matches: (event: EventEnvelope, args: Args, viewer: Viewer) => boolean;
  /** Query root field that looks the event's entity up by `id`, through the supergraph. */
  lookup?: string;
  /** For events whose entity is gone: the payload, built from the event alone. */
  payload?: (event: EventEnvelope) => Record<string, unknown>;
  /** Sign-in required to subscribe. */
  requiresViewer?: boolean;
  /** Query that must succeed for the viewer before they may subscribe with these arguments. */
  authorize?: (args: Args) => { query: string; variables: Args } | null;
}

const isAdmin = (viewer: Viewer) => viewer?.role === 'ADMIN';

/**
 * How each Subscription field of the supergraph is fed. Entities are
 * resolved through the gateway's query plan, so a subscriber may select any
 * field of any subgraph; the subgraphs' own authorization applies because
 * the lookup runs with the subscriber's token.
 */
export const subscriptionFields: Record<string, SubscriptionField> = {
  noteCreated: {
    events: ['note.created'],
    lookup: 'note',
    matches: (event, args) => args.authorId == null || event.data.authorId === args.authorId,
  },
  noteUpdated: {
    events: ['note.updated', 'note.tagged'],
    lookup: 'note',
    matches: (event, args) => event.aggregateId === args.id,
  },
  noteDeleted: {
    events: ['note.deleted'],
    payload: (event) => ({ id: event.aggregateId }),
    matches: (event, args) => event.aggregateId === args.id,
  },
  orderUpdated: {
    events: ['order.placed', 'order.cancelled'],
    lookup: 'order',
    requiresViewer: true,
    matches: (event, args, viewer) =>
      (isAdmin(viewer) || event.data.userId === viewer?.userId) && (args.id == null || event.aggregateId === args.id),
    // No one subscribes to another user's order: the orders subgraph decides, as for `order(id)`.
    authorize: (args) => (args.id == null ? null : { query: 'query($id: ID!) { order(id: $id) { id } }', variables: { id: args.id } }),
  },
  userRegistered: {
    events: ['user.registered'],
    lookup: 'user',
    matches: () => true,
  },
};

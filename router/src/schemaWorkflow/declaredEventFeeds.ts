import type { GraphQLField } from 'graphql';
import { LinkedDirectives } from '../supergraph/linkedDirectives.ts';

/** The identity of the events spec subgraphs link to declare subscription feeds: `https://specs.supergraph.dev/events/v0.1`. */
export const EVENTS_SPEC = 'https://specs.supergraph.dev/events';

/** One envelope path a feed reads, and the `@fromEvents` entry it comes from. */
export interface FeedRead {
  /** `match` or `payload`. */
  argument: 'match' | 'payload';
  /** The entry as written, e.g. `authorId=data.authorId`. */
  entry: string;
  /** The dotted envelope path it reads, e.g. `data.authorId`. */
  path: string;
}

/** A Subscription field fed by events, as `@fromEvents` declares it. */
export interface DeclaredEventFeed {
  /** `Subscription.<field>`. */
  coordinate: string;
  field: GraphQLField<unknown, unknown>;
  /** The event types that feed it. */
  types: string[];
  /** Every envelope path its `match` and `payload` entries read. */
  reads: FeedRead[];
}

/**
 * The Subscription fields of a composed supergraph that declare
 * `@fromEvents`, found by the spec's identity (a subgraph may import the
 * directive under another name) and listed in schema order.
 */
export function declaredEventFeeds(supergraphSdl: string): DeclaredEventFeed[] {
  const linked = new LinkedDirectives(supergraphSdl);
  const subscription = linked.schema.getSubscriptionType();
  if (!subscription) return [];
  return Object.values(subscription.getFields()).flatMap((field) =>
    linked.applied(field, EVENTS_SPEC, 'fromEvents').map((applied) => ({
      coordinate: `${subscription.name}.${field.name}`,
      field,
      types: (applied.types as string[] | undefined) ?? [],
      reads: [...readsOf('match', applied.match), ...readsOf('payload', applied.payload)],
    })),
  );
}

// `arg=path` (match) and `field=path` (payload) both read the envelope at
// the right-hand side. A local reading of the entries, until the router's
// own parser of @fromEvents (router/src/subscriptions/eventFeeds.ts) lands.
function readsOf(argument: FeedRead['argument'], entries: unknown): FeedRead[] {
  return ((entries as string[] | undefined) ?? []).map((entry) => ({
    argument,
    entry,
    path: entry.slice(entry.indexOf('=') + 1).trim(),
  }));
}

import type { GraphQLField } from 'graphql';
import { eventFeedsOf } from '../subscriptions/eventFeeds.ts';
import { LinkedDirectives } from '../supergraph/linkedDirectives.ts';

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
 * The Subscription fields of a composed supergraph and their `@fromEvents`
 * feeds, as the router reads them (composition refuses a field without
 * one), listed in schema order.
 */
export function declaredEventFeeds(supergraphSdl: string): DeclaredEventFeed[] {
  const linked = new LinkedDirectives(supergraphSdl);
  const subscription = linked.schema.getSubscriptionType();
  if (!subscription) return [];
  const feeds = eventFeedsOf(linked);
  return Object.values(subscription.getFields()).flatMap((field) => {
    const feed = feeds.of(field.name);
    if (!feed) return [];
    const reads: FeedRead[] = [
      ...feed.match.map(({ argument, path }) => ({ argument: 'match' as const, entry: `${argument}=${path.join('.')}`, path: path.join('.') })),
      ...(feed.payload ?? []).map(({ field: name, path }) => ({ argument: 'payload' as const, entry: `${name}=${path.join('.')}`, path: path.join('.') })),
    ];
    return [{ coordinate: `${subscription.name}.${field.name}`, field, types: [...feed.types], reads }];
  });
}

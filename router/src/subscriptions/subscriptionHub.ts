import { FixedBuffer, Repeater } from '@repeaterjs/repeater';
import { GraphQLError, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { appError, contextFromCarrier, withSpan, type EventEnvelope, type Logger } from '@supergraph/common';
import { InFlight } from '../inFlight.ts';
import type { EventSource } from './eventSource.ts';
import { EventsExpiredError } from './eventsExpiredError.ts';
import { feedMatches, type EventFeed } from './eventFeeds.ts';

/** What a result says of the event it answers, under `extensions.event`. */
export function eventSummary({ id, type, aggregateVersion, occurredAt }: EventEnvelope) {
  return { id, type, aggregateVersion, occurredAt };
}

/** Results a subscriber may fall behind by before it is ended. */
export const SUBSCRIBER_BUFFER = 256;

/** One distinct subscription: same document, variables and viewer. */
export interface SubscriptionSpec {
  /** Identifies the group: document + variables + the token events are looked up with. */
  key: string;
  feed: EventFeed;
  args: Record<string, unknown>;
  /**
   * Produces the result for one event, or null when the group may not see
   * it; called once per event per group, whatever the group's size.
   */
  resolve: (event: EventEnvelope) => Promise<ExecutionResult | null>;
  /** Errors of the subscription's document against a new schema; empty when it still holds. */
  revalidate: (schema: GraphQLSchema) => readonly GraphQLError[];
}

/** The id of the event a result answers (`extensions.event.id`). */
const eventIdOf = (result: ExecutionResult) => (result.extensions?.event as { id?: string } | undefined)?.id;

/**
 * Sends one live result to a subscriber straight away, outside its stream
 * (graphql-ws sockets: one serialization per result for the whole group,
 * no per-subscriber promise per event). Returns false when the subscriber
 * is too far behind to take it: the hub then ends that subscription.
 */
export type Delivery = (result: ExecutionResult) => boolean;

/** The last result of a subscriber that fell too far behind; it resumes from the last event id it received. */
export const fellBehind = (): ExecutionResult => ({
  errors: [appError('SERVICE_UNAVAILABLE', 'This subscription fell too far behind; reconnect and resume from your last event id.')],
});

interface Sink {
  push: (result: ExecutionResult) => void;
  /** Ends the subscription after a final result. */
  end: (result: ExecutionResult) => void;
}

interface Group {
  spec: SubscriptionSpec;
  sinks: Set<Sink>;
  /** Keeps a group's deliveries in event order. */
  tail: Promise<void>;
  /** The group's lookups under way, at most RESOLVING_AHEAD. */
  resolving: number;
  /** Lookups waiting for one under way to finish, first come first started. */
  waiting: (() => void)[];
}

/**
 * Lookups one group may have under way at once: a burst of events is looked
 * up so many at a time per group, not all at once (the subgraphs take one
 * request per event per group); the events past it start as lookups finish.
 */
const RESOLVING_AHEAD = 32;

/**
 * Fans events out to subscribers. Subscribers with the same document,
 * variables and token share a group; an event is resolved once per
 * matching group and the result is pushed to every member, so the work per
 * event grows with distinct subscriptions, not with subscribers.
 */
export class SubscriptionHub {
  private readonly groups = new Map<string, Group>();
  /** Per event type: the one event-source subscription, and the groups it feeds. */
  private readonly byType = new Map<string, { unsubscribe: Promise<() => void>; groups: Set<Group> }>();
  private readonly inFlight = new InFlight();
  /** Resolutions performed so far (one per event per matching group). */
  resolutions = 0;
  private closed = false;

  constructor(
    private readonly source: EventSource,
    private readonly logger: Logger,
    /** Told of each live event once its result is pushed to a group's subscribers (the delivery lag metric). */
    private readonly onDelivered: (event: EventEnvelope) => void = () => {},
  ) {}

  /**
   * A stream of results for one subscriber; ends when the subscriber returns.
   * With `resumeAfter` (the last event id a reconnecting client received),
   * the events it missed come first, resolved for it alone, in order, then
   * the live ones, none twice; when they are no longer all kept, the stream
   * ends with EVENTS_EXPIRED so the client refetches. With `delivery`, the
   * results go out through it as they come, in the same order, and the
   * stream yields only a subscription's final result (an error that ends
   * it); every member of a group is handed the same result object.
   */
  subscribe(spec: SubscriptionSpec, resumeAfter?: string, delivery?: Delivery): AsyncIterableIterator<ExecutionResult> {
    return new Repeater<ExecutionResult>(async (push, stop) => {
      const group = this.join(spec);
      // Live results wait while the missed ones are replayed.
      const held: ExecutionResult[] | null = resumeAfter ? [] : null;
      let replaying = held !== null;
      // After its final result (through the stream), a subscriber is sent nothing more.
      let ended = false;
      const end = (result: ExecutionResult) => {
        if (ended) return;
        ended = true;
        replaying = false;
        push(result).finally(() => stop());
      };
      // With a delivery, results are sent by it and the stream carries only a final one; without, every result
      // goes through the stream. Either way a subscriber that cannot keep up is ended rather than allowed to hold
      // back the other members of its group.
      const send = delivery
        ? (result: ExecutionResult) => {
            if (!ended && !delivery(result)) end(fellBehind());
          }
        : (result: ExecutionResult) => void push(result).catch((error: unknown) => stop(error));
      const sink: Sink = {
        push: (result) => {
          if (replaying) held!.push(result);
          else send(result);
        },
        end,
      };
      group.sinks.add(sink);
      let stopped = false;
      void stop.then(() => (stopped = true));
      if (resumeAfter) {
        // Replayed results take the live results' way, so that the ones sent before them are not overtaken.
        const sendInOrder = delivery ? async (result: ExecutionResult) => send(result) : push;
        try {
          // A subscriber gone (or a hub closing) stops its replay: no lookups for nobody.
          const replayed = await this.replay(spec, resumeAfter, sendInOrder, () => stopped || ended || this.closed);
          // Whatever arrived live meanwhile and was not in the history, in order.
          while (replaying && held!.length) {
            const result = held!.shift()!;
            if (!replayed.has(eventIdOf(result) ?? '')) await sendInOrder(result);
          }
        } catch (error) {
          if (error instanceof EventsExpiredError) await push({ errors: [appError('EVENTS_EXPIRED', error.message)] });
          else {
            this.logger.error({ err: error, resumeAfter }, 'could not replay missed events');
            await push({ errors: [appError('SERVICE_UNAVAILABLE', 'The missed events could not be read; subscribe again with the same id.')] });
          }
          ended = true;
          stop();
        }
        replaying = false;
      }
      await stop;
      group.sinks.delete(sink);
      if (group.sinks.size === 0) this.leave(group);
    }, new FixedBuffer(SUBSCRIBER_BUFFER));
  }

  /** Pushes the results of the events after `resumeAfter` that concern this subscriber; returns every replayed event's id. */
  private async replay(spec: SubscriptionSpec, resumeAfter: string, push: (result: ExecutionResult) => Promise<unknown>, gone: () => boolean): Promise<Set<string>> {
    // Listening before reading: an event is then in the history read, or arrives live after it, or both.
    await Promise.all(spec.feed.types.map((type) => this.byType.get(type)?.unsubscribe));
    const missed = await this.source.history(spec.feed.types, resumeAfter);
    const replayed = new Set<string>();
    for (const event of missed) {
      if (gone()) break;
      replayed.add(event.id);
      if (!feedMatches(spec.feed, event, spec.args)) continue;
      const result = await this.resolve(spec, event);
      if (result) await push(result);
    }
    return replayed;
  }

  get subscriberCount(): number {
    let count = 0;
    for (const group of this.groups.values()) count += group.sinks.size;
    return count;
  }

  /** Stops listening for events, then lets the events being resolved reach their subscribers (at most `graceMs`). */
  async close(graceMs: number): Promise<void> {
    this.closed = true;
    for (const { unsubscribe } of this.byType.values()) (await unsubscribe)();
    this.byType.clear();
    await this.inFlight.settled(graceMs);
    this.groups.clear();
  }

  private join(spec: SubscriptionSpec): Group {
    let group = this.groups.get(spec.key);
    if (!group) {
      group = { spec, sinks: new Set(), tail: Promise.resolve(), resolving: 0, waiting: [] };
      this.groups.set(spec.key, group);
      for (const type of spec.feed.types) this.listen(type).add(group);
    }
    return group;
  }

  private leave(group: Group): void {
    this.groups.delete(group.spec.key);
    for (const type of group.spec.feed.types) {
      const entry = this.byType.get(type);
      entry?.groups.delete(group);
      if (entry && entry.groups.size === 0) {
        void entry.unsubscribe.then((unsubscribe) => unsubscribe());
        this.byType.delete(type);
      }
    }
  }

  /** One event-source subscription per event type per router, shared by every group. */
  private listen(type: string): Set<Group> {
    let entry = this.byType.get(type);
    if (!entry) {
      entry = { unsubscribe: this.source.subscribe(type, (event) => this.dispatch(event)), groups: new Set() };
      this.byType.set(type, entry);
    }
    return entry.groups;
  }

  /**
   * Only the groups fed by this event's type are looked at. An event is
   * resolved as soon as it comes, while the ones before it may still be
   * resolving, and delivered after them: a group's results stay in event
   * order, and a router that falls behind has several events' results to
   * send at once rather than one lookup's round trip between each two.
   * Past RESOLVING_AHEAD lookups under way, an event is looked up as soon
   * as one of them finishes.
   */
  private dispatch(event: EventEnvelope): void {
    for (const group of this.byType.get(event.type)?.groups ?? []) {
      if (!feedMatches(group.spec.feed, event, group.spec.args)) continue;
      const resolved = this.lookUp(group, event);
      group.tail = this.inFlight.track(group.tail.then(async () => this.deliver(group, event, await resolved)));
    }
  }

  private lookUp(group: Group, event: EventEnvelope): Promise<ExecutionResult | null> {
    if (group.resolving < RESOLVING_AHEAD) return this.resolveFor(group, event);
    return new Promise((resolve) => group.waiting.push(() => resolve(this.resolveFor(group, event))));
  }

  private async resolveFor(group: Group, event: EventEnvelope): Promise<ExecutionResult | null> {
    // Its last subscriber may have left while the lookup waited: no lookup for nobody.
    if (group.sinks.size === 0) {
      group.waiting.shift()?.();
      return null;
    }
    group.resolving++;
    try {
      return await this.resolve(group.spec, event, group.sinks.size);
    } finally {
      group.resolving--;
      group.waiting.shift()?.();
    }
  }

  private deliver(group: Group, event: EventEnvelope, result: ExecutionResult | null): void {
    if (!result) return;
    for (const sink of group.sinks) sink.push(result);
    this.onDelivered(event);
  }

  /**
   * One event's result for a subscription; a failure becomes an error
   * result, so the stream goes on. With tracing on, the resolution is a span
   * in the event's own trace (the one its envelope carries from the
   * mutation), and the gateway's planning and subgraph fetches nest under it.
   */
  private async resolve(spec: SubscriptionSpec, event: EventEnvelope, subscribers = 1): Promise<ExecutionResult | null> {
    this.resolutions++;
    try {
      return await withSpan(
        'router',
        `resolve subscription ${event.type}`,
        {
          parent: contextFromCarrier(event),
          attributes: { 'messaging.message.id': event.id, 'messaging.destination.name': event.type, 'supergraph.subscribers': subscribers },
        },
        () => spec.resolve(event),
      );
    } catch (error) {
      // The subscribers hear of the event they missed, and the stream goes on.
      this.logger.error({ err: error, eventId: event.id }, 'could not resolve a subscription event');
      return {
        errors: [new GraphQLError('This event could not be resolved.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })],
        extensions: { event: eventSummary(event) },
      };
    }
  }

  /**
   * After the supergraph changed: subscriptions whose document still
   * validates carry on; the others end with the validation errors, so a
   * client learns why instead of waiting for events that cannot come.
   */
  revalidate(schema: GraphQLSchema): number {
    let ended = 0;
    for (const group of [...this.groups.values()]) {
      const errors = group.spec.revalidate(schema);
      if (errors.length === 0) continue;
      const result: ExecutionResult = {
        // A validation error has no code of its own; a refusal (a rule the new supergraph added) keeps its code.
        errors: errors.map((error) =>
          error.extensions?.code
            ? new GraphQLError(`The supergraph changed and this subscription is no longer allowed: ${error.message}`, { path: error.path, extensions: error.extensions })
            : new GraphQLError(`The supergraph changed and this subscription no longer validates: ${error.message}`, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
        ),
      };
      for (const sink of [...group.sinks]) {
        sink.end(result);
        ended++;
      }
    }
    return ended;
  }

  /** Resolves once every event dispatched so far has been resolved and pushed (or skipped); tests assert on what did not arrive after it. */
  async settled(timeoutMs = 10_000): Promise<boolean> {
    return this.inFlight.settled(timeoutMs);
  }

  /** Resolves once every subscription of this router is listening (tests wait on it instead of sleeping). */
  async ready(): Promise<void> {
    await Promise.all([...this.byType.values()].map(({ unsubscribe }) => unsubscribe));
  }
}

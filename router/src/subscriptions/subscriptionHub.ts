import { FixedBuffer, Repeater } from '@repeaterjs/repeater';
import { GraphQLError, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { EventEnvelope, Logger, Viewer } from '@supergraph/common';
import { InFlight } from '../inFlight.ts';
import type { EventSource } from './eventSource.ts';
import type { SubscriptionField } from './subscriptionFields.ts';

/** What a result says of the event it answers, under `extensions.event`. */
export function eventSummary({ id, type, aggregateVersion, occurredAt }: EventEnvelope) {
  return { id, type, aggregateVersion, occurredAt };
}

/** Results a subscriber may fall behind by before it is ended. */
const SUBSCRIBER_BUFFER = 256;

/** One distinct subscription: same document, variables and viewer. */
export interface SubscriptionSpec {
  /** Identifies the group: document + variables + the token events are looked up with. */
  key: string;
  field: SubscriptionField;
  args: Record<string, unknown>;
  viewer: Viewer;
  /**
   * Produces the result for one event, or null when the group may not see
   * it; called once per event per group, whatever the group's size.
   */
  resolve: (event: EventEnvelope) => Promise<ExecutionResult | null>;
  /** Errors of the subscription's document against a new schema; empty when it still holds. */
  revalidate: (schema: GraphQLSchema) => readonly GraphQLError[];
}

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
}

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

  constructor(
    private readonly source: EventSource,
    private readonly logger: Logger,
  ) {}

  /** A stream of results for one subscriber; ends when the subscriber returns. */
  subscribe(spec: SubscriptionSpec): AsyncIterableIterator<ExecutionResult> {
    return new Repeater<ExecutionResult>(async (push, stop) => {
      const group = this.join(spec);
      // A subscriber that cannot keep up is ended rather than allowed to hold
      // back the other members of its group.
      const sink: Sink = {
        push: (result) => {
          push(result).catch((error: unknown) => stop(error));
        },
        end: (result) => {
          push(result).finally(() => stop());
        },
      };
      group.sinks.add(sink);
      await stop;
      group.sinks.delete(sink);
      if (group.sinks.size === 0) this.leave(group);
    }, new FixedBuffer(SUBSCRIBER_BUFFER));
  }

  get subscriberCount(): number {
    let count = 0;
    for (const group of this.groups.values()) count += group.sinks.size;
    return count;
  }

  /** Stops listening for events, then lets the events being resolved reach their subscribers (at most `graceMs`). */
  async close(graceMs: number): Promise<void> {
    for (const { unsubscribe } of this.byType.values()) (await unsubscribe)();
    this.byType.clear();
    await this.inFlight.settled(graceMs);
    this.groups.clear();
  }

  private join(spec: SubscriptionSpec): Group {
    let group = this.groups.get(spec.key);
    if (!group) {
      group = { spec, sinks: new Set(), tail: Promise.resolve() };
      this.groups.set(spec.key, group);
      for (const type of spec.field.events) this.listen(type).add(group);
    }
    return group;
  }

  private leave(group: Group): void {
    this.groups.delete(group.spec.key);
    for (const type of group.spec.field.events) {
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

  /** Only the groups fed by this event's type are looked at. */
  private dispatch(event: EventEnvelope): void {
    for (const group of this.byType.get(event.type)?.groups ?? []) {
      const { spec } = group;
      if (!spec.field.matches(event, spec.args, spec.viewer)) continue;
      group.tail = this.inFlight.track(group.tail.then(() => this.deliver(group, event)));
    }
  }

  private async deliver(group: Group, event: EventEnvelope): Promise<void> {
    if (group.sinks.size === 0) return;
    this.resolutions++;
    let result: ExecutionResult | null;
    try {
      result = await group.spec.resolve(event);
    } catch (error) {
      // The subscribers hear of the event they missed, and the stream goes on.
      this.logger.error({ err: error, eventId: event.id }, 'could not resolve a subscription event');
      result = {
        errors: [new GraphQLError('This event could not be resolved.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })],
        extensions: { event: eventSummary(event) },
      };
    }
    if (result) for (const sink of group.sinks) sink.push(result);
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

  /** Resolves once every subscription of this router is listening (tests wait on it instead of sleeping). */
  async ready(): Promise<void> {
    await Promise.all([...this.byType.values()].map(({ unsubscribe }) => unsubscribe));
  }
}

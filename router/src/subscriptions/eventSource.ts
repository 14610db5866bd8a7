import type { PubSubEngine } from 'graphql-subscriptions';
import { eventEnvelopeSchema, type EventEnvelope, type Logger } from '@supergraph/common';
import { EventsExpiredError } from './eventsExpiredError.ts';

/** Where a router hears domain events: Redis in the full stack, in process under `npm start`. */
export interface EventSource {
  /** Calls `onEvent` with each event of the type from now on, in order, once each; resolves to the unsubscribe. */
  subscribe(type: string, onEvent: (event: EventEnvelope) => void): Promise<() => void>;
  /**
   * The events of `types` after the event `afterEventId`, in the order they
   * happened (across types), for a client resuming a subscription. Throws
   * `EventsExpiredError` when that event is unknown or events after it are
   * no longer kept.
   */
  history(types: readonly string[], afterEventId: string): Promise<EventEnvelope[]>;
  close(): Promise<void>;
}

/**
 * An event source over any `graphql-subscriptions` engine carrying bare
 * envelopes (tests publish to an in-memory PubSub this way). Channels are
 * event types; a message that is not a valid envelope is logged and dropped
 * here, so one bad publisher cannot break every subscriber. It keeps no
 * history, so every resume is expired.
 */
export function pubSubEventSource(
  engine: PubSubEngine,
  logger: Logger,
  options: { channelPrefix?: string; close?: () => Promise<void> } = {},
): EventSource {
  const { channelPrefix = '', close = async () => {} } = options;
  return {
    async subscribe(type, onEvent) {
      const id = await engine.subscribe(
        `${channelPrefix}${type}`,
        (message: unknown) => {
          const parsed = eventEnvelopeSchema.safeParse(message);
          if (parsed.success) onEvent(parsed.data);
          else logger.warn({ type, issues: parsed.error.issues }, 'dropped a malformed event');
        },
        {},
      );
      return () => engine.unsubscribe(id);
    },
    async history(_types, afterEventId) {
      throw new EventsExpiredError(afterEventId, 'this event source keeps no history');
    },
    close,
  };
}

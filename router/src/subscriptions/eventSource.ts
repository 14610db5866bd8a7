import type { PubSubEngine } from 'graphql-subscriptions';
import { eventEnvelopeSchema, type EventEnvelope, type Logger } from '@supergraph/common';

/** Where a router hears domain events: Redis in the full stack, in process under `npm start`. */
export interface EventSource {
  subscribe(type: string, onEvent: (event: EventEnvelope) => void): Promise<() => void>;
  close(): Promise<void>;
}

/**
 * An event source over any `graphql-subscriptions` engine (RedisPubSub or
 * the in-memory PubSub). Channels are event types; a message that is not a
 * valid envelope is logged and dropped here, so one bad publisher cannot
 * break every subscriber.
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
    close,
  };
}

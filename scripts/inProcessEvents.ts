import { PubSub } from 'graphql-subscriptions';
import { createMemoryEventSink, forwardEvent } from '@supergraph/bridge';
import type { EventPublisher, Logger } from '@supergraph/common';
import { pubSubEventSource, type EventSource } from '@supergraph/router';

/**
 * The event path of `npm start`, in one process: the relays publish to the
 * bridge's own forwarding core (same validation and dedupe by event id),
 * which hands events to an in-memory pub/sub the router listens to. Only
 * the transports differ from RabbitMQ and Redis.
 */
export function createInProcessEvents(logger: Logger): { publisher: EventPublisher; eventSource: EventSource } {
  const pubsub = new PubSub();
  // PubSub delivers synchronously; subscription resolution then runs on its
  // own, so publish() never waits on queries against the relay's database.
  const sink = createMemoryEventSink({ publish: (event) => void pubsub.publish(event.type, event) });
  return {
    publisher: {
      async publish(events) {
        for (const event of events) {
          const outcome = await forwardEvent(JSON.stringify(event), sink);
          if (outcome.status === 'malformed' || outcome.status === 'undeliverable') {
            logger.error({ outcome }, 'an outbox event could not be delivered in process');
          }
        }
      },
      close: async () => {},
    },
    eventSource: pubSubEventSource(pubsub, logger),
  };
}

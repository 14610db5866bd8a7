import { PubSub } from 'graphql-subscriptions';
import { createMemoryEventSink, forwardEvent } from '@supergraph/bridge';
import { MemoryEventHistory, type EventPublisher, type Logger } from '@supergraph/common';
import { memoryEventSource, type EventSource } from '@supergraph/router';

/**
 * The event path of `npm start`, in one process: the relays publish to the
 * bridge's own forwarding core (same validation and dedupe by event id),
 * which appends events to an in-memory history (the same retention and
 * positions as the Redis streams) and hands them to an in-memory pub/sub
 * the router listens to. Only the transports differ from RabbitMQ and Redis.
 */
export function createInProcessEvents(logger: Logger): { publisher: EventPublisher; eventSource: EventSource } {
  const pubsub = new PubSub();
  const history = new MemoryEventHistory();
  // PubSub delivers synchronously; subscription resolution then runs on its
  // own, so publish() never waits on queries against the relay's database.
  const sink = createMemoryEventSink({ history, publish: (positioned) => void pubsub.publish(positioned.event.type, positioned) });
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
    eventSource: memoryEventSource(pubsub, history, logger),
  };
}

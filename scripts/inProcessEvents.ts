import { PubSub } from 'graphql-subscriptions';
import { createMemoryEventSink, forwardEvent } from '@supergraph/bridge';
import { MemoryEventHistory, type EventEnvelope, type EventPublisher, type Logger } from '@supergraph/common';
import { memoryEventSource, type EventSource } from '@supergraph/router';

export interface InProcessEvents {
  publisher: EventPublisher;
  eventSource: EventSource;
  /**
   * Adds a consumer of every event, as a durable queue of its own on the
   * exchange would be (the webhooks worker's intake). It must be idempotent
   * by event id: when it fails, the relay publishes the batch again.
   */
  addConsumer(consume: (event: EventEnvelope) => Promise<unknown>): void;
}

/**
 * The event path of `npm start`, in one process: the relays publish to the
 * bridge's own forwarding core (same validation and dedupe by event id),
 * which appends events to an in-memory history (the same retention and
 * positions as the Redis streams) and hands them to an in-memory pub/sub
 * the router listens to, and to every other consumer. Only the transports
 * differ from RabbitMQ and Redis.
 */
export function createInProcessEvents(logger: Logger): InProcessEvents {
  const pubsub = new PubSub();
  const history = new MemoryEventHistory();
  const consumers: ((event: EventEnvelope) => Promise<unknown>)[] = [];
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
            continue;
          }
          // A consumer that fails fails the publish: the relay sends the batch again, and the
          // sink drops what it already has while the consumer gets its second chance.
          for (const consume of consumers) await consume(outcome.event);
        }
      },
      close: async () => {},
    },
    eventSource: memoryEventSource(pubsub, history, logger),
    addConsumer: (consume) => void consumers.push(consume),
  };
}

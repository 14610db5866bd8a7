import { setTimeout as sleep } from 'node:timers/promises';
import { PubSub } from 'graphql-subscriptions';
import { createMemoryEventSink, forwardEvent } from '@supergraph/bridge';
import { MalformedEventError, MemoryEventHistory, type EventEnvelope, type EventPublisher, type Logger } from '@supergraph/common';
import { memoryEventSource, type EventSource } from '@supergraph/router';

/** Pause before an in-process consumer is handed an event it failed on again. */
const RETRY_DELAY_MS = 1_000;

export interface InProcessEvents {
  publisher: EventPublisher;
  eventSource: EventSource;
  /**
   * Hands events of `types` (every event when null) to `takeIn`, as a consumer's own durable queue
   * would under RabbitMQ: one at a time, in publish order, retried until
   * taken in (`takeIn` is idempotent by event id). Publishing never waits
   * for it, so a slow saga step never holds a relay's batch open.
   */
  consume(name: string, types: string[] | null, takeIn: (event: EventEnvelope) => Promise<unknown>): void;
}

/**
 * The event path of `npm start`, in one process: the relays publish to the
 * bridge's own forwarding core (same validation and dedupe by event id),
 * which appends events to an in-memory history (the same retention and
 * positions as the Redis streams) and hands them to an in-memory pub/sub
 * the router listens to, and to the other consumers (saga steps, webhooks). Only the transports
 * differ from RabbitMQ and Redis; what a consumer had not taken in when the
 * process stops is not redelivered (the orders saga's timeout then cancels
 * the orders it concerned).
 */
export function createInProcessEvents(logger: Logger): InProcessEvents {
  const pubsub = new PubSub();
  const history = new MemoryEventHistory();
  const consumers: { name: string; types: Set<string> | null; takeIn: (event: EventEnvelope) => Promise<unknown>; queue: Promise<void> }[] = [];
  // PubSub delivers synchronously; subscription resolution then runs on its
  // own, so publish() never waits on queries against the relay's database.
  const sink = createMemoryEventSink({
    history,
    publish: (positioned) => {
      void pubsub.publish(positioned.event.type, positioned);
      for (const consumer of consumers) {
        if (!consumer.types || consumer.types.has(positioned.event.type)) consumer.queue = consumer.queue.then(() => deliver(consumer, positioned.event));
      }
    },
  });

  async function deliver(consumer: (typeof consumers)[number], event: EventEnvelope): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await consumer.takeIn(event);
        return;
      } catch (err) {
        if (err instanceof MalformedEventError) {
          logger.error({ err, consumer: consumer.name }, 'an in-process consumer cannot read an event; dropped');
          return;
        }
        if (attempt === 1) logger.warn({ err, consumer: consumer.name, eventId: event.id }, 'an in-process consumer failed on an event; retrying');
        await sleep(RETRY_DELAY_MS);
      }
    }
  }

  return {
    publisher: {
      async publish(events) {
        for (const event of events) {
          const outcome = await forwardEvent(JSON.stringify(event), sink);
          if (outcome.status === 'malformed' || outcome.status === 'undeliverable') {
            logger.error({ outcome }, 'an outbox event could not be delivered in process');
            continue;
          }
        }
      },
      close: async () => {},
    },
    eventSource: memoryEventSource(pubsub, history, logger),
    consume(name, types, takeIn) {
      consumers.push({ name, types: types && new Set(types), takeIn, queue: Promise.resolve() });
    },
  };
}

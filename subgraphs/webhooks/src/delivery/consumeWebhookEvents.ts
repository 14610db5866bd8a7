import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { parseEvent, type EventEnvelope, type Logger } from '@supergraph/common';

export interface WebhookEventConsumerOptions {
  url: string;
  exchange: string;
  /** Durable queue of its own, bound with `#`; unreadable messages go to `<queue>.dead`. */
  queue: string;
  /** Takes an event in; resolves once it is durably recorded (then it is acked). Must be idempotent by event id. */
  takeIn: (event: EventEnvelope) => Promise<unknown>;
  logger: Logger;
}

export interface WebhookEventConsumer {
  isConsuming(): boolean;
  stop(): Promise<void>;
}

/** Unacknowledged messages in hand; they are taken in one at a time. */
const PREFETCH = 20;
/** Pause before a message whose intake failed (the database is away) goes back to the queue. */
const REQUEUE_DELAY_MS = 1_000;

/**
 * The delivery worker's intake: a durable queue of its own on the events
 * exchange, consumed with manual acks. A message is acked only after its
 * event and deliveries are committed, so a crash before that leaves it in
 * the queue; intake is idempotent by event id, so a redelivery creates
 * nothing twice. A message that is not an event is dead-lettered by the
 * broker (rejected without requeue; the queue names `<queue>.dead`).
 * amqp-connection-manager reconnects and re-runs the setup on its own.
 */
export function consumeWebhookEvents(options: WebhookEventConsumerOptions): WebhookEventConsumer {
  const { exchange, queue, logger } = options;
  const deadLetters = `${queue}.dead`;
  const stopping = new AbortController();
  let consumerTag: string | undefined;
  let channel: ConfirmChannel | undefined;
  let inHand: Promise<void> = Promise.resolve();

  const manager = connect([options.url], { heartbeatIntervalInSeconds: 5, reconnectTimeInSeconds: 1, connectionOptions: { timeout: 5_000 } });
  manager.on('disconnect', ({ err }) => {
    if (!stopping.signal.aborted) logger.warn({ err }, 'webhooks: lost the RabbitMQ connection, reconnecting');
  });
  const wrapper = manager.createChannel({
    name: 'webhooks',
    setup: async (next: ConfirmChannel) => {
      channel = next;
      next.on('close', () => {
        if (channel === next) consumerTag = undefined;
      });
      await next.assertExchange(exchange, 'topic', { durable: true });
      await next.assertExchange(deadLetters, 'fanout', { durable: true });
      await next.assertQueue(deadLetters, { durable: true });
      await next.bindQueue(deadLetters, deadLetters, '');
      await next.assertQueue(queue, { durable: true, deadLetterExchange: deadLetters });
      await next.bindQueue(queue, exchange, '#');
      await next.prefetch(PREFETCH);
      ({ consumerTag } = await next.consume(queue, (message) => {
        if (message) inHand = inHand.then(() => handle(next, message));
      }));
    },
  });
  wrapper.on('error', (err: Error) => logger.error({ err, queue }, 'webhooks: RabbitMQ channel setup failed'));

  async function handle(from: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    if (stopping.signal.aborted) return;
    let event: EventEnvelope;
    try {
      event = parseEvent(message.content);
    } catch (error) {
      logger.warn({ reason: (error as Error).message, routingKey: message.fields.routingKey }, 'webhooks: not an event, dead-lettered');
      return settle(() => from.nack(message, false, false));
    }
    try {
      await options.takeIn(event);
      settle(() => from.ack(message));
    } catch (err) {
      logger.warn({ err, eventId: event.id }, 'webhooks: could not take an event in, requeueing it');
      await sleep(REQUEUE_DELAY_MS, undefined, { signal: stopping.signal }).catch(() => {});
      settle(() => from.nack(message, false, true));
    }
  }

  return {
    isConsuming: () => manager.isConnected() && consumerTag !== undefined,
    async stop() {
      if (stopping.signal.aborted) return;
      stopping.abort();
      if (channel && consumerTag) await channel.cancel(consumerTag).catch(() => {});
      await inHand;
      await wrapper.close().catch(() => {});
      await manager.close();
    },
  };
}

/** A channel that closed meanwhile has put the message back in the queue already. */
function settle(step: () => void): void {
  try {
    step();
  } catch {
    // Nothing to do: the broker requeues what a closed channel held.
  }
}

import { EventEmitter, once } from 'node:events';
import { connect } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import type { Logger } from '../logger.ts';
import { EVENTS_EXCHANGE } from './eventsExchange.ts';
import type { EventEnvelope } from './eventEnvelope.ts';
import type { EventPublisher } from './eventPublisher.ts';

export interface RabbitPublisherOptions {
  /** The broker, e.g. `amqp://guest:guest@127.0.0.1:5672`. */
  url: string;
  logger: Logger;
  /**
   * How long `publish` waits for a connection and for the broker's confirms
   * before it rejects, so the relay rolls back and retries. @default 5000
   */
  publishTimeoutMs?: number;
  /** Pause between reconnection attempts, in ms. @default 1000 */
  reconnectDelayMs?: number;
  /** The durable topic exchange events go to; tests pass one of their own. @default EVENTS_EXCHANGE */
  exchange?: string;
}

/**
 * An `EventPublisher` for RabbitMQ. amqp-connection-manager keeps the
 * connection up (reconnecting on its own) and re-runs the channel setup,
 * which declares the exchange, on every new channel.
 *
 * Events are published on the raw confirm channel rather than through the
 * manager's `ChannelWrapper.publish`: the wrapper re-queues unconfirmed
 * messages behind later ones when a connection drops and sends them after
 * the reconnect, so a batch could reach the broker out of order and still
 * resolve. Here a batch goes out on one channel, in order, and any failure
 * (channel closed, nack, timeout) rejects it whole, for the relay to
 * republish from the database.
 */
export function createRabbitPublisher(options: RabbitPublisherOptions): EventPublisher {
  const { url, logger } = options;
  const publishTimeoutMs = positive(options.publishTimeoutMs ?? 5000, 'publishTimeoutMs');
  const reconnectDelayMs = positive(options.reconnectDelayMs ?? 1000, 'reconnectDelayMs');
  const exchange = options.exchange ?? EVENTS_EXCHANGE;

  const manager = connect([url], {
    heartbeatIntervalInSeconds: 5,
    reconnectTimeInSeconds: reconnectDelayMs / 1000,
    // Bounds the TCP connect and the AMQP handshake: a broker that accepts
    // connections but never answers must not stall reconnection forever.
    connectionOptions: { timeout: publishTimeoutMs },
  });
  // Only the first failure of a series is worth a warning; the rest repeat it every reconnect delay.
  let failedAttempts = 0;
  manager.on('connect', () => {
    failedAttempts = 0;
    logger.info({ exchange }, 'connected to RabbitMQ');
  });
  manager.on('disconnect', ({ err }) => logger.warn({ err }, 'lost the RabbitMQ connection, reconnecting'));
  manager.on('connectFailed', ({ err }) => {
    if (failedAttempts++ === 0) logger.warn({ err }, 'cannot reach RabbitMQ, retrying');
  });

  let channel: ConfirmChannel | undefined;
  const channelReady = new EventEmitter();
  // Ids of events the broker returned as unroutable (no queue bound yet).
  const returned = new Set<string>();
  const wrapper = manager.createChannel({
    name: 'outbox',
    confirm: true,
    setup: async (next: ConfirmChannel) => {
      // A channel error (e.g. a nack storm or a failed declare) is followed by
      // `close`, which is handled below; without a listener it would throw.
      next.on('error', (err: Error) => logger.warn({ err }, 'RabbitMQ channel error'));
      next.on('close', () => {
        if (channel === next) channel = undefined;
      });
      // RabbitMQ sends basic.return before the confirm of the same message.
      next.on('return', (message: { properties: { messageId?: string } }) => {
        if (message.properties.messageId) returned.add(message.properties.messageId);
      });
      await next.assertExchange(exchange, 'topic', { durable: true });
      channel = next;
      channelReady.emit('ready');
    },
  });
  wrapper.on('error', (err: Error) => logger.error({ err, exchange }, 'RabbitMQ channel setup failed'));

  let closed = false;

  /** The current channel, waiting for a (re)connection until the deadline. */
  async function channelBefore(deadline: number): Promise<ConfirmChannel> {
    while (!channel) {
      if (closed) throw new Error('The RabbitMQ publisher is closed.');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`RabbitMQ was unreachable for ${publishTimeoutMs} ms.`);
      await once(channelReady, 'ready', { signal: AbortSignal.timeout(left) }).catch(() => {});
    }
    return channel;
  }

  return {
    async publish(events: EventEnvelope[]) {
      if (closed) throw new Error('The RabbitMQ publisher is closed.');
      if (events.length === 0) return;
      const deadline = Date.now() + publishTimeoutMs;
      const target = await channelBefore(deadline);
      // Messages published on one channel are routed in publish order. amqplib
      // buffers past its high-water mark, so a whole batch is written at once.
      const confirms = events.map(
        (event) =>
          new Promise<void>((resolve, reject) => {
            target.publish(exchange, event.type, Buffer.from(JSON.stringify(event)), messageProperties(event), (err) =>
              err ? reject(err) : resolve(),
            );
          }),
      );
      await withDeadline(Promise.all(confirms), deadline, `RabbitMQ did not confirm ${events.length} events within ${publishTimeoutMs} ms.`);
      // A confirmed but unroutable message is dropped by the broker: with no
      // queue bound yet (the bridge has never run) the batch fails, and the
      // relay keeps the events in the outbox until a queue exists.
      const unroutable = events.filter((event) => returned.delete(event.id));
      if (unroutable.length) {
        throw new Error(`No queue is bound to ${exchange} for ${unroutable.map((event) => event.type).join(', ')}; is the bridge running?`);
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      await wrapper.close();
      await manager.close();
    },
  };
}

/** AMQP properties a consumer can route, dedupe and trace by without parsing the body. */
function messageProperties(event: EventEnvelope) {
  return {
    persistent: true,
    mandatory: true,
    contentType: 'application/json',
    messageId: event.id,
    type: event.type,
    // AMQP timestamps are whole seconds since the epoch; the body keeps the milliseconds.
    timestamp: Math.floor(Date.parse(event.occurredAt) / 1000),
    ...(event.correlationId ? { correlationId: event.correlationId } : {}),
  };
}

async function withDeadline<T>(work: Promise<T>, deadline: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(`createRabbitPublisher: ${name} must be a positive number of milliseconds, but got ${String(value)}.`);
  }
  return value;
}

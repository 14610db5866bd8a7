import { connect } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Logger } from '@supergraph/common';
import type { BridgeMetrics } from './bridgeMetrics.ts';
import { declareTopology, type BridgeTopology } from './bridgeTopology.ts';
import { deadLetterOptions } from './deadLetter.ts';
import type { EventSink } from './eventSink.ts';
import { forwardEvent, type ForwardOutcome } from './forwardEvent.ts';

export interface EventConsumerOptions {
  url: string;
  topology: BridgeTopology;
  prefetch: number;
  maxAttempts: number;
  sink: EventSink;
  metrics: BridgeMetrics;
  logger: Logger;
}

export interface EventConsumer {
  /** Whether a channel is consuming the queue right now. */
  isConsuming(): boolean;
  /** Stops taking messages, lets the one in hand finish (or abandons its retries), then disconnects. */
  stop(): Promise<void>;
}

/** Pause between reconnection attempts, and before recovering a channel the broker closed. */
const RECONNECT_DELAY_MS = 1_000;
/** Bounds the TCP connect and AMQP handshake, so a broker that accepts but never answers cannot stall reconnection. */
const CONNECT_TIMEOUT_MS = 5_000;

/** One channel's consumption: deliveries are acked on the channel they came from, never on a later one. */
interface Consumption {
  channel: ConfirmChannel;
  consumerTag?: string;
  /** Aborted when the channel closes: its unacked deliveries go back to the queue, so work on them stops. */
  lost: AbortController;
}

/**
 * Consumes the bridge queue and forwards each message to the sink, acking it
 * only once the sink accepted it (or it was a duplicate, or it is safely in
 * the dead-letter queue). amqp-connection-manager reconnects on its own and
 * re-runs the channel setup, which declares the topology and consumes again.
 *
 * Messages are handled one at a time, in delivery order: while one waits for
 * Redis to come back, later ones wait behind it instead of overtaking it (the
 * relays publish each aggregate's events in order), and the prefetch bounds
 * how many wait unacknowledged.
 */
export function consumeEvents(options: EventConsumerOptions): EventConsumer {
  const { url, topology, prefetch, maxAttempts, sink, metrics, logger } = options;
  const stopping = new AbortController();
  let current: Consumption | undefined;
  let recoveryTimer: NodeJS.Timeout | undefined;
  let inHand: Promise<void> = Promise.resolve();

  const manager = connect([url], {
    heartbeatIntervalInSeconds: 5,
    reconnectTimeInSeconds: RECONNECT_DELAY_MS / 1000,
    connectionOptions: { timeout: CONNECT_TIMEOUT_MS },
  });
  // Only the first failure of a series is worth a warning; the rest repeat it every reconnect delay.
  let failedAttempts = 0;
  manager.on('connect', () => {
    failedAttempts = 0;
    logger.info({ queue: topology.queue }, 'connected to RabbitMQ');
  });
  manager.on('disconnect', ({ err }) => {
    if (!stopping.signal.aborted) logger.warn({ err }, 'lost the RabbitMQ connection, reconnecting');
  });
  manager.on('connectFailed', ({ err }) => {
    if (failedAttempts++ === 0) logger.warn({ err }, 'cannot reach RabbitMQ, retrying');
  });

  const wrapper = manager.createChannel({
    name: 'bridge',
    confirm: true,
    setup: async (channel: ConfirmChannel) => {
      const consumption: Consumption = { channel, lost: new AbortController() };
      current = consumption;
      // A channel error is followed by `close`, handled below; without a listener it would throw.
      channel.on('error', (err: Error) => logger.warn({ err }, 'RabbitMQ channel error'));
      channel.once('close', () => onChannelClosed(consumption));
      await declareTopology(channel, topology);
      await channel.prefetch(prefetch);
      const { consumerTag } = await channel.consume(
        topology.queue,
        (message) => {
          if (message) {
            inHand = inHand.then(() => handle(consumption, message));
            return;
          }
          // The broker cancelled the consumer (the queue was deleted): a new channel declares it again.
          consumption.consumerTag = undefined;
          recoverLater();
        },
        { noAck: false },
      );
      consumption.consumerTag = consumerTag;
    },
  });
  wrapper.on('error', (err: Error) => logger.error({ err, queue: topology.queue }, 'RabbitMQ channel setup failed'));

  function onChannelClosed(consumption: Consumption) {
    consumption.lost.abort(new Error('RabbitMQ channel closed'));
    if (current === consumption) current = undefined;
    recoverLater();
  }

  /**
   * The manager opens a new channel only with a new connection. When the
   * broker closed just the channel (a failed declaration, a cancelled
   * consumer), force a reconnect, after a pause so a lasting fault cannot
   * spin; if the connection itself went down, the manager is already on it.
   */
  function recoverLater() {
    if (stopping.signal.aborted || recoveryTimer) return;
    const connection = manager.connection;
    recoveryTimer = setTimeout(() => {
      recoveryTimer = undefined;
      // A new connection brings a new channel and consumer of its own.
      const sameConnection = connection !== undefined && manager.connection === connection;
      if (stopping.signal.aborted || !sameConnection || current?.consumerTag) return;
      logger.warn({ queue: topology.queue }, 'RabbitMQ stopped the consumer or its channel, reconnecting');
      manager.reconnect();
    }, RECONNECT_DELAY_MS);
  }

  async function handle(consumption: Consumption, message: ConsumeMessage): Promise<void> {
    const signal = AbortSignal.any([stopping.signal, consumption.lost.signal]);
    // The channel is gone: the broker has put this message back for the next one.
    if (signal.aborted) return;
    try {
      const outcome = await forwardEvent(message.content, sink, {
        maxAttempts,
        signal,
        onRetry: (err, attempt, delayMs) => {
          metrics.retries.inc();
          logger.warn({ err, attempt, delayMs, messageId: message.properties.messageId }, 'publishing to Redis failed, retrying');
        },
      });
      await settle(outcome, message, signal);
      consumption.channel.ack(message);
    } catch (err) {
      // Not acked, so never lost: stopping or a lost channel puts it back in
      // the queue by themselves, and dedupe keeps a second delivery single.
      if (signal.aborted) return;
      // Anything else (the dead-letter publish failed) would leave it unacked
      // on a live channel, holding a prefetch slot forever: hand it back.
      logger.error({ err, messageId: message.properties.messageId }, 'could not handle a message, requeueing it');
      try {
        consumption.channel.nack(message, false, true);
      } catch {
        // The channel closed meanwhile, which requeues the message too.
      }
    }
  }

  async function settle(outcome: ForwardOutcome, message: ConsumeMessage, signal: AbortSignal): Promise<void> {
    switch (outcome.status) {
      case 'delivered':
        metrics.delivered.inc();
        logger.debug({ id: outcome.event.id, type: outcome.event.type }, 'event delivered');
        return;
      case 'duplicate':
        metrics.duplicates.inc();
        logger.debug({ id: outcome.event.id, type: outcome.event.type }, 'duplicate event dropped');
        return;
      case 'malformed':
      case 'undeliverable': {
        // Through the wrapper's confirm channel: the original is acked only
        // after the broker has the copy, so a poison message is never lost.
        const published = wrapper.publish(
          topology.deadLetterExchange,
          message.fields.routingKey,
          message.content,
          deadLetterOptions(message, outcome.reason),
        );
        await untilAborted(published, signal);
        metrics.deadLettered.inc({ reason: outcome.status });
        logger.warn(
          { reason: outcome.reason, routingKey: message.fields.routingKey, deadLetterQueue: topology.deadLetterQueue },
          'message dead-lettered',
        );
      }
    }
  }

  return {
    isConsuming: () => manager.isConnected() && current?.consumerTag !== undefined,

    async stop() {
      if (stopping.signal.aborted) return;
      stopping.abort(new Error('bridge stopping'));
      clearTimeout(recoveryTimer);
      const consumption = current;
      if (consumption?.consumerTag) await consumption.channel.cancel(consumption.consumerTag).catch(() => {});
      await inHand;
      await wrapper.close().catch(() => {});
      await manager.close();
    },
  };
}

/** Settles with `work`, or rejects as soon as the signal aborts; a late rejection of `work` is then ignored. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

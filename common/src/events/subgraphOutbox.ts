import type { Logger } from '../logger.ts';
import type { EventPublisher } from './eventPublisher.ts';
import type { OutboxConfig } from './outboxConfig.ts';
import { startOutboxRelay, type OutboxRelay } from './outboxRelay.ts';
import { createRabbitPublisher } from './rabbitPublisher.ts';

/** How a subgraph's events leave its outbox, when its caller decides rather than the environment. */
export interface SubgraphEvents {
  /**
   * Publishes the outbox instead of RabbitMQ (`npm start` passes its
   * in-process bus). The caller owns it: the subgraph's `stop()` stops the
   * relay but never closes this publisher.
   */
  publisher?: EventPublisher;
}

export interface SubgraphOutbox {
  /** The running relay, or null when events stay in the outbox. */
  relay: OutboxRelay | null;
  /** Stops the relay (finishing its batch in flight) and closes a publisher the subgraph created itself. */
  stop: () => Promise<void>;
}

export interface SubgraphOutboxOptions {
  name: string;
  config: OutboxConfig;
  databaseUrl: string;
  logger: Logger;
  events?: SubgraphEvents;
}

/**
 * Picks where a subgraph's outbox goes: an injected publisher first, then
 * RabbitMQ when `AMQP_URL` is set, otherwise nowhere (the events wait in the
 * table for a later start with a publisher, so none is lost).
 */
export function startSubgraphOutbox({ name, config, databaseUrl, logger, events }: SubgraphOutboxOptions): SubgraphOutbox {
  const relayOptions = {
    databaseUrl,
    logger,
    name,
    listen: config.OUTBOX_LISTEN,
    pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
  };
  if (events?.publisher) {
    const relay = startOutboxRelay({ ...relayOptions, publisher: events.publisher });
    return { relay, stop: () => relay.stop() };
  }
  if (config.AMQP_URL) {
    const publisher = createRabbitPublisher({ url: config.AMQP_URL, exchange: config.AMQP_EXCHANGE, logger });
    const relay = startOutboxRelay({ ...relayOptions, publisher });
    return {
      relay,
      stop: async () => {
        await relay.stop();
        await publisher.close();
      },
    };
  }
  logger.info(`${name}: no AMQP_URL and no publisher given, so events stay in the outbox`);
  return { relay: null, stop: async () => {} };
}

import { consumeEvents, createLogger, serveSubgraph, type EventConsumer, type EventEnvelope, type RunningSubgraph, type SubgraphEvents } from '@supergraph/common';
import type { WebhooksConfig } from './config.ts';
import type { WebhooksContext } from './context.ts';
import { createWebhooksDb, type WebhooksDb } from './db.ts';
import { startDeliveryWorker, type DeliveryWorker } from './delivery/deliveryWorker.ts';
import { createDeliveryAgent } from './delivery/sendAttempt.ts';
import { takeInEvent } from './delivery/takeInEvent.ts';
import { createWebhooksLoaders } from './loaders.ts';
import { webhooksSchema } from './schema.ts';
import { createSecretBox } from './secretBox.ts';

export type WebhooksSubgraph = RunningSubgraph<WebhooksDb> & {
  /** Takes an event in for delivery (idempotent by id); `npm start` feeds its in-process bus here. */
  takeIn: (event: EventEnvelope) => Promise<number | null>;
  /** The delivery worker, or null with WEBHOOKS_WORKER=false. */
  worker: DeliveryWorker | null;
  /** The RabbitMQ intake, or null without AMQP_URL or with WEBHOOKS_WORKER=false. */
  consumer: EventConsumer | null;
};

/**
 * The webhooks subgraph: its API through the shared bootstrap, and with
 * WEBHOOKS_WORKER (the default) the delivery worker, fed by its own queue
 * on the events exchange when AMQP_URL is set, or by whoever calls
 * `takeIn` (`events.publisher` replaces RabbitMQ for its own outbox).
 */
export async function startWebhooksSubgraph(config: WebhooksConfig, events?: SubgraphEvents): Promise<WebhooksSubgraph> {
  const logger = createLogger('webhooks', config.LOG_LEVEL);
  const secrets = createSecretBox(config.WEBHOOKS_SECRETS_KEY);
  const db = createWebhooksDb(config.WEBHOOKS_DATABASE_URL, config.WEBHOOKS_DB_POOL_SIZE, logger);
  const subgraph = await serveSubgraph<WebhooksDb, WebhooksContext>({
    name: 'webhooks',
    config,
    port: config.WEBHOOKS_PORT,
    host: config.WEBHOOKS_HOST,
    db,
    databaseUrl: config.WEBHOOKS_DATABASE_URL,
    events,
    schema: webhooksSchema(),
    context: (base) => ({ ...base, loaders: createWebhooksLoaders(base.db), config, secrets }),
  });
  const policy = { allowLoopback: config.WEBHOOKS_ALLOW_LOOPBACK };
  const agent = createDeliveryAgent(policy);
  const worker = config.WEBHOOKS_WORKER
    ? startDeliveryWorker({
        db,
        agent,
        policy,
        secrets,
        limits: { timeoutMs: config.WEBHOOKS_ATTEMPT_TIMEOUT_MS, maxResponseBytes: config.WEBHOOKS_MAX_RESPONSE_BYTES },
        failures: {
          schedule: { baseMs: config.WEBHOOKS_RETRY_BASE_MS, maxMs: config.WEBHOOKS_RETRY_MAX_MS },
          maxAttempts: config.WEBHOOKS_MAX_ATTEMPTS,
          disableAfterFailures: config.WEBHOOKS_DISABLE_AFTER_FAILURES,
          disableAfterMs: config.WEBHOOKS_DISABLE_AFTER_MS,
        },
        concurrency: config.WEBHOOKS_CONCURRENCY,
        pollIntervalMs: config.WEBHOOKS_POLL_INTERVAL_MS,
        dedupeRetentionMs: config.WEBHOOKS_DEDUPE_RETENTION_MS,
        logger,
      })
    : null;
  const takeIn = async (event: EventEnvelope) => {
    const created = await takeInEvent(db, event);
    if (created) worker?.wake();
    return created;
  };
  const consumer =
    worker && config.AMQP_URL
      ? consumeEvents({ url: config.AMQP_URL, exchange: config.AMQP_EXCHANGE, queue: config.WEBHOOKS_QUEUE, takeIn, logger })
      : null;
  return {
    ...subgraph,
    takeIn,
    worker,
    consumer,
    stop: async () => {
      // Intake and sending first: both still need the pool the subgraph's stop closes.
      await consumer?.stop();
      await worker?.stop();
      await agent.close();
      await subgraph.stop();
    },
  };
}

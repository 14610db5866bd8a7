import { consumeEvents, createLogger, serveSubgraph, type EventConsumer, type EventEnvelope, type RunningSubgraph, type SubgraphEvents } from '@supergraph/common';
import type { PaymentsConfig } from './config.ts';
import type { PaymentsContext } from './context.ts';
import { createPaymentsDb, type PaymentsDb } from './db.ts';
import { createPaymentsLoaders } from './loaders.ts';
import type { PaymentProvider } from './provider/paymentProvider.ts';
import { testCardProvider } from './provider/testCardProvider.ts';
import { ORDER_EVENT_TYPES, takeInOrderEvent } from './saga/takeInOrderEvent.ts';
import { paymentsSchema } from './schema.ts';

export type PaymentsSubgraph = RunningSubgraph<PaymentsDb> & {
  /** Takes an order event in (idempotent by id); `npm start` feeds its in-process bus here. */
  takeIn: (event: EventEnvelope) => Promise<void>;
  /** The RabbitMQ intake, or null without AMQP_URL or with PAYMENTS_SAGA=false. */
  consumer: EventConsumer | null;
};

/**
 * The payments subgraph: its API through the shared bootstrap and, with
 * PAYMENTS_SAGA (the default), the saga step that authorizes placed orders
 * and releases cancelled ones, fed by its own queue on the events exchange
 * when AMQP_URL is set, or by whoever calls `takeIn`. `provider` is where a
 * real card processor plugs in; by default the test-card rules decide.
 */
export async function startPaymentsSubgraph(
  config: PaymentsConfig,
  events?: SubgraphEvents,
  provider: PaymentProvider = testCardProvider,
): Promise<PaymentsSubgraph> {
  const logger = createLogger('payments', config.LOG_LEVEL);
  const db = createPaymentsDb(config.PAYMENTS_DATABASE_URL, config.PAYMENTS_DB_POOL_SIZE, logger);
  const subgraph = await serveSubgraph<PaymentsDb, PaymentsContext>({
    name: 'payments',
    config,
    port: config.PAYMENTS_PORT,
    host: config.PAYMENTS_HOST,
    db,
    databaseUrl: config.PAYMENTS_DATABASE_URL,
    events,
    schema: paymentsSchema(),
    context: (base) => ({ ...base, loaders: createPaymentsLoaders(base.db), config }),
  });
  const step = {
    db,
    provider,
    providerTimeoutMs: config.PAYMENTS_PROVIDER_TIMEOUT_MS,
    logger,
    // A kill, not an exit: nothing may run after the commit, as in a real crash.
    afterAuthorize: config.PAYMENTS_CRASH_AFTER === 'authorize' ? () => process.kill(process.pid, 'SIGKILL') : undefined,
  };
  const takeIn = (event: EventEnvelope) => takeInOrderEvent(step, event);
  const consumer =
    config.PAYMENTS_SAGA && config.AMQP_URL
      ? consumeEvents({ url: config.AMQP_URL, exchange: config.AMQP_EXCHANGE, queue: config.PAYMENTS_QUEUE, bindings: ORDER_EVENT_TYPES, takeIn, logger })
      : null;
  return {
    ...subgraph,
    takeIn,
    consumer,
    stop: async () => {
      // Intake first: it still needs the pool the subgraph's stop closes.
      await consumer?.stop();
      await subgraph.stop();
    },
  };
}

import { consumeEvents, createLogger, serveSubgraph, type EventConsumer, type EventEnvelope, type RunningSubgraph, type SubgraphEvents } from '@supergraph/common';
import type { OrdersConfig } from './config.ts';
import type { OrdersContext } from './context.ts';
import { createOrdersDb, type OrdersDb } from './db.ts';
import { createOrdersLoaders } from './loaders.ts';
import { startPaymentTimeoutSweeper, type PaymentTimeoutSweeper } from './saga/paymentTimeoutSweeper.ts';
import { PAYMENT_EVENT_TYPES, takeInPaymentEvent } from './saga/takeInPaymentEvent.ts';
import { ordersSchema } from './schema.ts';

export type OrdersSubgraph = RunningSubgraph<OrdersDb> & {
  /** Takes a payment event in (idempotent by id); `npm start` feeds its in-process bus here. */
  takeIn: (event: EventEnvelope) => Promise<void>;
  /** The RabbitMQ intake of payment outcomes, or null without AMQP_URL or with ORDERS_SAGA=false. */
  consumer: EventConsumer | null;
  /** The payment timeout, or null with ORDERS_SAGA=false. */
  sweeper: PaymentTimeoutSweeper | null;
};

/**
 * The orders subgraph: its API through the shared bootstrap and, with
 * ORDERS_SAGA (the default), its side of the order saga: payment outcomes
 * from its own queue on the events exchange when AMQP_URL is set (or from
 * whoever calls `takeIn`), and the timeout for orders no outcome reached.
 * `events.publisher` replaces RabbitMQ as where the outbox goes (npm start
 * passes its in-process bus).
 */
export async function startOrdersSubgraph(config: OrdersConfig, events?: SubgraphEvents): Promise<OrdersSubgraph> {
  const logger = createLogger('orders', config.LOG_LEVEL);
  const db = createOrdersDb(config.ORDERS_DATABASE_URL, config.ORDERS_DB_POOL_SIZE, logger);
  const subgraph = await serveSubgraph<OrdersDb, OrdersContext>({
    name: 'orders',
    config,
    port: config.ORDERS_PORT,
    host: config.ORDERS_HOST,
    db,
    databaseUrl: config.ORDERS_DATABASE_URL,
    events,
    schema: ordersSchema(),
    context: (base) => ({ ...base, loaders: createOrdersLoaders(base.db), config }),
  });
  const intake = {
    db,
    logger,
    // A kill, not an exit: nothing may run after it, as in a real crash.
    beforeTakeIn: config.ORDERS_CRASH_BEFORE === 'confirm' ? () => process.kill(process.pid, 'SIGKILL') : undefined,
  };
  const takeIn = (event: EventEnvelope) => takeInPaymentEvent(intake, event);
  const consumer =
    config.ORDERS_SAGA && config.AMQP_URL
      ? consumeEvents({ url: config.AMQP_URL, exchange: config.AMQP_EXCHANGE, queue: config.ORDERS_SAGA_QUEUE, bindings: PAYMENT_EVENT_TYPES, takeIn, logger })
      : null;
  const sweeper = config.ORDERS_SAGA
    ? startPaymentTimeoutSweeper({ db, timeoutMs: config.ORDERS_PAYMENT_TIMEOUT_MS, intervalMs: config.ORDERS_SWEEP_INTERVAL_MS, logger })
    : null;
  return {
    ...subgraph,
    takeIn,
    consumer,
    sweeper,
    stop: async () => {
      // The saga first: it still needs the pool the subgraph's stop closes.
      await consumer?.stop();
      await sweeper?.stop();
      await subgraph.stop();
    },
  };
}

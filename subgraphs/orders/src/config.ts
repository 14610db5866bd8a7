import { z } from 'zod';
import { outboxConfigSchema, parseConfig, sharedConfigSchema, subgraphSigningConfigSchema } from '@supergraph/common';

/**
 * Settings of the orders subgraph, read once at start-up. Shared ones, the
 * router signature's SUBGRAPH_SIGNING_SECRETS included: see
 * common/sharedConfig.ts. Where its events go, documented in
 * common/events/outboxConfig.ts: AMQP_URL (default unset: events stay in the
 * outbox unless a publisher is injected), AMQP_EXCHANGE (supergraph.events),
 * OUTBOX_POLL_INTERVAL_MS (1000) and OUTBOX_LISTEN (true).
 */
export const ordersConfigSchema = sharedConfigSchema.extend(outboxConfigSchema.shape).extend(subgraphSigningConfigSchema.shape).extend({
  /**
   * Whether this process runs the order saga: the intake of payment outcomes
   * (from ORDERS_SAGA_QUEUE when AMQP_URL is set) and the payment timeout. @default true
   */
  ORDERS_SAGA: z.stringbool().default(true),
  /** Durable queue the saga consumes (`payment.authorized`, `payment.declined`) on AMQP_EXCHANGE. @default supergraph.orders */
  ORDERS_SAGA_QUEUE: z.string().min(1).default('supergraph.orders'),
  /** How long an order may stay PENDING before it is cancelled with PAYMENT_TIMEOUT, in ms. @default 60000 */
  ORDERS_PAYMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /** How often the saga looks for orders past ORDERS_PAYMENT_TIMEOUT_MS, in ms. @default 5000 */
  ORDERS_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(5_000),
  /**
   * Tests only: `confirm` kills the process when a payment event arrives,
   * before its transaction, to show a restart ends consistent. Refused in
   * production. @default unset
   */
  ORDERS_CRASH_BEFORE: z.enum(['confirm']).optional(),
  /** PostgreSQL database owned by this subgraph. Required. */
  ORDERS_DATABASE_URL: z.string().url(),
  /** @default 4003 */
  ORDERS_PORT: z.coerce.number().int().min(0).max(65535).default(4003),
  /** @default 127.0.0.1 */
  ORDERS_HOST: z.string().default('127.0.0.1'),
  /** Connections in the pg pool. @default 10 */
  ORDERS_DB_POOL_SIZE: z.coerce.number().int().positive().default(10),
}).refine((config) => !(config.NODE_ENV === 'production' && config.ORDERS_CRASH_BEFORE), {
  path: ['ORDERS_CRASH_BEFORE'],
  message: 'is a test hook and must be unset in production',
});

export type OrdersConfig = z.infer<typeof ordersConfigSchema>;

export const loadOrdersConfig = (env: NodeJS.ProcessEnv = process.env): OrdersConfig =>
  parseConfig(ordersConfigSchema, env, 'orders');

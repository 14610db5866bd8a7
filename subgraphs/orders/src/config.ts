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
  /** PostgreSQL database owned by this subgraph. Required. */
  ORDERS_DATABASE_URL: z.string().url(),
  /** @default 4003 */
  ORDERS_PORT: z.coerce.number().int().min(0).max(65535).default(4003),
  /** @default 127.0.0.1 */
  ORDERS_HOST: z.string().default('127.0.0.1'),
  /** Connections in the pg pool. @default 10 */
  ORDERS_DB_POOL_SIZE: z.coerce.number().int().positive().default(10),
});

export type OrdersConfig = z.infer<typeof ordersConfigSchema>;

export const loadOrdersConfig = (env: NodeJS.ProcessEnv = process.env): OrdersConfig =>
  parseConfig(ordersConfigSchema, env, 'orders');

import { z } from 'zod';
import { outboxConfigSchema, parseConfig, sharedConfigSchema, subgraphSigningConfigSchema } from '@supergraph/common';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * Settings of the payments subgraph and its saga step, read once at
 * start-up. Shared ones: see common/sharedConfig.ts; its events go out
 * through the outbox settings of common/events/outboxConfig.ts, and the saga
 * consumes the same exchange (AMQP_URL, AMQP_EXCHANGE).
 */
export const paymentsConfigSchema = sharedConfigSchema
  .extend(outboxConfigSchema.shape)
  .extend(subgraphSigningConfigSchema.shape)
  .extend({
    /** PostgreSQL database owned by this subgraph. Required. */
    PAYMENTS_DATABASE_URL: z.string().url(),
    /** @default 4005 */
    PAYMENTS_PORT: z.coerce.number().int().min(0).max(65535).default(4005),
    /** @default 127.0.0.1 */
    PAYMENTS_HOST: z.string().default('127.0.0.1'),
    /** Connections in the pg pool. @default 10 */
    PAYMENTS_DB_POOL_SIZE: positiveInt(10),
    /** Durable queue the saga step consumes (`order.placed`, `order.cancelled`) on AMQP_EXCHANGE. @default supergraph.payments */
    PAYMENTS_QUEUE: z.string().min(1).default('supergraph.payments'),
    /** Whether this process runs the saga step that authorizes and refunds orders. @default true */
    PAYMENTS_SAGA: z.stringbool().default(true),
    /**
     * How long the provider may take to answer an authorization, in ms. A
     * payment it leaves unanswered is TIMED_OUT; the orders saga's own
     * timeout then cancels the order. @default 10000
     */
    PAYMENTS_PROVIDER_TIMEOUT_MS: positiveInt(10_000),
    /**
     * Tests only: `authorize` kills the process right after an authorization
     * is committed, before its event is published or its message acked, to
     * show a restart ends consistent. Refused in production. @default unset
     */
    PAYMENTS_CRASH_AFTER: z.enum(['authorize']).optional(),
  })
  .refine((config) => !(config.NODE_ENV === 'production' && config.PAYMENTS_CRASH_AFTER), {
    path: ['PAYMENTS_CRASH_AFTER'],
    message: 'is a test hook and must be unset in production',
  });

export type PaymentsConfig = z.infer<typeof paymentsConfigSchema>;

export const loadPaymentsConfig = (env: NodeJS.ProcessEnv = process.env): PaymentsConfig =>
  parseConfig(paymentsConfigSchema, env, 'payments');

import { z } from 'zod';
import { outboxConfigSchema, parseConfig, sharedConfigSchema, subgraphSigningConfigSchema } from '@supergraph/common';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * Settings of the webhooks subgraph and its delivery worker, read once at
 * start-up. Shared ones: see common/sharedConfig.ts; its own events go out
 * through the outbox settings of common/events/outboxConfig.ts, and the
 * worker consumes the same exchange (AMQP_URL, AMQP_EXCHANGE).
 */
export const webhooksConfigSchema = sharedConfigSchema
  .extend(outboxConfigSchema.shape)
  .extend(subgraphSigningConfigSchema.shape)
  .extend({
    /** PostgreSQL database owned by this subgraph. Required. */
    WEBHOOKS_DATABASE_URL: z.string().url(),
    /** @default 4004 */
    WEBHOOKS_PORT: z.coerce.number().int().min(0).max(65535).default(4004),
    /** @default 127.0.0.1 */
    WEBHOOKS_HOST: z.string().default('127.0.0.1'),
    /** Connections in the pg pool. @default 10 */
    WEBHOOKS_DB_POOL_SIZE: positiveInt(10),
    /** Durable queue the delivery worker consumes, bound to AMQP_EXCHANGE with `#`. @default supergraph.webhooks */
    WEBHOOKS_QUEUE: z.string().min(1).default('supergraph.webhooks'),
    /** Whether this process runs the delivery worker (one per database is enough; several may run). @default true */
    WEBHOOKS_WORKER: z.stringbool().default(true),
    /** Endpoints one user may hold. @default 10 */
    WEBHOOKS_MAX_ENDPOINTS_PER_USER: positiveInt(10),
    /** One attempt's whole time (connect, send, read the answer), in ms. @default 10000 */
    WEBHOOKS_ATTEMPT_TIMEOUT_MS: positiveInt(10_000),
    /** Bytes of a receiver's answer read (and kept in `lastError`); the rest is dropped. @default 1024 */
    WEBHOOKS_MAX_RESPONSE_BYTES: positiveInt(1024),
    /** First retry delay, in ms; it doubles per attempt, with jitter. @default 30000 */
    WEBHOOKS_RETRY_BASE_MS: positiveInt(30_000),
    /** Longest retry delay, in ms (also the most a `Retry-After` is honoured). @default 3600000 */
    WEBHOOKS_RETRY_MAX_MS: positiveInt(3_600_000),
    /** Attempts of one delivery before it is FAILED. @default 8 */
    WEBHOOKS_MAX_ATTEMPTS: positiveInt(8),
    /** Failed attempts in a row, over all its deliveries, after which an endpoint is disabled. @default 20 */
    WEBHOOKS_DISABLE_AFTER_FAILURES: positiveInt(20),
    /** Or failing without a success for this long, in ms. @default 432000000 (5 days) */
    WEBHOOKS_DISABLE_AFTER_MS: positiveInt(5 * 24 * 3_600_000),
    /** How long the previous secret keeps signing after a rotation, in ms. @default 86400000 (24 h) */
    WEBHOOKS_ROTATION_WINDOW_MS: positiveInt(24 * 3_600_000),
    /** How long an event id is remembered to drop redelivered messages, in ms. @default 604800000 (7 days) */
    WEBHOOKS_DEDUPE_RETENTION_MS: positiveInt(7 * 24 * 3_600_000),
    /** How often the worker looks for due deliveries, in ms. @default 1000 */
    WEBHOOKS_POLL_INTERVAL_MS: positiveInt(1_000),
    /** Deliveries sent at once, each on its own, at most one per endpoint. @default 8 */
    WEBHOOKS_CONCURRENCY: positiveInt(8),
    /**
     * Base64 of 32 random bytes (`openssl rand -base64 32`): endpoint secrets
     * are stored sealed with it (AES-256-GCM). Required in production; unset
     * elsewhere, secrets are stored as they are. @default unset
     */
    WEBHOOKS_SECRETS_KEY: z
      .string()
      .optional()
      .transform((value, context) => {
        if (value === undefined || value.trim() === '') return undefined;
        const key = Buffer.from(value.trim(), 'base64');
        if (key.length !== 32) context.addIssue({ code: 'custom', message: `must be base64 of 32 bytes; got ${key.length} bytes` });
        return key;
      }),
    /** Accept `http:` URLs (never in production). @default true outside production */
    WEBHOOKS_ALLOW_HTTP: z.stringbool().optional(),
    /**
     * Tests only: let deliveries go to 127.0.0.1 (a receiver of the test's
     * own). Every other private, loopback, link-local or metadata address
     * stays refused; refused in production. @default false
     */
    WEBHOOKS_ALLOW_LOOPBACK: z.stringbool().default(false),
  })
  .refine((config) => !(config.NODE_ENV === 'production' && !config.WEBHOOKS_SECRETS_KEY), {
    path: ['WEBHOOKS_SECRETS_KEY'],
    message: 'must be set in production (endpoint secrets are stored sealed with it), e.g. $(openssl rand -base64 32)',
  })
  .refine((config) => !(config.NODE_ENV === 'production' && (config.WEBHOOKS_ALLOW_LOOPBACK || config.WEBHOOKS_ALLOW_HTTP)), {
    path: ['WEBHOOKS_ALLOW_LOOPBACK'],
    message: 'production sends webhooks only over https to public addresses (WEBHOOKS_ALLOW_LOOPBACK and WEBHOOKS_ALLOW_HTTP must be false)',
  });

export type WebhooksConfig = z.infer<typeof webhooksConfigSchema>;

export const loadWebhooksConfig = (env: NodeJS.ProcessEnv = process.env): WebhooksConfig =>
  parseConfig(webhooksConfigSchema, env, 'webhooks');

/** Whether endpoint URLs may be `http:`: WEBHOOKS_ALLOW_HTTP, by default everywhere but production. */
export const allowsHttp = (config: WebhooksConfig): boolean => config.WEBHOOKS_ALLOW_HTTP ?? config.NODE_ENV !== 'production';

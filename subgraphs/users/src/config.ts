import { z } from 'zod';
import { outboxConfigSchema, parseConfig, sharedConfigSchema, subgraphSigningConfigSchema } from '@supergraph/common';

/**
 * Settings of the users subgraph, read once at start-up. Shared ones, the
 * router signature's SUBGRAPH_SIGNING_SECRETS included: see
 * common/sharedConfig.ts. Where its events go, documented in
 * common/events/outboxConfig.ts: AMQP_URL (default unset: events stay in the
 * outbox unless a publisher is injected), AMQP_EXCHANGE (supergraph.events),
 * OUTBOX_POLL_INTERVAL_MS (1000) and OUTBOX_LISTEN (true).
 */
export const usersConfigSchema = sharedConfigSchema.extend(outboxConfigSchema.shape).extend(subgraphSigningConfigSchema.shape).extend({
  /** PostgreSQL database owned by this subgraph. Required. */
  USERS_DATABASE_URL: z.string().url(),
  /** @default 4001 */
  USERS_PORT: z.coerce.number().int().min(0).max(65535).default(4001),
  /** @default 127.0.0.1 */
  USERS_HOST: z.string().default('127.0.0.1'),
  /** Connections in the pg pool. @default 10 */
  USERS_DB_POOL_SIZE: z.coerce.number().int().positive().default(10),
  /** Lets a production start serve a database that holds the demo accounts (public password). @default false */
  ALLOW_DEMO_ACCOUNTS: z.stringbool().default(false),
});

export type UsersConfig = z.infer<typeof usersConfigSchema>;

export const loadUsersConfig = (env: NodeJS.ProcessEnv = process.env): UsersConfig =>
  parseConfig(usersConfigSchema, env, 'users');

import { z } from 'zod';
import { outboxConfigSchema, parseConfig, sharedConfigSchema, subgraphSigningConfigSchema } from '@supergraph/common';

/**
 * Settings of the notes subgraph, read once at start-up. Shared ones, the
 * router signature's SUBGRAPH_SIGNING_SECRETS included: see
 * common/sharedConfig.ts. Where its events go, documented in
 * common/events/outboxConfig.ts: AMQP_URL (default unset: events stay in the
 * outbox unless a publisher is injected), AMQP_EXCHANGE (supergraph.events),
 * OUTBOX_POLL_INTERVAL_MS (1000) and OUTBOX_LISTEN (true).
 */
export const notesConfigSchema = sharedConfigSchema.extend(outboxConfigSchema.shape).extend(subgraphSigningConfigSchema.shape).extend({
  /** PostgreSQL database owned by this subgraph. Required. */
  NOTES_DATABASE_URL: z.string().url(),
  /** @default 4002 */
  NOTES_PORT: z.coerce.number().int().min(0).max(65535).default(4002),
  /** @default 127.0.0.1 */
  NOTES_HOST: z.string().default('127.0.0.1'),
  /** Connections in the pg pool. @default 10 */
  NOTES_DB_POOL_SIZE: z.coerce.number().int().positive().default(10),
});

export type NotesConfig = z.infer<typeof notesConfigSchema>;

export const loadNotesConfig = (env: NodeJS.ProcessEnv = process.env): NotesConfig =>
  parseConfig(notesConfigSchema, env, 'notes');

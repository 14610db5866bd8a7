import { z } from 'zod';
import { EVENTS_EXCHANGE } from './eventsExchange.ts';

/**
 * Settings of a subgraph's outbox relay, read from the environment with the
 * rest of the subgraph's config (each subgraph's `config.ts` extends its
 * schema with these).
 */
export const outboxConfigSchema = z.object({
  /**
   * RabbitMQ the relay publishes to, e.g. `amqp://guest:guest@127.0.0.1:5672`.
   * Unset and no publisher injected (`npm start` injects its in-process bus):
   * no relay runs and events wait in the outbox. @default unset
   */
  AMQP_URL: z.string().url().optional(),
  /** The durable topic exchange events are published to; tests isolate themselves with their own. @default supergraph.events */
  AMQP_EXCHANGE: z.string().min(1).default(EVENTS_EXCHANGE),
  /** How often the relay looks for unpublished events when no NOTIFY woke it, in ms. @default 1000 */
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
  /**
   * LISTEN for the NOTIFY every committing mutation sends, so events leave
   * at once instead of at the next poll. The embedded launcher turns it off. @default true
   */
  OUTBOX_LISTEN: z.stringbool().default(true),
});

export type OutboxConfig = z.infer<typeof outboxConfigSchema>;

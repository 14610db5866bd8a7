import { createEvent, type EventCause, type NewEvent } from './eventEnvelope.ts';

/** The part of a Prisma transaction client the outbox needs. */
export interface OutboxWriter {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}

/** The channel relays LISTEN on; a NOTIFY inside a transaction is delivered only if it commits. */
export const OUTBOX_CHANNEL = 'outbox';

/**
 * Appends events to the subgraph's "OutboxEvent" table inside the caller's
 * transaction: the state change and its events commit or roll back together.
 */
export async function appendToOutbox(tx: OutboxWriter, cause: EventCause, ...events: NewEvent[]): Promise<void> {
  for (const event of events) {
    const envelope = createEvent(event, cause);
    await tx.$executeRaw`INSERT INTO "OutboxEvent" ("id", "type", "payload") VALUES (${envelope.id}::uuid, ${envelope.type}, ${JSON.stringify(envelope)}::jsonb)`;
  }
  await tx.$executeRaw`SELECT pg_notify(${OUTBOX_CHANNEL}, '')`;
}

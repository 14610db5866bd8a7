import { createEvent, type EventCause } from './eventEnvelope.ts';
import type { NewEvent } from './eventContract.ts';

/** The part of a Prisma transaction client the outbox needs. */
export interface OutboxWriter {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}

/** The channel relays LISTEN on; a NOTIFY inside a transaction is delivered only if it commits. */
export const OUTBOX_CHANNEL = 'outbox';

/**
 * Appends events to the subgraph's "OutboxEvent" table inside the caller's
 * transaction: the state change and its events commit or roll back together.
 * Each event's `data` is checked against its contract first, and every event
 * before any is written: an event that breaks its producer's contract throws
 * `EventContractError` here, failing the mutation that wrote it, rather than
 * reaching subscribers who cannot read it.
 *
 * One statement whatever the number of events, the NOTIFY included: every
 * mutation pays its round trips to the database while its transaction holds
 * its locks. The rows are inserted in the events' order, so their sequences
 * follow it.
 */
export async function appendToOutbox(tx: OutboxWriter, cause: EventCause, ...events: NewEvent[]): Promise<void> {
  const envelopes = events.map((event) => createEvent(event.contract.contentOf(event), cause));
  await tx.$executeRaw`WITH appended AS (
      INSERT INTO "OutboxEvent" ("id", "type", "payload")
      SELECT (envelope ->> 'id')::uuid, envelope ->> 'type', envelope
      FROM jsonb_array_elements(${JSON.stringify(envelopes)}::jsonb) WITH ORDINALITY AS events (envelope, position)
      ORDER BY position
    )
    SELECT pg_notify(${OUTBOX_CHANNEL}, '')`;
}

import { sqltag, type Sql } from '@prisma/client/runtime/client';
import { createEvent, type EventCause } from './eventEnvelope.ts';
import type { NewEvent } from './eventContract.ts';

/**
 * The part of a Prisma transaction client the outbox needs. Its values may be
 * nested `Sql` fragments (Prisma's `sql` tag), which a writer inlines as
 * Prisma's own tag does.
 */
export interface OutboxWriter {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}

/** The channel relays LISTEN on; a NOTIFY inside a transaction is delivered only if it commits. */
export const OUTBOX_CHANNEL = 'outbox';

/**
 * `events` as rows of "OutboxEvent": an INSERT for a data-modifying `WITH`
 * of the caller's own statement, so that a change that is one statement
 * (a create, say) and its events are written in one round trip, committed
 * or rolled back together without an interactive transaction's `BEGIN` and
 * `COMMIT`. Pair it with `outboxNotify` in the same statement.
 *
 * Each event's `data` is checked against its contract first, and every event
 * before any is written: an event that breaks its producer's contract throws
 * `EventContractError` here, failing the mutation that wrote it, rather than
 * reaching subscribers who cannot read it. The rows are inserted in the
 * events' order, so their sequences follow it.
 */
export function outboxInsert(cause: EventCause, ...events: NewEvent[]): Sql {
  const envelopes = events.map((event) => createEvent(event.contract.contentOf(event), cause));
  return sqltag`INSERT INTO "OutboxEvent" ("id", "type", "payload")
    SELECT (envelope ->> 'id')::uuid, envelope ->> 'type', envelope
    FROM jsonb_array_elements(${JSON.stringify(envelopes)}::jsonb) WITH ORDINALITY AS events (envelope, position)
    ORDER BY position`;
}

/**
 * Wakes the relays (an expression): a NOTIFY is delivered only if the
 * transaction it ran in commits. Select it over exactly one row (an
 * `INSERT ... VALUES` of one row, say): over none it is never sent, and the
 * relays find the events only at their next poll.
 */
export const outboxNotify: Sql = sqltag`pg_notify(${OUTBOX_CHANNEL}, '')`;

/**
 * Appends events to the subgraph's "OutboxEvent" table inside the caller's
 * transaction (see `outboxInsert`): the state change and its events commit
 * or roll back together.
 *
 * One statement whatever the number of events, the NOTIFY included: every
 * mutation pays its round trips to the database while its transaction holds
 * its locks.
 */
export async function appendToOutbox(tx: OutboxWriter, cause: EventCause, ...events: NewEvent[]): Promise<void> {
  await tx.$executeRaw`WITH appended AS (${outboxInsert(cause, ...events)}) SELECT ${outboxNotify}`;
}

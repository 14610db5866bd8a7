import { sqltag, type RawValue } from '@prisma/client/runtime/client';
import type pg from 'pg';
import { appendToOutbox, eventEnvelopeSchema, type EventEnvelope, type NewEvent, type OutboxWriter } from '@supergraph/common';
import { noteUpdatedEvent } from '../../subgraphs/notes/src/noteEvents.ts';

/** What the outbox helpers need of a subgraph's Prisma client. */
interface RawQuerier {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

/**
 * Marks where a subgraph's outbox ends now; `events()` returns the events
 * appended since, in outbox order, each checked against the envelope
 * contract and against its row's own `id` and `type` columns.
 */
export async function watchOutbox(db: RawQuerier) {
  const [mark] = await db.$queryRawUnsafe<{ last: string }[]>(
    'SELECT coalesce(max("sequence"), 0)::text AS "last" FROM "OutboxEvent"',
  );
  return {
    async events(): Promise<EventEnvelope[]> {
      const rows = await db.$queryRawUnsafe<{ id: string; type: string; payload: unknown }[]>(
        'SELECT "id"::text AS "id", "type", "payload" FROM "OutboxEvent" WHERE "sequence" > $1::bigint ORDER BY "sequence"',
        mark!.last,
      );
      return rows.map((row) => {
        const event = eventEnvelopeSchema.parse(row.payload);
        if (event.id !== row.id || event.type !== row.type) {
          throw new Error(`Outbox row ${row.id} (${row.type}) holds event ${event.id} (${event.type}).`);
        }
        return event;
      });
    },
  };
}

/** Prisma's `$executeRaw` tag over a pg client, so tests can call `appendToOutbox` without a subgraph. */
export function pgOutboxWriter(client: pg.ClientBase): OutboxWriter {
  return {
    $executeRaw: async (strings: TemplateStringsArray, ...values: unknown[]) => {
      // Prisma's own tag: it numbers the placeholders and inlines nested fragments as the client does.
      const statement = sqltag(strings, ...(values as RawValue[]));
      return (await client.query(statement.text, statement.values)).rowCount ?? 0;
    },
  };
}

/** Runs `write` with an outbox writer over one connection of `pool`, in a transaction of its own, as a mutation would. */
export async function inOutboxTransaction(pool: pg.Pool, write: (writer: OutboxWriter) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await write(pgOutboxWriter(client));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** Appends events to the outbox of the database behind `pool`, in one transaction, as a mutation would. */
export const appendEvents = (pool: pg.Pool, ...events: NewEvent[]): Promise<void> =>
  inOutboxTransaction(pool, (writer) => appendToOutbox(writer, { actorId: null, correlationId: 'test' }, ...events));

/** The `version`th change of a note, for tests that only care about ordering. */
export const noteChange = (noteId: string, version: number): NewEvent =>
  noteUpdatedEvent.build({
    aggregateId: noteId,
    aggregateVersion: version,
    data: { noteId, authorId: '00000000-0000-4000-8000-000000000001', changed: ['content'] },
  });

import type { z } from 'zod';
import { MalformedEventError } from './eventConsumer.ts';
import { describeIssues, type EventEnvelope } from './eventEnvelope.ts';
import type { OutboxWriter } from './outbox.ts';

/**
 * Records that a consumer took an event in, in its "ReceivedEvent" table
 * (`id uuid primary key`), inside the transaction of the event's effect.
 * Returns false when the id is already there: the event was taken in
 * before (a redelivery), and the caller must change nothing. A concurrent
 * delivery of the same event waits on the key until this transaction ends.
 */
export async function claimEvent(tx: OutboxWriter, eventId: string): Promise<boolean> {
  const inserted = await tx.$executeRaw`INSERT INTO "ReceivedEvent" ("id") VALUES (${eventId}::uuid) ON CONFLICT DO NOTHING`;
  return inserted === 1;
}

/**
 * The part of an event's payload a consumer relies on, read with its own
 * schema (a tolerant reader: fields it does not name are ignored). Throws
 * `MalformedEventError`, which dead-letters the message, when they are missing.
 */
export function readEventData<T extends z.ZodType>(schema: T, event: EventEnvelope): z.infer<T> {
  const result = schema.safeParse(event.data);
  if (!result.success) throw new MalformedEventError(`${event.type} ${event.id}: ${describeIssues(result.error)}`);
  return result.data;
}

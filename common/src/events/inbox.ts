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

import type { EventEnvelope } from '@supergraph/common';
import type { WebhooksDb } from '../db.ts';
import { ALL_EVENT_TYPES } from '../limits.ts';

/**
 * Records an event and creates one pending delivery per enabled endpoint
 * that subscribes to its type and whose owner may see it: the user the
 * event is about (its envelope's `ownerId`, declared by the producer's
 * contract) or an admin. All in one transaction, so an event is taken in
 * entirely or not at all, and the event's id makes a second arrival (a
 * redelivered message) a no-op. Returns how many deliveries it created, or
 * null for a duplicate.
 */
export async function takeInEvent(db: WebhooksDb, event: EventEnvelope): Promise<number | null> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.receivedEvent.createMany({ data: [{ id: event.id }], skipDuplicates: true });
    if (count === 0) return null;
    const endpoints = await tx.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "WebhookEndpoint"
      WHERE "enabled" AND "eventTypes" && ARRAY[${event.type}, ${ALL_EVENT_TYPES}]::text[]
        AND ("ownerIsAdmin" OR "ownerId"::text = ${event.ownerId})`;
    const payload = JSON.stringify(event);
    await tx.webhookDelivery.createMany({
      data: endpoints.map(({ id }) => ({ endpointId: id, eventId: event.id, eventType: event.type, payload })),
      skipDuplicates: true,
    });
    return endpoints.length;
  });
}

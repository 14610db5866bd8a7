import { randomUUID } from 'node:crypto';
import { createEvent, type EventEnvelope } from '@supergraph/common';

/** An event as a producer's outbox would publish it: about a note of `ownerId`'s. */
export function noteCreatedBy(ownerId: string, type = 'note.created'): EventEnvelope {
  const noteId = randomUUID();
  return createEvent(
    { type, aggregateType: 'Note', aggregateId: noteId, aggregateVersion: 1, data: { noteId, authorId: ownerId }, ownerId },
    { actorId: ownerId, correlationId: null },
  );
}

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { eventCatalogue, type EventType } from './eventCatalogue.ts';

/** The current envelope version; consumers reject versions they do not know. */
export const SCHEMA_VERSION = 1;

/** The contract between producers (outbox), the bridge and the routers. */
export const eventEnvelopeSchema = z.object({
  id: z.uuid(),
  // Producers own their types; the envelope only fixes their shape (`domain.happened`, also a routing key).
  type: z.string().regex(/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)+$/, 'a dotted name such as `thing.happened`'),
  schemaVersion: z.literal(SCHEMA_VERSION),
  occurredAt: z.iso.datetime(),
  aggregateType: z.string().min(1),
  aggregateId: z.string().min(1),
  aggregateVersion: z.number().int().nonnegative(),
  actorId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  correlationId: z.string().nullable(),
  causationId: z.string().nullable(),
});

export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

export interface NewEvent {
  type: EventType;
  aggregateId: string;
  aggregateVersion: number;
  data: Record<string, unknown>;
}

/** Who caused an event: the signed-in user and the request it came from. */
export interface EventCause {
  actorId: string | null;
  correlationId: string | null;
  causationId?: string | null;
}

export function createEvent(event: NewEvent, cause: EventCause): EventEnvelope {
  return {
    id: randomUUID(),
    type: event.type,
    schemaVersion: SCHEMA_VERSION,
    occurredAt: new Date().toISOString(),
    aggregateType: eventCatalogue[event.type].aggregateType,
    aggregateId: event.aggregateId,
    aggregateVersion: event.aggregateVersion,
    actorId: cause.actorId,
    data: event.data,
    correlationId: cause.correlationId,
    causationId: cause.causationId ?? null,
  };
}

/** Parses an event from the wire; the error message says what is wrong, for the dead-letter reason. */
export function parseEvent(raw: string | Buffer): EventEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString());
  } catch {
    throw new Error('body is not JSON');
  }
  const result = eventEnvelopeSchema.safeParse(json);
  if (!result.success) {
    throw new Error(result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; '));
  }
  return result.data;
}

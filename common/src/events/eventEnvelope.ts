import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { TRACEPARENT_PATTERN, traceCarrierOf } from '../tracing/traceCarrier.ts';

/** The current envelope version; consumers reject versions they do not know. */
export const SCHEMA_VERSION = 1;

/**
 * What an event type looks like: dotted lower-case words, e.g. `parcel.shipped`.
 * The type is also the RabbitMQ routing key and the Redis channel, where dots
 * separate words and `*`, `#` are wildcards, so nothing else is allowed.
 */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/**
 * The contract between producers (outbox), the bridge and the routers. It
 * knows no event type: each producer declares its own (`defineEvent`), and
 * `data` is checked against that declaration when the producer writes it.
 * The descriptions are the envelope table of docs/events.md.
 */
export const eventEnvelopeSchema = z.object({
  id: z.uuid().describe('UUID of the event; consumers drop duplicates by it'),
  type: z
    .string()
    .regex(EVENT_TYPE_PATTERN, 'must be dotted lower-case words, e.g. "parcel.shipped"')
    .describe('what happened, e.g. `parcel.shipped`; also the RabbitMQ routing key and the Redis channel'),
  schemaVersion: z.literal(SCHEMA_VERSION).describe(`envelope version, currently \`${SCHEMA_VERSION}\``),
  occurredAt: z.iso.datetime().describe('ISO-8601 time of the change'),
  aggregateType: z.string().min(1).describe("the kind of entity that changed, declared by the type's producer"),
  aggregateId: z.string().min(1).describe('the id of the entity that changed'),
  aggregateVersion: z.number().int().nonnegative().describe("the entity's version after the change (order per aggregate)"),
  actorId: z.string().nullable().describe('the signed-in user who caused it'),
  ownerId: z
    .string()
    .nullable()
    .default(null)
    .describe("the user the event is about, per its contract's `owner`: consumers that hand events to users give them only to that user and to admins; null: to admins only"),
  data: z.record(z.string(), z.unknown()).describe("the type's payload, declared by its producer"),
  correlationId: z.string().nullable().describe('the `x-request-id` of the request that caused it'),
  causationId: z.string().nullable().describe('the event that caused it, if any'),
  // Trace context is for observability only: a malformed value is dropped
  // (`catch`), never a reason to dead-letter an otherwise good event.
  traceparent: z
    .string()
    .regex(TRACEPARENT_PATTERN)
    .optional()
    .catch(undefined)
    .describe('W3C trace context of the last hop that handled it (the mutation, the relay, the bridge), when tracing is on; a malformed one is ignored'),
  tracestate: z.string().max(512).optional().catch(undefined).describe('W3C `tracestate` that goes with `traceparent`, if any'),
});

export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

/** What an envelope says about the change itself, before it gets an id, a time and a cause. */
export interface EventContent {
  type: string;
  aggregateType: string;
  aggregateId: string;
  aggregateVersion: number;
  data: Record<string, unknown>;
  /** The user the event is about (see the envelope's `ownerId`); absent means nobody in particular. */
  ownerId?: string | null;
}

/** Who caused an event: the signed-in user and the request it came from. */
export interface EventCause {
  actorId: string | null;
  correlationId: string | null;
  causationId?: string | null;
}

/**
 * Wraps content in an envelope. Producers go through `appendToOutbox`, which
 * checks the content against the producer's contract first; this is the raw
 * step, for publishers that bypass an outbox (tests feeding a router).
 */
export function createEvent(event: EventContent, cause: EventCause): EventEnvelope {
  return {
    id: randomUUID(),
    type: event.type,
    schemaVersion: SCHEMA_VERSION,
    occurredAt: new Date().toISOString(),
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    aggregateVersion: event.aggregateVersion,
    actorId: cause.actorId,
    ownerId: event.ownerId ?? null,
    data: event.data,
    correlationId: cause.correlationId,
    causationId: cause.causationId ?? null,
    // The span active when the event is written (the mutation's), so one trace runs on through every hop.
    ...traceCarrierOf(),
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
  if (!result.success) throw new Error(describeIssues(result.error));
  return result.data;
}

/** `path: message; ...`, the form every event error uses. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

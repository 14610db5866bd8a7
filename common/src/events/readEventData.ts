import type { z } from 'zod';
import { MalformedEventError } from './eventConsumer.ts';
import { describeIssues, type EventEnvelope } from './eventEnvelope.ts';

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
